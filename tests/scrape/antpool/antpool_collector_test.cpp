#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

using std::chrono::minutes;

int pages(int rows, int page_size) {
  return std::max(1, (rows + page_size - 1) / page_size);
}

TEST_F(CollectorTest, TierOneOnlyRunStoresASummaryAndNoWorkerGoesOffline) {
  int a = 0;  // each case has its own accounts: the server keeps every key's last nonce
  for (int workers : {1, 7, 60}) {
    SCOPED_TRACE(workers);
    accounts_.clear();
    remove_cache();
    a += 2;
    add_account(a, workers);
    add_account(a + 1, workers + 3);
    ASSERT_EQ(run()[0].code, ExitCode::ok);
    // A worker stops: a summary alone does not know which.
    set_workers(a, workers, {0});
    clock_.advance(minutes(10));
    const auto outcomes = run();
    for (const PoolOutcome& outcome : outcomes) EXPECT_EQ(outcome.code, ExitCode::ok);
    EXPECT_EQ(requested("accountOverview.htm"), 2);
    EXPECT_EQ(requested("poolStats.htm"), 1);
    EXPECT_EQ(last_requests_.size(), 3u);
    const std::string newest = "(SELECT max(id) FROM snapshot WHERE pool_id = " + pool_of(a) + ")";
    EXPECT_EQ(text("SELECT worker_list FROM snapshot WHERE id = " + newest), "none");
    EXPECT_EQ(number("SELECT workers_complete FROM snapshot WHERE id = " + newest), 0);
    EXPECT_EQ(number("SELECT offline_workers FROM snapshot WHERE id = " + newest), 1);
    EXPECT_EQ(number("SELECT count(*) FROM alert WHERE alert_type = 'worker_offline'"), 0);
    // Each worker keeps its latest known sample: all of them, online, from the first run.
    EXPECT_EQ(number("SELECT count(*) FROM v_latest_workers WHERE account_name = '" +
                     account_name(a) + "' AND status = 'online'"),
              workers);
  }
}

TEST_F(CollectorTest, TierTwoFillsWorkerSamplesAndLatestWorkers) {
  settings_.worker_page_size = 50;
  int a = 10;
  for (int workers : {1, 49, 50, 51, 137}) {
    SCOPED_TRACE(workers);
    accounts_.clear();
    remove_cache();
    add_account(++a, 0);
    std::vector<int> offline, invalid;
    for (int w = 0; w < workers; w += 7) offline.push_back(w);
    for (int w = 3; w < workers; w += 11) invalid.push_back(w);
    set_workers(a, workers, offline, invalid);
    const auto outcomes = run();
    ASSERT_EQ(outcomes[0].code, ExitCode::ok) << outcomes[0].error;
    EXPECT_EQ(requested("userWorkerList.htm", "workerStatus", "0"), pages(workers, 50));
    const int listed = workers - static_cast<int>(invalid.size());
    EXPECT_EQ(number("SELECT count(*) FROM worker_sample"), listed);
    EXPECT_EQ(number("SELECT count(*) FROM v_latest_workers"), listed);
    EXPECT_EQ(text("SELECT worker_list FROM snapshot"), "all");
    for (int w = 0; w < workers; ++w) {
      const bool is_invalid = std::find(invalid.begin(), invalid.end(), w) != invalid.end();
      const bool is_offline = std::find(offline.begin(), offline.end(), w) != offline.end();
      const std::string where = " FROM v_latest_workers WHERE worker_name = '" + worker(a, w) + "'";
      if (is_invalid) {
        EXPECT_EQ(number("SELECT count(*)" + where), 0) << w;
        continue;
      }
      EXPECT_EQ(text("SELECT status" + where), is_offline ? "offline" : "online") << w;
      const double expected_ths = is_offline ? 0 : hashrate(w) / 1e12;
      SQLite::Database db(db_, SQLite::OPEN_READONLY);
      EXPECT_NEAR(db.execAndGet("SELECT hashrate_10m_ths" + where).getDouble(), expected_ths, 1e-9)
          << w;
    }
  }
}

TEST_F(CollectorTest, OfflineTierOpensAndResolvesWorkerOffline) {
  settings_.workers_interval = minutes(120);
  add_account(4, 12);
  add_account(5, 12);
  ASSERT_EQ(run()[0].code, ExitCode::ok);
  set_workers(4, 12, {2});
  clock_.advance(minutes(30));
  ASSERT_EQ(run()[0].code, ExitCode::ok);
  // Only the account with a problem asks for its offline workers; nobody for the whole list.
  EXPECT_EQ(requested("userWorkerList.htm", "workerStatus", "2"), 1);
  EXPECT_EQ(requested("userWorkerList.htm", "workerStatus", "0"), 0);
  const std::string open =
      "SELECT count(*) FROM alert WHERE alert_type = 'worker_offline' AND "
      "resolved_at IS NULL AND subject = ";
  EXPECT_EQ(number(open + "'" + worker(4, 2) + "'"), 1);
  EXPECT_EQ(text("SELECT worker_list FROM snapshot WHERE pool_id = " + pool_of(4) +
                 " ORDER BY id DESC LIMIT 1"),
            "offline");

  set_workers(4, 12, {5});  // rig2 is back, rig5 stopped
  clock_.advance(minutes(30));
  ASSERT_EQ(run()[0].code, ExitCode::ok);
  EXPECT_EQ(requested("userWorkerList.htm", "workerStatus", "2"), 1);
  EXPECT_EQ(number(open + "'" + worker(4, 2) + "'"), 0);
  EXPECT_EQ(number(open + "'" + worker(4, 5) + "'"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM alert WHERE resolved_at IS NOT NULL AND subject = '" +
                   worker(4, 2) + "'"),
            1);
}

TEST_F(CollectorTest, TiersRunWhenDueAndNotBefore) {
  int a = 30;
  for (int interval : {30, 60}) {
    SCOPED_TRACE(interval);
    accounts_.clear();
    remove_cache();
    settings_.workers_interval = minutes(interval);
    add_account(++a, 5);
    clock_ = FixedClock(std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} +
                        std::chrono::hours(23));
    std::optional<TimePoint> last_workers;
    std::optional<std::chrono::sys_days> last_daily;
    // Every 10 minutes from 23:00 to 03:00 the next day: tier 4 once a day after 02:00.
    for (int step = 0; step <= 24; ++step) {
      const TimePoint now = clock_.now();
      SCOPED_TRACE(format_utc(now));
      ASSERT_EQ(run()[0].code, ExitCode::ok);
      EXPECT_EQ(requested("accountOverview.htm"), 1);
      const bool workers_due = !last_workers || now - *last_workers >= minutes(interval);
      EXPECT_EQ(requested("userWorkerList.htm", "workerStatus", "0"), workers_due ? 1 : 0);
      if (workers_due) last_workers = now;
      const auto today = std::chrono::floor<std::chrono::days>(now);
      const bool daily_due =
          (now - today >= std::chrono::hours(2) && last_daily != today) || !last_daily;
      EXPECT_EQ(requested("account.htm"), daily_due ? 1 : 0);
      EXPECT_EQ(requested("paymentHistoryV2.htm", "type", "recv"), daily_due ? 1 : 0);
      if (daily_due) last_daily = today;
      clock_.advance(minutes(10));
    }
  }
}

TEST_F(CollectorTest, DryRunStoresOnlyTheCallLog) {
  add_account(7, 3);
  add_account(8, 4);
  const auto outcomes = run(/*dry_run=*/true);
  ASSERT_EQ(outcomes.size(), 2u);
  for (const PoolOutcome& outcome : outcomes) EXPECT_EQ(outcome.code, ExitCode::ok);
  for (const char* table : {"pool", "snapshot", "scrape_run", "worker", "alert", "pool_stats",
                            "antpool_balance", "api_tier_run"}) {
    EXPECT_EQ(number(std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(number("SELECT count(*) FROM api_call"), static_cast<int64_t>(last_requests_.size()));
  const nlohmann::json printed = nlohmann::json::parse(output_);
  EXPECT_EQ(printed["accounts"].size(), 2u);
  EXPECT_EQ(printed["accounts"][account_name(8)]["online_workers"], 4);
}

}  // namespace
}  // namespace kz::test
