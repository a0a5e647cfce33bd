#include "upload/pending_rows.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "common/error.hpp"
#include "upload/cache_filler.hpp"
#include "upload/pool_selection.hpp"

namespace kz {
namespace {

using test::CacheFiller;
using test::make_pool_page;

class PendingRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("kz_pending_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    std::filesystem::remove(path_);
    filler_ = std::make_unique<CacheFiller>(path_);
  }
  void TearDown() override {
    filler_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  Cache& cache() { return filler_->cache(); }
  int64_t pool() { return resolve_pool(cache(), "KZPool_001", std::nullopt, true).value(); }

  std::vector<DeviceState> all_devices(PendingRows& pending, std::size_t batch) {
    std::vector<DeviceState> all;
    for (auto rows = pending.next_devices(batch); !rows.empty();
         rows = pending.next_devices(batch)) {
      EXPECT_LE(rows.size(), batch);
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }

  std::string path_;
  std::unique_ptr<CacheFiller> filler_;
};

TEST_F(PendingRowsTest, SnapshotsInTerahashWithTheWorkersHourSum) {
  filler_->scrape(make_pool_page(24));
  PendingRows pending(cache(), pool());
  ASSERT_EQ(pending.pending_snapshot_count(), 1U);
  const auto rows = pending.snapshots_after(0, 10);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].scraped_at, "2026-11-22T10:00:00.000Z");
  EXPECT_EQ(rows[0].online_workers, 22);
  EXPECT_EQ(rows[0].offline_workers, 2);
  EXPECT_DOUBLE_EQ(*rows[0].hashrate_24h_ths, 22 * 99.0);
  ASSERT_TRUE(rows[0].workers_1h_sum_ths);
  EXPECT_NEAR(*rows[0].workers_1h_sum_ths, 22 * 100.4, 1e-6);
  EXPECT_EQ(rows[0].balance_sat, 1864218);
}

TEST_F(PendingRowsTest, IncompleteWorkerListHasNoHourSum) {
  auto page = make_pool_page(24);
  page.workers.resize(20);  // the cards still count 24
  filler_->scrape(page);
  PendingRows pending(cache(), pool());
  EXPECT_FALSE(pending.snapshots_after(0, 10).at(0).workers_1h_sum_ths);
}

TEST_F(PendingRowsTest, PrunedSamplesLeaveNoHourSum) {
  filler_->scrape(make_pool_page(6));
  filler_->scrape(make_pool_page(4));
  cache().write_transaction([&] {
    SnapshotStore(cache()).prune_worker_samples(pool(),
                                                filler_->clock().now() - std::chrono::minutes(15));
  });
  PendingRows pending(cache(), pool());
  const auto snapshots = pending.snapshots_after(0, 10);
  ASSERT_EQ(snapshots.size(), 2U);
  EXPECT_FALSE(snapshots[0].workers_1h_sum_ths);
  EXPECT_TRUE(snapshots[1].workers_1h_sum_ths);
  EXPECT_EQ(all_devices(pending, 10).size(), 4U);  // the first snapshot's samples are gone
}

TEST_F(PendingRowsTest, DevicesTakeEachWorkersLatestStateOnce) {
  auto first = make_pool_page(30);
  filler_->scrape(first);
  auto second = make_pool_page(30);
  second.workers.resize(10);  // the rest keep their state from the first snapshot
  second.workers[3].status = WorkerStatus::offline;
  filler_->scrape(second);

  PendingRows pending(cache(), pool());
  const auto devices = all_devices(pending, 7);
  ASSERT_EQ(devices.size(), 30U);
  std::set<std::string> names;
  for (const DeviceState& d : devices) {
    names.insert(d.name);
    const bool in_second = d.name < test::worker_name(10) || d.name.starts_with("rig ");
    EXPECT_EQ(d.scraped_at, in_second ? "2026-11-22T10:10:00.000Z" : "2026-11-22T10:00:00.000Z")
        << d.name;
    EXPECT_TRUE(d.is_new);
  }
  EXPECT_EQ(names.size(), 30U);
  const auto rig3 = std::find_if(devices.begin(), devices.end(),
                                 [](const DeviceState& d) { return d.name == "rig-0003"; });
  EXPECT_FALSE(rig3->online);
}

TEST_F(PendingRowsTest, MarkedSnapshotsAreDoneAndOldWorkersNotNew) {
  filler_->scrape(make_pool_page(5));
  {
    PendingRows pending(cache(), pool());
    pending.mark_snapshots_uploaded("2026-11-22T10:01:00Z");
  }
  filler_->scrape(make_pool_page(8));
  PendingRows pending(cache(), pool());
  EXPECT_EQ(pending.pending_snapshot_count(), 1U);
  EXPECT_EQ(pending.snapshots_after(0, 10).at(0).scraped_at, "2026-11-22T10:10:00.000Z");
  const auto devices = all_devices(pending, 100);
  ASSERT_EQ(devices.size(), 8U);
  int fresh = 0;
  for (const DeviceState& d : devices) fresh += d.is_new ? 1 : 0;
  EXPECT_EQ(fresh, 3);
  EXPECT_EQ(pending.newest_snapshot()->scraped_at, "2026-11-22T10:10:00.000Z");
}

TEST_F(PendingRowsTest, SnapshotStoredDuringTheRunWaitsForTheNextOne) {
  filler_->scrape(make_pool_page(5));
  PendingRows pending(cache(), pool());
  filler_->scrape(make_pool_page(5));
  EXPECT_EQ(pending.snapshots_after(0, 10).size(), 1U);
  pending.mark_snapshots_uploaded("2026-11-22T10:30:00Z");
  EXPECT_EQ(PendingRows(cache(), pool()).pending_snapshot_count(), 1U);
}

TEST_F(PendingRowsTest, IncomeChangedAfterReadingStaysPending) {
  filler_->scrape(make_pool_page(3, 100));
  PendingRows pending(cache(), pool());
  const auto days = pending.income_after("", 10);
  ASSERT_EQ(days.size(), 2U);
  EXPECT_EQ(days[0].date, "2026-11-21");
  filler_->scrape(make_pool_page(3, 250));  // today's figure grows meanwhile
  pending.mark_income_uploaded(days);
  const auto still = PendingRows(cache(), pool()).income_after("", 10);
  ASSERT_EQ(still.size(), 1U);
  EXPECT_EQ(still[0].date, "2026-11-22");
  EXPECT_EQ(still[0].total_income_sat, 250);
}

TEST_F(PendingRowsTest, AlertsPendingUntilTheirRevisionIsMarked) {
  filler_->alert(AlertAction::open, "worker_offline", "rig-0001");
  PendingRows pending(cache(), pool());
  auto alerts = pending.alerts_after(0, 10);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_FALSE(alerts[0].resolved_at);
  filler_->alert(AlertAction::resolve, "worker_offline", "rig-0001");
  pending.mark_alerts_uploaded(alerts);
  alerts = pending.alerts_after(0, 10);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_TRUE(alerts[0].resolved_at);
  pending.mark_alerts_uploaded(alerts);
  EXPECT_FALSE(pending.has_alerts());
}

// Same-second snapshots of overlapping runs: a worker first seen in the later one is new only
// while that one is pending (the times compare in milliseconds).
TEST_F(PendingRowsTest, WorkersFirstSeenInTheSameSecondAreNewByTheMillisecond) {
  filler_->scrape(make_pool_page(3));
  filler_->clock().advance(-std::chrono::minutes(10));  // the same second again: stored .001
  filler_->scrape(make_pool_page(5));
  {
    PendingRows pending(cache(), pool());
    const auto rows = pending.snapshots_after(0, 10);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].scraped_at, "2026-11-22T10:00:00.000Z");
    EXPECT_EQ(rows[1].scraped_at, "2026-11-22T10:00:00.001Z");
    const auto devices = all_devices(pending, 10);
    ASSERT_EQ(devices.size(), 5U);
    for (const DeviceState& d : devices) EXPECT_TRUE(d.is_new) << d.name;
  }
  // Only the first marked: the workers it had are not new, the two of the later one are.
  cache().db().exec("UPDATE snapshot SET uploaded_at = 'x' WHERE scraped_at LIKE '%.000Z'");
  PendingRows pending(cache(), pool());
  int fresh = 0;
  for (const DeviceState& d : all_devices(pending, 10)) fresh += d.is_new ? 1 : 0;
  EXPECT_EQ(fresh, 2);
}

TEST_F(PendingRowsTest, PoolSelection) {
  CacheFiller other(path_, "", "https://btcpool.kz/observer?access_key=other");
  other.scrape(make_pool_page(2));
  filler_->scrape(make_pool_page(2));
  const int64_t labelled = resolve_pool(cache(), "KZPool_001", std::nullopt, true).value();
  try {
    resolve_pool(cache(), "KZPool_002", std::nullopt, true);
    FAIL() << "two pools, none labelled KZPool_002";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--observer-url"), std::string::npos) << e.what();
  }
  const std::string other_url = "https://btcpool.kz/observer?access_key=other";
  EXPECT_THROW(resolve_pool(cache(), "KZPool_001", other_url, true), Error);
  const int64_t bound = resolve_pool(cache(), "KZPool_002", other_url, false).value();
  EXPECT_NE(bound, labelled);
  EXPECT_THROW(resolve_pool(cache(), "KZPool_002", std::nullopt, true), Error);  // dry run
  EXPECT_EQ(resolve_pool(cache(), "KZPool_002", other_url, true), bound);
  EXPECT_EQ(resolve_pool(cache(), "KZPool_002", std::nullopt, true), bound);
}

TEST_F(PendingRowsTest, SingleUnlabelledPoolIsTaken) {
  filler_.reset();
  std::filesystem::remove(path_);
  CacheFiller unlabelled(path_, "");
  unlabelled.scrape(make_pool_page(2));
  const int64_t id = resolve_pool(unlabelled.cache(), "KZPool_009", std::nullopt, true).value();
  SQLite::Statement label(unlabelled.cache().db(), "SELECT account_name FROM pool WHERE id = ?");
  label.bind(1, id);
  ASSERT_TRUE(label.executeStep());
  EXPECT_EQ(label.getColumn(0).getString(), "KZPool_009");
}

}  // namespace
}  // namespace kz
