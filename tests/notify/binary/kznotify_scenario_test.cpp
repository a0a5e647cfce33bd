// Issue 13, "Real parts in tests": cron-like sequences of real kzscrape runs, each followed by
// the real kznotify, against a local Telegram Bot API that checks HTML like Telegram does.
#include <thread>

#include "notify/binary/kznotify_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

// min_duration for worker_offline is 1 s here: a worker offline in one run only (the next one
// starts within the same second or the next) is never sent; two runs a second apart are.
void next_second() {
  std::this_thread::sleep_for(1100ms);
}

TEST_F(KznotifyScenario, ExactlyOneMessagePerTransitionGroupedPerRun) {
  ASSERT_EQ(scrape(), 0);
  auto run = notify();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(received().empty()) << "nothing open: the first run has nothing to list";

  set_online(worker(3), false);
  ASSERT_EQ(scrape(), 0);  // offline_workers (at once) and worker_offline (held: 1 s)
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 1u);
  EXPECT_EQ(mentions(worker(3)), 0) << "a worker offline in one run is not yet an incident";

  next_second();
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 2u);
  EXPECT_EQ(mentions(worker(3)), 1);

  for (int i = 0; i < 3; ++i) {  // nothing changes: nothing is sent
    ASSERT_EQ(scrape(), 0);
    ASSERT_EQ(notify().exit_code, 0);
  }
  EXPECT_EQ(received().size(), 2u);

  set_online(worker(3), true);
  ASSERT_EQ(scrape(), 0);  // both alerts resolve: one message
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 3u);
  EXPECT_EQ(mentions(worker(3)), 2);
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'pending'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'sent'"),
            count("SELECT count(*) FROM alert_event"));
  expect_no_token();
}

TEST_F(KznotifyScenario, AFlappingAlertIsCappedPerHour) {
  notify_["max_per_alert_per_hour"] = 2;
  // Only the pool's offline_workers alert flaps into messages (a slow machine's runs may be
  // more than a second apart).
  notify_["min_duration_s"]["worker_offline"] = 3600;
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  for (int flap = 0; flap < 4; ++flap) {
    set_online(worker(0), false);
    ASSERT_EQ(scrape(), 0);
    ASSERT_EQ(notify().exit_code, 0);
    set_online(worker(0), true);
    ASSERT_EQ(scrape(), 0);
    ASSERT_EQ(notify().exit_code, 0);
  }
  // offline_workers opened and resolved four times: two messages about it in the hour.
  EXPECT_EQ(count("SELECT count(*) FROM alert_event e JOIN alert a ON a.id = e.alert_id"
                  " WHERE a.alert_type = 'offline_workers'"),
            8);
  EXPECT_EQ(received().size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'pending'"), 0)
      << "the held flaps that ended are dropped, not sent later";
}

TEST_F(KznotifyScenario, QuietHoursHoldAllButHighSeverityUntilTheyEnd) {
  // Quiet hours around now, in the host's local time.
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  auto hhmm = [](int minutes) {
    minutes = (minutes + 1440) % 1440;
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", minutes / 60, minutes % 60);
    return std::string(text);
  };
  const int minute = local.tm_hour * 60 + local.tm_min;
  notify_["quiet_hours"] = {{"from", hhmm(minute - 60)}, {"to", hhmm(minute + 60)}};
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  set_online(worker(1), false);  // 1 of 12: offline_workers medium
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_TRUE(received().empty());
  EXPECT_GT(count("SELECT count(*) FROM notify_delivery WHERE state = 'pending'"), 0);

  set_online(worker(2), false);  // 2 of 12 (16.7 %): raised to high, which gets through
  next_second();
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 1u);
  EXPECT_NE(received()[0].find("high"), std::string::npos) << received()[0];

  notify_.erase("quiet_hours");  // the quiet hours end: the rest goes out
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 2u);
  EXPECT_NE(received()[1].find(worker(1)), std::string::npos) << received()[1];
}

TEST_F(KznotifyScenario, AMuteHoldsItsPoolUntilItEnds) {
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  const auto mute = run_process({KZNOTIFY_PATH, "mute", "--pool", "KZPool_001", "--for", "1h",
                                 "--reason", "maintenance", "--db", db_});
  ASSERT_EQ(mute.exit_code, 0) << mute.err;
  set_online(worker(4), false);
  ASSERT_EQ(scrape(), 0);
  next_second();
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_TRUE(received().empty());
  // The hour passes (the mute's end moved to a second ago).
  exec("UPDATE notify_mute SET until = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 second')");
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 1u) << "the worker is still offline when the mute ends";
  EXPECT_NE(received()[0].find(worker(4)), std::string::npos);
}

TEST_F(KznotifyScenario, TheDailySummaryGoesOutOncePerDay) {
  notify_["daily_summary_at"] = "00:00";
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_TRUE(received().empty()) << "no pool had data the day before: nothing to say";
  // The pool's first snapshot moved to the day before.
  exec("UPDATE snapshot SET scraped_at = strftime('%Y-%m-%dT%H:%M:%fZ', scraped_at, '-1 day')");
  exec("DELETE FROM notify_summary");
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_EQ(received().size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM notify_summary"), 1);
  EXPECT_EQ(mentions("KZPool_001"), 1);
}

TEST_F(KznotifyScenario, AnOutageKeepsEverythingAndCatchesUpInOneMessage) {
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  telegram_.set_server_errors(kChat, 1000);
  std::set<std::string> down;
  for (size_t i : {5u, 6u}) {
    set_online(worker(i), false);
    down.insert(worker(i));
    ASSERT_EQ(scrape(), 0);
    next_second();
    ASSERT_EQ(scrape(), 0);
    const auto failed = notify();
    EXPECT_EQ(failed.exit_code, 14) << failed.err;
  }
  EXPECT_TRUE(received().empty());
  EXPECT_EQ(count("SELECT count(*) FROM notify_delivery WHERE state = 'sent'"), 0);
  telegram_.clear_chat(kChat);
  ASSERT_EQ(notify().exit_code, 0);
  ASSERT_EQ(received().size(), 1u) << "the backlog goes out merged into one message";
  for (const auto& name : down) EXPECT_EQ(mentions(name), 1) << name;
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_EQ(received().size(), 1u) << "and never twice";
  expect_no_token();
}

TEST_F(KznotifyScenario, ARefusedChatGetsItsOwnCodeAndIsNotHammered) {
  ASSERT_EQ(scrape(), 0);
  ASSERT_EQ(notify().exit_code, 0);
  telegram_.set_chat_not_found(kChat);
  set_online(worker(7), false);
  ASSERT_EQ(scrape(), 0);
  const auto refused = notify();
  EXPECT_EQ(refused.exit_code, 13) << refused.err;
  EXPECT_NE(refused.err.find("chat not found"), std::string::npos) << refused.err;
  const size_t requests = telegram_.requests().size();
  const auto again = notify();
  EXPECT_EQ(again.exit_code, 13) << again.err;
  EXPECT_EQ(telegram_.requests().size(), requests) << "not tried again within the hour";
  expect_no_token();
}

TEST_F(KznotifyScenario, DryRunPrintsAndChangesNothing) {
  ASSERT_EQ(scrape(), 0);
  set_online(worker(8), false);
  ASSERT_EQ(scrape(), 0);
  const auto dry = notify({"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("ops"), std::string::npos) << dry.out;
  EXPECT_TRUE(telegram_.requests().empty());
  EXPECT_EQ(count("SELECT count(*) FROM notify_destination"), 0);
  ASSERT_EQ(notify().exit_code, 0);
  EXPECT_EQ(received().size(), 1u);
}

TEST_F(KznotifyScenario, TestSendsToEveryDestinationAndNamesTheFailed) {
  notify_["destinations"].push_back({{"name", "lost"},
                                     {"type", "telegram"},
                                     {"chat_id", "-100999"},
                                     {"token_file", token_file_},
                                     {"api_url", telegram_.api_url()}});
  telegram_.set_chat_not_found("-100999");
  const auto test = notify({"--test"});
  EXPECT_EQ(test.exit_code, 13) << test.err;
  EXPECT_NE(test.err.find("lost"), std::string::npos) << test.err;
  EXPECT_EQ(test.err.find("ops"), std::string::npos) << test.err;
  EXPECT_NE(test.out.find("ok      ops"), std::string::npos) << test.out;
  EXPECT_EQ(received().size(), 1u);
  expect_no_token();
}

}  // namespace
}  // namespace kz::test
