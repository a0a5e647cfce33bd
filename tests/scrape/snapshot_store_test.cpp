#include "scrape/snapshot_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"

namespace kz {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

ObserverPage two_worker_page() {
  ObserverPage page;
  page.locale = "en";
  page.current_hashrate_hs = 38.384e15;
  page.avg_hashrate_24h_hs = 38.185e15;
  page.online_workers = 1;
  page.offline_workers = 1;
  page.balance_sat = 1864218;
  page.last_income_sat = 1570138;
  page.workers = {
      {"kz01x001", WorkerStatus::online, 181.037e12, 188.315e12, 196.036e12, "2026-11-22T10:33:25"},
      {"rack 2 & <b>", WorkerStatus::offline, 0, 0, 88.868e12, std::nullopt},
  };
  page.income = {{"2026-11-21", 490397, 9.091e15}, {"2026-11-20", 438073, std::nullopt}};
  return page;
}

class SnapshotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("kz_store_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    fs::remove(path_);
    cache_ = std::make_unique<Cache>(path_);
  }
  void TearDown() override {
    cache_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  int64_t count(const std::string& sql) { return cache_->db().execAndGet(sql).getInt64(); }

  const TimePoint now_ = sys_days{2026y / November / 22} + 10h + 40min;
  std::string path_;
  std::unique_ptr<Cache> cache_;
};

TEST_F(SnapshotStoreTest, StoresExactValuesReadableThroughTheViews) {
  SnapshotStore store(*cache_);
  cache_->write_transaction([&] {
    const int64_t pool =
        store.ensure_pool("https://btcpool.kz/observer-link/ab", "KZPool_001", now_);
    store.insert_snapshot(pool, two_worker_page(), now_, minutes{300});
  });
  SQLite::Statement summary(cache_->db(), "SELECT * FROM v_latest_summary");
  ASSERT_TRUE(summary.executeStep());
  EXPECT_EQ(summary.getColumn("account_name").getString(), "KZPool_001");
  EXPECT_EQ(summary.getColumn("scraped_at").getString(), "2026-11-22T10:40:00Z");
  EXPECT_DOUBLE_EQ(summary.getColumn("hashrate_current_ths").getDouble(), 38384.0);
  EXPECT_DOUBLE_EQ(summary.getColumn("hashrate_24h_ths").getDouble(), 38185.0);
  EXPECT_DOUBLE_EQ(summary.getColumn("balance_btc").getDouble(), 0.01864218);
  EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 1864218);
  EXPECT_EQ(count("SELECT hashrate_current_ghs FROM snapshot"), 38384000);

  SQLite::Statement workers(cache_->db(),
                            "SELECT worker_name, status, hashrate_10m_ths, last_share_at"
                            " FROM v_latest_workers ORDER BY worker_name");
  ASSERT_TRUE(workers.executeStep());
  EXPECT_EQ(workers.getColumn(0).getString(), "kz01x001");
  EXPECT_EQ(workers.getColumn(1).getString(), "online");
  EXPECT_DOUBLE_EQ(workers.getColumn(2).getDouble(), 181.037);
  EXPECT_EQ(workers.getColumn(3).getString(), "2026-11-22T05:33:25Z");  // +05:00 page time
  ASSERT_TRUE(workers.executeStep());
  EXPECT_EQ(workers.getColumn(0).getString(), "rack 2 & <b>");
  EXPECT_EQ(workers.getColumn(1).getString(), "offline");
  EXPECT_TRUE(workers.getColumn(3).isNull());
  EXPECT_EQ(count("SELECT count(*) FROM v_daily_income"), 2);
  EXPECT_EQ(count("SELECT workers_complete FROM snapshot"), 1);
}

TEST_F(SnapshotStoreTest, IncompleteWorkerListIsMarked) {
  SnapshotStore store(*cache_);
  ObserverPage page = two_worker_page();
  page.online_workers = 5;
  cache_->write_transaction([&] {
    store.insert_snapshot(store.ensure_pool("u", std::nullopt, now_), page, now_, minutes{0});
  });
  EXPECT_EQ(count("SELECT workers_complete FROM snapshot"), 0);
  EXPECT_EQ(count("SELECT listed_workers FROM snapshot"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM worker"), 2);
}

TEST_F(SnapshotStoreTest, IncomeDaysAreInsertedOnceAndUpdatedWhenChanged) {
  SnapshotStore store(*cache_);
  ObserverPage page = two_worker_page();
  int64_t pool = 0;
  cache_->write_transaction([&] {
    pool = store.ensure_pool("u", std::nullopt, now_);
    store.insert_snapshot(pool, page, now_, minutes{0});
  });
  cache_->write_transaction([&] { store.insert_snapshot(pool, page, now_ + 10min, minutes{0}); });
  EXPECT_EQ(count("SELECT max(revision) FROM income_day"), 1);  // unchanged: no new revision

  page.income[0].total_income_sat += 1;
  cache_->write_transaction([&] { store.insert_snapshot(pool, page, now_ + 20min, minutes{0}); });
  EXPECT_EQ(count("SELECT count(*) FROM income_day"), 2);
  EXPECT_EQ(count("SELECT revision FROM income_day WHERE date = '2026-11-21'"), 2);
  EXPECT_EQ(count("SELECT total_income_sat FROM income_day WHERE date = '2026-11-21'"), 490398);
  EXPECT_EQ(count("SELECT revision FROM income_day WHERE date = '2026-11-20'"), 1);
}

TEST_F(SnapshotStoreTest, AccountLabelBelongsToOneUrl) {
  SnapshotStore store(*cache_);
  cache_->write_transaction([&] { store.ensure_pool("u1", "KZPool_001", now_); });
  try {
    cache_->write_transaction([&] { store.ensure_pool("u2", "KZPool_001", now_); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("already bound to u1"), std::string::npos);
  }
  int64_t first = 0, again = 0;
  cache_->write_transaction([&] { first = store.ensure_pool("u1", std::nullopt, now_); });
  cache_->write_transaction([&] { again = store.ensure_pool("u1", "KZPool_001", now_); });
  EXPECT_EQ(first, again);
  EXPECT_EQ(count("SELECT count(*) FROM pool"), 1);
}

TEST_F(SnapshotStoreTest, FailedRunsInARowCountSinceTheLastSuccess) {
  SnapshotStore store(*cache_);
  int64_t pool = 0;
  cache_->write_transaction([&] {
    pool = store.ensure_pool("u", std::nullopt, now_);
    store.insert_run(pool, now_, now_, 3, "HTTP 503", std::nullopt);
    store.insert_run(pool, now_, now_, 0, "", std::nullopt);
  });
  EXPECT_EQ(store.failed_runs_in_a_row(pool), 0);
  cache_->write_transaction([&] {
    store.insert_run(pool, now_, now_, 3, "HTTP 503", std::nullopt);
    store.insert_run(pool, now_, now_, 4, "no data", std::nullopt);
  });
  EXPECT_EQ(store.failed_runs_in_a_row(pool), 2);
}

TEST_F(SnapshotStoreTest, RetentionPrunesOnlyOldWorkerSamples) {
  SnapshotStore store(*cache_);
  int64_t pool = 0;
  cache_->write_transaction([&] {
    pool = store.ensure_pool("u", std::nullopt, now_);
    store.insert_snapshot(pool, two_worker_page(), now_ - days{40}, minutes{0});
    store.insert_snapshot(pool, two_worker_page(), now_, minutes{0});
  });
  int64_t deleted = 0;
  cache_->write_transaction([&] { deleted = store.prune_worker_samples(pool, now_ - days{30}); });
  EXPECT_EQ(deleted, 2);
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM income_day"), 2);
}

TEST(ToGhs, SnapsUnitConversionNoiseButKeepsFinerValues) {
  EXPECT_EQ(to_ghs(38.384e15), 38384000.0);
  EXPECT_EQ(to_ghs(137937e9), 137937.0);
  EXPECT_EQ(to_ghs(1.234e18), 1234000000.0);
  EXPECT_DOUBLE_EQ(to_ghs(1.5), 1.5e-9);
  EXPECT_DOUBLE_EQ(to_ghs(12345.678e6), 12.345678);
}

}  // namespace
}  // namespace kz
