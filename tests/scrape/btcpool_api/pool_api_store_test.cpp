#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/cache_schema.hpp"
#include "scrape/btcpool_api/pool_api_fixture.hpp"
#include "scrape/scrape_job.hpp"

namespace kz::test {
namespace {

// kzscrape's job with --source api, into a scratch cache.
class PoolApiStoreTest : public PoolApiTest {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("kz_api_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
              .string();
    remove_cache();
  }
  void TearDown() override { remove_cache(); }
  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
  }

  void run_job() {
    ScrapeOptions options;
    options.observer_url = "https://btcpool.kz/observer/abc";
    options.db_path = db_;
    options.http = http_;
    options.source = PageSource::api;
    options.api.url = api_.url();
    options.api.key = kApiKey;
    options.api.page_size = 40;
    FixedClock clock(now_);
    ScrapeJob job(options, transport_, clock, [](std::chrono::milliseconds) {});
    std::ostringstream out;
    job.run(out);
    now_ += std::chrono::minutes(10);
  }
  int64_t number(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }

  std::string db_;
};

TEST_F(PoolApiStoreTest, StoresWorkersRejectRatesSplitAndPayments) {
  serve_fleet(100, 4);
  run_job();
  EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE workers_complete = 1"), 1);
  EXPECT_EQ(number("SELECT balance_sat FROM snapshot"), 15744);
  EXPECT_EQ(number("SELECT last_income_sat FROM snapshot"), 11000);
  EXPECT_EQ(number("SELECT count(*) FROM v_latest_workers"), 100);
  EXPECT_EQ(number("SELECT count(*) FROM v_latest_workers WHERE status = 'offline'"), 10);
  EXPECT_EQ(number("SELECT count(*) FROM worker_sample WHERE reject_rate = 0.0012"), 50);
  EXPECT_EQ(text("SELECT last_share_at FROM v_latest_workers WHERE worker_name = 'w1'"),
            format_utc(TimePoint{std::chrono::seconds{1'795'000'001}}));
  EXPECT_EQ(number("SELECT count(*) FROM income_day"), 30);
  EXPECT_EQ(number("SELECT count(*) FROM income_day WHERE pps_sat + pplns_sat = total_income_sat"),
            30);
  EXPECT_EQ(number("SELECT pplns_sat FROM income_day WHERE date = '2026-11-21'"), 1001);
  EXPECT_EQ(number("SELECT count(*) FROM v_payments"), 4);
  EXPECT_EQ(text("SELECT paid_at || ' ' || amount_btc || ' ' || address || ' ' || tx"
                 " FROM v_payments WHERE tx = 'tx3'"),
            format_utc(TimePoint{std::chrono::seconds{1'794'000'000 + 3 * 86'400}}) +
                " 0.00500003 bc1qexample3 tx3");
  // The API's data drives the alerts as the page's does: 10 of 100 offline.
  EXPECT_EQ(number("SELECT count(*) FROM v_open_alerts WHERE alert_type = 'offline_workers'"), 1);
}

TEST_F(PoolApiStoreTest, UnchangedPaymentsKeepTheirRevisionChangedOnesBumpIt) {
  serve_fleet(5, 2);
  run_job();
  run_job();
  EXPECT_EQ(number("SELECT max(revision) FROM payment"), 1);
  api_.set_rows("payment_history",
                {api_payment("900", "0.01", "bc1qexample0", "tx0", 1),
                 api_payment("901", "0.00500001", "bc1qexample1", "tx1", 1'794'000'000 + 86'400)});
  run_job();
  EXPECT_EQ(number("SELECT revision FROM payment WHERE payment_id = '900'"), 2);
  EXPECT_EQ(number("SELECT revision FROM payment WHERE payment_id = '901'"), 1);
  EXPECT_EQ(number("SELECT amount_sat FROM payment WHERE payment_id = '900'"), 1'000'000);
}

TEST_F(PoolApiStoreTest, AFailureHalfwayWritesNothingButTheFailedRun) {
  serve_fleet(100, 2);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "payment_history") return std::nullopt;
    return ApiReply{200, api_ok(api_page({}, 0, 40, 2))};
  });
  try {
    run_job();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::api_paging);
  }
  for (const char* table : {"snapshot", "worker", "worker_sample", "income_day", "payment"}) {
    EXPECT_EQ(number(std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 12");
}

TEST_F(PoolApiStoreTest, ACacheOfTheFirstSchemaIsMigratedInPlace) {
  {
    SQLite::Database old(db_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(cache_migrations().at(0));
    old.exec("PRAGMA user_version = 1");
    old.exec(
        "INSERT INTO pool VALUES(1, 'https://btcpool.kz/observer/abc', NULL, 'x');"
        "INSERT INTO income_day(pool_id, date, total_income_sat, first_seen_at, updated_at)"
        " VALUES(1, '2026-01-01', 5, 'x', 'x')");
  }
  serve_fleet(3, 1);
  run_job();
  EXPECT_EQ(number("PRAGMA user_version"), static_cast<int64_t>(cache_migrations().size()));
  EXPECT_EQ(number("SELECT count(*) FROM income_day WHERE pps_sat IS NULL"), 1);  // the old day
  EXPECT_EQ(number("SELECT count(*) FROM v_payments"), 1);
}

}  // namespace
}  // namespace kz::test
