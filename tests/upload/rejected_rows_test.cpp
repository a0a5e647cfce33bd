#include "upload/rejected_rows.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

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
  // Shown without the access key's value (issue 11).
  EXPECT_EQ(view.getColumn("observer_url").getString(),
            "https://btcpool.kz/observer?access_key=***");
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

// PendingRows skips what was set aside.
class SetAsideTest : public RejectedRowsTest {
 protected:
  void set_aside(const std::string& table, const std::string& key, int64_t revision = 0) {
    RejectedRows(cache()).set_aside(pool(), {table, key, revision, table + " " + key},
                                    "HTTP 400: refused", "2026-11-22T12:00:00Z");
  }
  int64_t pool() { return first_->pool_id(); }
  int64_t count(const std::string& sql) { return cache().db().execAndGet(sql).getInt64(); }
  std::vector<DeviceState> all_devices(PendingRows& pending, std::size_t batch) {
    std::vector<DeviceState> all;
    for (auto rows = pending.next_devices(batch); !rows.empty();
         rows = pending.next_devices(batch)) {
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }
  std::vector<int64_t> snapshot_ids(PendingRows& pending) {
    std::vector<int64_t> ids;
    for (const SnapshotRow& row : pending.snapshots_after(0, 100)) ids.push_back(row.id);
    return ids;
  }
};

// Any one of several snapshots (first, middle, last, all) set aside: the others go on, the
// set-aside ones are neither counted, read, marked nor a source of device states.
TEST_F(SetAsideTest, SetAsideSnapshotsAreSkippedForGood) {
  constexpr int kSnapshots = 5;
  std::vector<int64_t> ids;
  for (int i = 0; i < kSnapshots; ++i) {
    auto page = make_pool_page(4);
    page.workers[0].name = "only in " + std::to_string(i);
    ids.push_back(first_->scrape(page));
  }
  const std::vector<std::set<int>> choices = {{0}, {2}, {4}, {0, 4}, {1, 2, 3}, {0, 1, 2, 3, 4}};
  for (const std::set<int>& chosen : choices) {
    RejectedRows(cache()).clear(pool());
    cache().db().exec("UPDATE snapshot SET uploaded_at = NULL");
    std::vector<int64_t> expected;
    for (int i = 0; i < kSnapshots; ++i) {
      if (chosen.count(i))
        set_aside("hashrates", std::to_string(ids[static_cast<std::size_t>(i)]));
      else
        expected.push_back(ids[static_cast<std::size_t>(i)]);
    }
    {
      PendingRows pending(cache(), pool());
      EXPECT_EQ(pending.pending_snapshot_count(), expected.size());
      EXPECT_EQ(pending.has_snapshots(), !expected.empty());
      EXPECT_EQ(snapshot_ids(pending), expected);
      std::set<std::string> names;
      for (const DeviceState& d : all_devices(pending, 3)) names.insert(d.name);
      for (int i = 0; i < kSnapshots; ++i) {
        EXPECT_EQ(names.count("only in " + std::to_string(i)), chosen.count(i) ? 0U : 1U)
            << i << " of " << chosen.size();
      }
      pending.mark_snapshots_uploaded("2026-11-22T13:00:00Z");
    }
    EXPECT_EQ(count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"),
              static_cast<int64_t>(chosen.size()));
    EXPECT_FALSE(PendingRows(cache(), pool()).has_snapshots());
  }
  // clear() makes them pending again.
  EXPECT_EQ(RejectedRows(cache()).clear(pool()), static_cast<std::size_t>(kSnapshots));
  EXPECT_EQ(PendingRows(cache(), pool()).pending_snapshot_count(),
            static_cast<std::size_t>(kSnapshots));
}

TEST_F(SetAsideTest, SetAsideWorkersAreNotDevices) {
  first_->scrape(make_pool_page(6));
  const int64_t worker = count("SELECT id FROM worker WHERE name = '" + test::worker_name(2) + "'");
  set_aside("devices", std::to_string(worker));
  PendingRows pending(cache(), pool());
  const auto devices = all_devices(pending, 2);
  EXPECT_EQ(devices.size(), 5U);
  for (const DeviceState& d : devices) EXPECT_NE(d.worker_id, worker);
  EXPECT_EQ(pending.pending_snapshot_count(), 1U);  // the snapshot itself goes on
}

// Income days, alerts and payments stay aside only at the refused revision.
TEST_F(SetAsideTest, RevisionedRowsComeBackWithANewRevision) {
  auto page = make_pool_page(2, 100);
  page.payments.push_back({"p1", 5000, "bc1q", "tx1", 1'763'800'000});
  first_->scrape(page);
  first_->alert(AlertAction::open, "worker_offline", "rig-0001");
  const int64_t alert = count("SELECT id FROM alert");
  set_aside("income_tracking", "2026-11-22", 1);
  set_aside("alerts", std::to_string(alert), 1);
  set_aside("payments", "p1", 1);
  {
    PendingRows pending(cache(), pool());
    const auto days = pending.income_after("", 10);
    ASSERT_EQ(days.size(), 1U);
    EXPECT_EQ(days[0].date, "2026-11-21");
    pending.mark_income_uploaded(days);
    EXPECT_FALSE(pending.has_income());
    EXPECT_FALSE(pending.has_alerts());
    EXPECT_FALSE(pending.has_payments());
  }
  page.income[0].total_income_sat = 200;  // revision 2 of today
  page.payments[0].amount_sat = 6000;
  first_->scrape(page);
  first_->alert(AlertAction::resolve, "worker_offline", "rig-0001");
  PendingRows pending(cache(), pool());
  const auto days = pending.income_after("", 10);
  ASSERT_EQ(days.size(), 1U);
  EXPECT_EQ(days[0].date, "2026-11-22");
  EXPECT_EQ(days[0].revision, 2);
  const auto alerts = pending.alerts_after(0, 10);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].revision, 2);
  const auto payments = pending.payments_after("", 10);
  ASSERT_EQ(payments.size(), 1U);
  EXPECT_EQ(payments[0].amount_sat, 6000);
}

}  // namespace
}  // namespace kz
