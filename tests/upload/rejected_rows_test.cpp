#include "upload/rejected_rows.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"
#include "upload/cache_filler.hpp"
#include "upload/pending_rows.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;
using test::CacheFiller;
using test::make_pool_page;

class RejectedRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("kz_rejected_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_files();
    first_ = std::make_unique<CacheFiller>(path_);
    second_ = std::make_unique<CacheFiller>(path_, "KZPool_002", "https://btcpool.kz/o?k=2");
  }
  void TearDown() override {
    first_.reset();
    second_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  Cache& cache() { return first_->cache(); }

  std::string path_;
  std::unique_ptr<CacheFiller> first_;
  std::unique_ptr<CacheFiller> second_;
};

TEST_F(RejectedRowsTest, SetAsideRowsReadWellInTheView) {
  const int64_t snapshot = first_->scrape(make_pool_page(2));
  const int64_t pool = first_->pool_id();
  RejectedRows rejected(cache());
  rejected.set_aside(
      pool, {"hashrates", std::to_string(snapshot), 0, "KZPool_001 at 2026-11-22T10:00:00.000Z"},
      "hashrate_10m 1e+30 TH/s exceeds the integer column's limit of 2147483647 TH/s",
      "2026-11-22T12:00:00Z");
  EXPECT_EQ(rejected.count(pool), 1U);
  SQLite::Statement view(cache().db(), "SELECT * FROM v_upload_rejected");
  ASSERT_TRUE(view.executeStep());
  EXPECT_EQ(view.getColumn("observer_url").getString(), test::kObserverUrl);
  EXPECT_EQ(view.getColumn("account_name").getString(), "KZPool_001");
  EXPECT_EQ(view.getColumn("table_name").getString(), "hashrates");
  EXPECT_EQ(view.getColumn("row").getString(), "KZPool_001 at 2026-11-22T10:00:00.000Z");
  EXPECT_EQ(view.getColumn("error").getString(),
            "hashrate_10m 1e+30 TH/s exceeds the integer column's limit of 2147483647 TH/s");
  EXPECT_EQ(view.getColumn("rejected_at").getString(), "2026-11-22T12:00:00Z");
  EXPECT_FALSE(view.executeStep());
}

// Per pool: count and clear see only their pool; the same row refused again (a newer
// revision) is one record with the latest revision and error.
TEST_F(RejectedRowsTest, CountAndClearArePerPoolAndARowIsRecordedOnce) {
  first_->scrape(make_pool_page(2));
  second_->scrape(make_pool_page(2));
  const int64_t one = first_->pool_id();
  const int64_t two = second_->pool_id();
  RejectedRows rejected(cache());
  for (int day = 1; day <= 4; ++day) {
    const std::string date = "2026-11-0" + std::to_string(day);
    rejected.set_aside(one, {"income_tracking", date, 1, date}, "HTTP 400", "t1");
    rejected.set_aside(one, {"income_tracking", date, 2, date}, "HTTP 400 again", "t2");
  }
  rejected.set_aside(two, {"alerts", "7", 3, "alert 7"}, "HTTP 400", "t1");
  EXPECT_EQ(rejected.count(one), 4U);
  EXPECT_EQ(rejected.count(two), 1U);
  EXPECT_EQ(cache()
                .db()
                .execAndGet("SELECT count(*) FROM upload_rejected WHERE revision = 2"
                            " AND error = 'HTTP 400 again'")
                .getInt(),
            4);
  EXPECT_EQ(rejected.clear(one), 4U);
  EXPECT_EQ(rejected.count(one), 0U);
  EXPECT_EQ(rejected.count(two), 1U);
  EXPECT_EQ(rejected.clear(one), 0U);
}

// The set-aside record survives reopening; a pool whose only pending rows are set aside has
// nothing to upload.
TEST_F(RejectedRowsTest, KeptInTheCacheFile) {
  const int64_t snapshot = first_->scrape(make_pool_page(1));
  const int64_t pool = first_->pool_id();
  RejectedRows(cache()).set_aside(pool, {"hashrates", std::to_string(snapshot), 0, "s"}, "e", "t");
  first_.reset();
  second_.reset();
  Cache reopened(path_);
  EXPECT_EQ(RejectedRows(reopened).count(pool), 1U);
  PendingRows pending(reopened, pool);
  EXPECT_FALSE(pending.has_snapshots());
  EXPECT_EQ(pending.pending_snapshot_count(), 0U);
}

TEST_F(RejectedRowsTest, OnlyTablesThatPendingRowsSkipCanHoldSetAsideRows) {
  first_->scrape(make_pool_page(1));
  const int64_t pool = first_->pool_id();
  RejectedRows rejected(cache());
  for (const char* table : {"accounts", "hashrate", "", "Devices"}) {
    try {
      rejected.set_aside(pool, {table, "1", 0, "s"}, "e", "t");
      ADD_FAILURE() << table;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::internal) << table;
    }
  }
  EXPECT_EQ(rejected.count(pool), 0U);
}

TEST_F(RejectedRowsTest, CacheFailuresAreCacheErrors) {
  first_->scrape(make_pool_page(1));
  const int64_t pool = first_->pool_id();
  cache().db().exec("DROP VIEW v_upload_rejected");
  cache().db().exec("DROP TABLE upload_rejected");
  RejectedRows rejected(cache());
  for (int step = 0; step < 3; ++step) {
    try {
      if (step == 0) rejected.set_aside(pool, {"hashrates", "1", 0, "s"}, "e", "t");
      if (step == 1) rejected.count(pool);
      if (step == 2) rejected.clear(pool);
      ADD_FAILURE() << "step " << step << " did not throw";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::cache_failed) << step;
      EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace kz
