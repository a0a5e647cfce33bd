// run_notify, one behaviour at a time: grouping, greeting, routing, minimum duration, mutes,
// quiet hours, retries, refusal, chat migration, dry run.
#include "notify/notify_run.hpp"

#include "notify/mute_store.hpp"
#include "notify_run_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;
using Outcome = DeliveryResult::Outcome;

const AlertKey kRig1{"worker_offline", "rig-1"};
const AlertKey kRig2{"worker_offline", "rig <2> & co"};
const AlertKey kDrop{"hashrate_drop", ""};

TEST_F(NotifyRunTest, TransitionsOfARunGoAsOneMessage) {
  run();  // greets: nothing open, no message
  EXPECT_TRUE(channels_.log("ops").attempts.empty());
  scrape(1,
         {{AlertAction::open, kRig1, Severity::medium, "m"},
          {AlertAction::open, kRig2, Severity::low, "m"}},
         clock_.now());
  scrape(2, {{AlertAction::open, kDrop, Severity::high, "m"}}, clock_.now());
  const auto outcomes = run();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(outcomes[0].messages, 1);
  EXPECT_EQ(outcomes[0].entries, 3);
  ASSERT_EQ(channels_.log("ops").delivered.size(), 1u);
  EXPECT_EQ(channels_.log("ops").delivered[0].kind, DigestKind::transitions);
  EXPECT_EQ(delivered(), events());
  clock_.advance(10min);
  scrape(1,
         {{AlertAction::update, kRig1, Severity::medium, "m"},
          {AlertAction::update, kRig2, Severity::low, "m"}},
         clock_.now());
  run();  // nothing changed: nothing sent
  EXPECT_EQ(channels_.log("ops").attempts.size(), 1u);
  clock_.advance(10min);
  scrape(1, {{AlertAction::resolve, kRig1, Severity::medium, ""}}, clock_.now());
  run();
  ASSERT_EQ(channels_.log("ops").delivered.size(), 2u);
  const DigestEntry& resolved = channels_.log("ops").delivered[1].entries.at(0);
  EXPECT_EQ(resolved.kind, "resolved");
  EXPECT_EQ(resolved.lasted, std::chrono::seconds{20min});
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'sent'"), 4);
}

TEST_F(NotifyRunTest, ANewDestinationIsToldWhatIsOpenNotTheHistory) {
  scrape(1,
         {{AlertAction::open, kRig1, Severity::medium, "m"},
          {AlertAction::open, kRig2, Severity::medium, "m"},
          {AlertAction::open, kDrop, Severity::high, "m"}},
         clock_.now() - 1h);
  scrape(1, {{AlertAction::resolve, kDrop, Severity::high, ""}}, clock_.now() - 30min);
  scrape(2, {{AlertAction::open, kDrop, Severity::low, "m"}}, clock_.now() - 30min);
  MuteStore(*cache_).add({0, "KZPool_001", "rig <2> & co", clock_.now() + 1h, "", {}},
                         clock_.now());
  settings_.destinations[0].routing.min_severity = "medium";
  // The greeting fails for two runs: retried each run with what is open then.
  channels_.log("ops").answers.assign(6, answer(Outcome::transient, "HTTP 502"));
  EXPECT_EQ(run()[0].code, ExitCode::notify_failed);
  clock_.advance(10min);
  scrape(2, {{AlertAction::update, kDrop, Severity::high, "worse"}}, clock_.now());
  EXPECT_EQ(run()[0].code, ExitCode::notify_failed);
  clock_.advance(10min);
  EXPECT_EQ(run()[0].code, ExitCode::ok);
  ASSERT_EQ(channels_.log("ops").delivered.size(), 1u);
  EXPECT_EQ(channels_.log("ops").delivered[0].kind, DigestKind::open_now);
  EXPECT_EQ(delivered(), (std::vector<std::string>{"open KZPool_001/worker_offline/rig-1 medium",
                                                   "open KZPool_002/hashrate_drop/ high"}));
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery"), 0);
  run();
  EXPECT_EQ(channels_.log("ops").delivered.size(), 1u);
  // What it was told is resolved to it; the muted worker it never heard of is not.
  clock_.advance(10min);
  scrape(1,
         {{AlertAction::resolve, kRig1, Severity::medium, ""},
          {AlertAction::resolve, kRig2, Severity::medium, ""}},
         clock_.now());
  run();
  ASSERT_EQ(channels_.log("ops").delivered.size(), 2u);
  EXPECT_EQ(entries({channels_.log("ops").delivered[1]}),
            std::vector<std::string>{"resolved KZPool_001/worker_offline/rig-1 medium"});
}

TEST_F(NotifyRunTest, NothingOpenMeansNoGreetingButGreeted) {
  run();
  EXPECT_TRUE(channels_.log("ops").attempts.empty());
  EXPECT_EQ(count("SELECT count(*) FROM notify_destination WHERE greeted_at IS NOT NULL"), 1);
}

TEST_F(NotifyRunTest, RoutingPerDestination) {
  Destination pool1 = destination("pool1");
  pool1.routing.pools = {"KZPool_001"};
  Destination high = destination("high");
  high.routing.min_severity = "high";
  Destination drops = destination("drops");
  drops.routing.alert_types = {"hashrate_drop"};
  settings_.destinations = {pool1, high, drops};
  run();
  for (int pool : {1, 2}) {
    scrape(pool,
           {{AlertAction::open, kRig1, Severity::medium, "m"},
            {AlertAction::open, kDrop, Severity::high, "m"}},
           clock_.now());
  }
  run();
  EXPECT_EQ(delivered("pool1"), events("p.account_name = 'KZPool_001'"));
  EXPECT_EQ(delivered("high"), events("e.severity = 'high'"));
  EXPECT_EQ(delivered("drops"), events("a.alert_type = 'hashrate_drop'"));
}

TEST_F(NotifyRunTest, AWorkerOfflineInOneRunOnlyIsNeverSent) {
  settings_.min_duration = {{"worker_offline", 60s}};
  run();
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  run();
  clock_.advance(10min);
  scrape(1,
         {{AlertAction::resolve, kRig1, Severity::medium, ""},
          {AlertAction::open, kRig2, Severity::medium, "m"}},
         clock_.now());
  run();
  EXPECT_TRUE(channels_.log("ops").attempts.empty());
  EXPECT_EQ(
      rows("SELECT state || ' ' || coalesce(reason, hold) FROM notify_delivery ORDER BY event_id"),
      (std::vector<std::string>{"dropped shorter than 60 s", "dropped shorter than 60 s",
                                "pending min duration"}));
  clock_.advance(10min);
  scrape(1, {{AlertAction::update, kRig2, Severity::medium, "m"}}, clock_.now());
  run();
  EXPECT_EQ(delivered(),
            std::vector<std::string>{"opened KZPool_001/worker_offline/rig <2> & co medium"});
}

TEST_F(NotifyRunTest, MutesHoldUntilTheyEndAndSwallowWhatEndedWithin) {
  run();
  MuteStore(*cache_).add({0, "KZPool_001", "rig-1", clock_.now() + 30min, "maintenance", {}},
                         clock_.now());
  MuteStore(*cache_).add({0, "KZPool_002", "", clock_.now() + 30min, "", {}}, clock_.now());
  scrape(1,
         {{AlertAction::open, kRig1, Severity::medium, "m"},
          {AlertAction::open, kRig2, Severity::medium, "m"}},
         clock_.now());
  scrape(2, {{AlertAction::open, kDrop, Severity::high, "m"}}, clock_.now());
  run();
  EXPECT_EQ(delivered(),
            std::vector<std::string>{"opened KZPool_001/worker_offline/rig <2> & co medium"});
  for (int i = 1; i <= 3; ++i) {
    clock_.advance(10min);
    scrape(1, {{AlertAction::update, kRig1, Severity::medium, "m"}}, clock_.now());
    if (i == 2) scrape(2, {{AlertAction::resolve, kDrop, Severity::high, ""}}, clock_.now());
    run();
  }
  // The mute ended at the third run: rig-1's opening went then; the pool's alert that opened
  // and resolved within its mute never goes.
  EXPECT_EQ(delivered(),
            (std::vector<std::string>{"opened KZPool_001/worker_offline/rig <2> & co medium",
                                      "opened KZPool_001/worker_offline/rig-1 medium"}));
  EXPECT_EQ(channels_.log("ops").delivered.size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'dropped' AND reason = "
                  "'muted'"),
            2);
}

TEST_F(NotifyRunTest, QuietHoursLetOnlyHighThroughAndSendTheRestWhenTheyEnd) {
  settings_.quiet_hours = QuietHours{{22 * 60}, {7 * 60}};
  clock_.advance(-3h);  // 21:00
  run();
  clock_.advance(90min);  // 22:30
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  run();
  EXPECT_TRUE(channels_.log("ops").attempts.empty());
  clock_.advance(30min);  // 23:00
  scrape(2, {{AlertAction::open, kDrop, Severity::high, "m"}}, clock_.now());
  run();
  EXPECT_EQ(delivered(), std::vector<std::string>{"opened KZPool_002/hashrate_drop/ high"});
  for (int hour = 0; hour < 7; ++hour) {
    clock_.advance(1h);
    run();
    EXPECT_EQ(channels_.log("ops").delivered.size(), 1u) << "at " << format_utc(clock_.now());
  }
  clock_.advance(1h);  // 07:00
  run();
  EXPECT_EQ(delivered(),
            (std::vector<std::string>{"opened KZPool_002/hashrate_drop/ high",
                                      "opened KZPool_001/worker_offline/rig-1 medium"}));
}

TEST_F(NotifyRunTest, AnOutageIsCaughtUpInOneMessageWithoutRepeats) {
  run();
  channels_.log("ops").answers.assign(9, answer(Outcome::transient, "HTTP 503"));
  const std::vector<AlertKey> keys = {kRig1, kRig2, kDrop};
  for (size_t i = 0; i < keys.size(); ++i) {
    scrape(1, {{AlertAction::open, keys[i], Severity::medium, "m"}}, clock_.now());
    const auto outcomes = run();
    EXPECT_EQ(outcomes[0].code, ExitCode::notify_failed);
    EXPECT_EQ(outcomes[0].pending, static_cast<int>(i + 1));
    EXPECT_NE(outcomes[0].error.find("HTTP 503"), std::string::npos);
    clock_.advance(10min);
  }
  EXPECT_EQ(channels_.log("ops").attempts.size(), 9u);  // three attempts per run
  EXPECT_EQ(sleeper_.waits, (std::vector<std::chrono::milliseconds>{1s, 2s, 1s, 2s, 1s, 2s}));
  scrape(1, {{AlertAction::resolve, kRig1, Severity::medium, ""}}, clock_.now());
  const auto outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(outcomes[0].pending, 0);
  ASSERT_EQ(channels_.log("ops").delivered.size(), 1u);
  EXPECT_EQ(delivered(), events());
  run();
  EXPECT_EQ(channels_.log("ops").delivered.size(), 1u);
}

TEST_F(NotifyRunTest, ARefusedDestinationWaitsAnHourThenCatchesUp) {
  run();
  channels_.log("ops").answers.assign(1, answer(Outcome::refused, "chat not found"));
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  auto outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::notify_refused);
  EXPECT_EQ(outcomes[0].error, "chat not found (refused; next attempt after " +
                                   format_utc(clock_.now() + 1h) +
                                   ", or at once after a successful kznotify --test)");
  EXPECT_EQ(notify_exit_code(outcomes), ExitCode::notify_refused);
  for (int i = 0; i < 5; ++i) {
    clock_.advance(10min);
    scrape(1,
           {{AlertAction::open, {"worker_offline", "w" + std::to_string(i)}, Severity::low, "m"}},
           clock_.now());
    outcomes = run();
    EXPECT_EQ(outcomes[0].code, ExitCode::notify_refused);
    EXPECT_EQ(channels_.log("ops").attempts.size(), 1u);
  }
  clock_.advance(11min);
  outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(channels_.log("ops").attempts.size(), 2u);
  EXPECT_EQ(delivered(), events());
  EXPECT_EQ(count("SELECT count(*) FROM notify_destination WHERE refused_until IS NULL AND"
                  " last_error IS NULL"),
            1);
}

TEST_F(NotifyRunTest, TooManyRequestsIsWaitedOutWithinTheTimeLimitOnly) {
  settings_.time_limit = 120s;
  run();
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  channels_.log("ops").answers = {answer(Outcome::transient, "HTTP 429", 30s),
                                  answer(Outcome::transient, "HTTP 429", 45s)};
  auto outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(sleeper_.waits, (std::vector<std::chrono::milliseconds>{30s, 45s}));
  EXPECT_EQ(channels_.log("ops").delivered.size(), 1u);

  clock_.advance(10min);
  scrape(1, {{AlertAction::resolve, kRig1, Severity::medium, ""}}, clock_.now());
  channels_.log("ops").answers = {answer(Outcome::transient, "HTTP 429", 100s),
                                  answer(Outcome::transient, "HTTP 429", 100s)};
  outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::notify_failed);
  EXPECT_EQ(outcomes[0].pending, 1);
  EXPECT_EQ(sleeper_.waits.size(), 3u);  // waited 100 s once; the next 100 s would pass 120 s
  EXPECT_EQ(channels_.log("ops").attempts.size(), 5u);  // 3 in the first run, 2 in this one
  clock_.advance(10min);
  outcomes = run();
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(delivered(), events());
}

TEST_F(NotifyRunTest, AMigratedChatIdIsKeptAndUsed) {
  run();
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  DeliveryResult moved = answer(Outcome::delivered);
  moved.migrated_chat_id = "-100999";
  channels_.log("ops").answers = {moved};
  EXPECT_EQ(run()[0].code, ExitCode::ok);
  EXPECT_EQ(rows("SELECT chat_id FROM notify_destination"), std::vector<std::string>{"-100999"});
  clock_.advance(10min);
  scrape(1, {{AlertAction::resolve, kRig1, Severity::medium, ""}}, clock_.now());
  run();
  EXPECT_EQ(channels_.log("ops").chat_ids,
            (std::vector<std::string>{settings_.destinations[0].chat_id, "-100999"}));
  EXPECT_EQ(delivered(), events());
}

TEST_F(NotifyRunTest, ADryRunPrintsAndChangesNothing) {
  run();
  scrape(1, {{AlertAction::open, kRig1, Severity::medium, "m"}}, clock_.now());
  run();
  clock_.advance(10min);
  scrape(1,
         {{AlertAction::resolve, kRig1, Severity::medium, ""},
          {AlertAction::open, kRig2, Severity::high, "m"}},
         clock_.now());
  settings_.destinations.push_back(destination("new"));
  const std::string before = dump();
  const auto outcomes = run(true);
  EXPECT_EQ(dump(), before);
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(channels_.log("ops").attempts.size(), 1u);
  EXPECT_TRUE(channels_.log("new").attempts.empty());
  EXPECT_NE(printed_.find("== ops (telegram) =="), std::string::npos);
  EXPECT_NE(printed_.find("== new (telegram) =="), std::string::npos);
  EXPECT_LT(printed_.find("== ops (telegram) =="), printed_.find("== new (telegram) =="));
  EXPECT_NE(printed_.find("rig <2> & co"), std::string::npos) << printed_;
  // The real run then sends what the dry run showed.
  run();
  EXPECT_EQ(delivered(), events());
}

TEST_F(NotifyRunTest, TestMessagesNameEachFailure) {
  settings_.destinations = {destination("a"), destination("b"), destination("c")};
  channels_.log("b").answers = {answer(Outcome::transient, "timeout")};
  channels_.log("c").answers = {answer(Outcome::refused, "HTTP 401")};
  const auto outcomes = send_test_messages(settings_, channels_.factory(), clock_);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].code, ExitCode::ok);
  EXPECT_EQ(outcomes[1].code, ExitCode::notify_failed);
  EXPECT_EQ(outcomes[1].error, "timeout");
  EXPECT_EQ(outcomes[2].code, ExitCode::notify_refused);
  EXPECT_EQ(channels_.log("a").delivered.at(0).kind, DigestKind::test);
  EXPECT_EQ(notify_exit_code(outcomes), ExitCode::notify_refused);
  EXPECT_EQ(notify_exit_code({outcomes[0], outcomes[1]}), ExitCode::notify_failed);
  EXPECT_EQ(notify_exit_code({outcomes[0]}), ExitCode::ok);
}

}  // namespace
}  // namespace kz::test

namespace kz::test {
namespace {

using namespace std::chrono_literals;
using Outcome = DeliveryResult::Outcome;

// The daily summary goes after the run's transitions, once per local day even when runs are
// late, and again the next day after a failure.
TEST_F(NotifyRunTest, TheDailySummaryGoesOncePerDayAfterTheTransitions) {
  settings_.daily_summary_at = LocalTime{6 * 60};
  // The pool had data the day before (a day without any is not summarised).
  cache_->db().exec(
      "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, online_workers,"
      " offline_workers, listed_workers, workers_complete) VALUES(1, '" +
      format_utc_ms(clock_.now() - 12h) + "', 1000, 1, 0, 0, 1)");
  clock_.advance(5h);  // 05:00 UTC, the host's zone in these tests
  run();
  EXPECT_TRUE(channels_.log("ops").attempts.empty());
  clock_.advance(2h + 17min);  // a late run: 07:17
  scrape(1, {{AlertAction::open, {"worker_offline", "rig-1"}, Severity::medium, "m"}},
         clock_.now());
  channels_.log("ops").answers = {
      answer(Outcome::delivered), answer(Outcome::transient, "HTTP 500"),
      answer(Outcome::transient, "HTTP 500"), answer(Outcome::transient, "HTTP 500")};
  EXPECT_EQ(run()[0].code, ExitCode::notify_failed);
  for (int i = 0; i < 3; ++i) {
    clock_.advance(10min);
    run();
  }
  const auto& delivered = channels_.log("ops").delivered;
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].kind, DigestKind::transitions);
  EXPECT_EQ(delivered[1].kind, DigestKind::daily_summary);
  EXPECT_EQ(delivered[1].summary_date, "2026-11-30");
  clock_.advance(22h);  // 05:47 the next day: not yet
  run();
  EXPECT_EQ(delivered.size(), 2u);
  clock_.advance(1h);
  run();
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[2].summary_date, "2026-12-01");
  EXPECT_EQ(count("SELECT count(*) FROM notify_summary"), 2);
}

}  // namespace
}  // namespace kz::test
