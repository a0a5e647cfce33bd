// Generated cron-like sequences of kzscrape runs (AlertStore) with a kznotify run after each:
// every transition reaches the destination exactly once, whatever the channel's failures.
#include <random>
#include <set>

#include "notify/notify_run.hpp"
#include "notify_run_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;
using Outcome = DeliveryResult::Outcome;

class NotifyScenario : public NotifyRunTest {
 protected:
  // One cron run of kzscrape over both pools: each key opens, moves or resolves at random; an
  // open alert is updated every run as the rules do (its last_seen_at moves).
  void scrape_run(std::mt19937& random) {
    const std::vector<AlertKey> keys = {{"offline_workers", ""},
                                        {"worker_offline", "a"},
                                        {"worker_offline", "<b> & c"},
                                        {"hashrate_drop", ""}};
    for (int64_t pool : {1, 2}) {
      std::vector<AlertChange> changes;
      for (const AlertKey& key : keys) {
        const int roll = static_cast<int>(random() % 4);
        const auto severity = static_cast<Severity>(random() % 3);
        auto found = open_.find({pool, key});
        if (found == open_.end() && roll == 0) {
          changes.push_back({AlertAction::open, key, severity, "m"});
          open_[{pool, key}] = severity;
        } else if (found != open_.end() && roll == 1) {
          changes.push_back({AlertAction::resolve, key, found->second, ""});
          open_.erase(found);
        } else if (found != open_.end()) {
          changes.push_back({AlertAction::update, key, severity, "m"});
          found->second = severity;
        }
      }
      scrape(pool, changes, clock_.now());
    }
  }

  // What a person should hear of the events that `where` selects, worked out from the events
  // alone: an alert's opening, each raise above what was last told, its resolution.
  std::vector<std::string> expected(const std::string& where = "1") {
    const auto all = events(where);
    const auto alert_ids = rows(
        "SELECT e.alert_id FROM alert_event e JOIN alert a ON a.id ="
        " e.alert_id WHERE " +
        where + " ORDER BY e.id");
    std::map<std::string, int> told;
    std::vector<std::string> out;
    auto rank = [](const std::string& event) {
      return event.ends_with(" high") ? 2 : event.ends_with(" medium") ? 1 : 0;
    };
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].starts_with("raised") && rank(all[i]) <= told[alert_ids[i]]) continue;
      told[alert_ids[i]] = rank(all[i]);
      out.push_back(all[i]);
    }
    return out;
  }

  std::map<std::pair<int64_t, AlertKey>, Severity> open_;
};

TEST_F(NotifyScenario, EveryTransitionExactlyOnceThroughFailures) {
  for (unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TearDown();
    SetUp();
    open_.clear();
    channels_ = RecordingChannels();
    std::mt19937 random(seed);
    run();
    size_t messages = 0;
    for (int i = 0; i < 100; ++i) {
      scrape_run(random);
      const int roll = static_cast<int>(random() % 10);
      if (roll == 0) channels_.log("ops").answers.assign(3, answer(Outcome::transient, "HTTP 502"));
      if (roll == 1) channels_.log("ops").answers.assign(1, answer(Outcome::refused, "HTTP 403"));
      const size_t before = channels_.log("ops").delivered.size();
      run();
      messages = channels_.log("ops").delivered.size();
      EXPECT_LE(messages - before, 1u);
      clock_.advance(10min);
    }
    // The channel works again; a refusal's hour is over.
    channels_.log("ops").answers.clear();
    clock_.advance(1h);
    run();
    EXPECT_EQ(delivered(), expected());
    EXPECT_GT(channels_.log("ops").delivered.size(), 30u);
    EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'pending'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'dropped' AND reason <>"
                    " 'not higher'"),
              0);
  }
}

// With the default minimum duration: an alert's transitions are all sent when the worker was
// offline in two runs (or it is another type), none when it was seen in one run only.
TEST_F(NotifyScenario, MinimumDurationSendsWholeAlertsOrNothing) {
  settings_.min_duration = NotifySettings().min_duration;
  std::mt19937 random(7);
  run();
  for (int i = 0; i < 150; ++i) {
    scrape_run(random);
    if (random() % 8 == 0) {
      channels_.log("ops").answers.assign(3, answer(Outcome::transient, "timeout"));
    }
    run();
    clock_.advance(10min);
  }
  clock_.advance(10min);
  run();
  const std::string long_enough =
      "(a.alert_type NOT IN ('worker_offline', 'offline_workers') OR"
      " unixepoch(a.last_seen_at) - unixepoch(a.opened_at)"
      " >= 60)";
  std::vector<std::string> want = expected(long_enough);
  std::vector<std::string> got = delivered();
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_GT(count("SELECT count(*) FROM notify_delivery WHERE reason LIKE 'shorter than%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery d JOIN alert_event e ON e.id = d.event_id"
                  " JOIN alert a ON a.id = e.alert_id WHERE d.state = 'pending' AND NOT " +
                  long_enough + " AND a.resolved_at IS NOT NULL"),
            0);
}

// An alert that flaps every run: at most max_per_alert_per_hour messages about it in any hour,
// never a resolution of what was not sent, and once it stays open the destination hears it.
TEST_F(NotifyScenario, FlappingIsCappedPerHour) {
  settings_.max_per_alert_per_hour = 2;
  const AlertKey rig{"worker_offline", "rig-1"};
  const AlertKey other{"worker_offline", "rig-2"};
  run();
  scrape(1, {{AlertAction::open, other, Severity::medium, "m"}}, clock_.now());
  for (int i = 0; i < 30; ++i) {
    const bool stays_open = i >= 20;
    if (i % 2 == 0 && i <= 20) {
      scrape(1, {{AlertAction::open, rig, Severity::medium, "m"}}, clock_.now());
    } else if (!stays_open) {
      scrape(1, {{AlertAction::resolve, rig, Severity::medium, ""}}, clock_.now());
    } else {
      scrape(1, {{AlertAction::update, rig, Severity::medium, "m"}}, clock_.now());
    }
    if (i == 12) scrape(1, {{AlertAction::resolve, other, Severity::medium, ""}}, clock_.now());
    run();
    clock_.advance(10min);
  }
  std::vector<TimePoint> about_rig;
  std::set<std::string> told;
  for (const Digest& digest : channels_.log("ops").delivered) {
    for (const DigestEntry& entry : digest.entries) {
      if (entry.subject != "rig-1") continue;
      if (about_rig.empty() || about_rig.back() != digest.at) about_rig.push_back(digest.at);
      const std::string id = format_utc(entry.opened_at);
      if (entry.kind == "opened") told.insert(id);
      if (entry.kind == "resolved") {
        EXPECT_TRUE(told.count(id)) << id;
      }
    }
  }
  for (size_t i = 0; i < about_rig.size(); ++i) {
    size_t within = 0;
    for (size_t j = 0; j <= i; ++j) {
      within += about_rig[i] - about_rig[j] < 1h ? 1 : 0;
    }
    EXPECT_LE(within, 2u) << format_utc(about_rig[i]);
  }
  EXPECT_GE(about_rig.size(), 4u);
  EXPECT_GT(count("SELECT count(*) FROM notify_delivery WHERE reason = 'flapping'"), 0);
  // The last opening (run 20, still open) was sent once the hour allowed it.
  const auto last = entries(channels_.log("ops").delivered);
  EXPECT_EQ(std::count(last.begin(), last.end(), "opened KZPool_001/worker_offline/rig-1 medium"),
            static_cast<long>(told.size()));
  EXPECT_TRUE(told.count(format_utc(t0_ + 200min)));
  // The other alert is not held by rig-1's flapping.
  EXPECT_EQ(std::count(last.begin(), last.end(), "resolved KZPool_001/worker_offline/rig-2 medium"),
            1);
}

}  // namespace
}  // namespace kz::test

namespace kz::test {
namespace {

// The bench's shape (100 pools, 1,000 transitions in one run): one message holding them all,
// every delivery marked sent, nothing left for the next run.
TEST_F(NotifyScenario, AThousandTransitionsOfAHundredPoolsGoAsOneMessage) {
  for (int pool = 3; pool <= 100; ++pool) {
    cache_->db().exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256)"
        " VALUES(" +
        std::to_string(pool) + ", 'https://x/o" + std::to_string(pool) + "', 'KZPool_" +
        std::to_string(1000 + pool) + "', '2026-01-01T00:00:00Z', 'h" + std::to_string(pool) +
        "')");
  }
  run();
  for (int64_t pool = 1; pool <= 100; ++pool) {
    std::vector<AlertChange> changes;
    for (int worker = 0; worker < 10; ++worker) {
      changes.push_back({AlertAction::open,
                         {"worker_offline", "rig-" + std::to_string(worker)},
                         static_cast<Severity>(worker % 3),
                         "offline"});
    }
    scrape(pool, changes, clock_.now());
  }
  const auto outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(outcomes[0].messages, 1);
  EXPECT_EQ(outcomes[0].entries, 1000);
  EXPECT_EQ(delivered(), expected());
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'sent'"), 1000);
  EXPECT_EQ(count("SELECT count(*) FROM notify_told"), 1000);
  run();
  EXPECT_EQ(channels_.log("ops").delivered.size(), 1u);
}

}  // namespace
}  // namespace kz::test
