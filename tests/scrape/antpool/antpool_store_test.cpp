#include "scrape/antpool/antpool_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "scrape/snapshot_store.hpp"

namespace kz {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

class AntpoolStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("kz_antstore_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
    cache_->write_transaction([&] {
      SnapshotStore snapshots(*cache_);
      pool_ = snapshots.ensure_pool("antpool://antpool_001", "antpool_001", now_);
      other_ = snapshots.ensure_pool("https://btcpool.kz/observer-link/x", "KZPool_001", now_);
    });
  }
  void TearDown() override {
    cache_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  std::string text(const std::string& sql) { return cache_->db().execAndGet(sql).getString(); }
  int64_t number(const std::string& sql) { return cache_->db().execAndGet(sql).getInt64(); }

  const TimePoint now_ = sys_days{2026y / November / 30} + 10h + 40min;
  std::string path_;
  std::unique_ptr<Cache> cache_;
  int64_t pool_ = 0;
  int64_t other_ = 0;
};

TEST_F(AntpoolStoreTest, MarksOnlyTheGivenPool) {
  EXPECT_EQ(text("SELECT source FROM pool WHERE id = " + std::to_string(pool_)), "btcpool");
  cache_->write_transaction([&] { AntpoolStore(*cache_).mark_antpool(pool_); });
  EXPECT_EQ(text("SELECT source FROM pool WHERE id = " + std::to_string(pool_)), "antpool");
  EXPECT_EQ(text("SELECT source FROM pool WHERE id = " + std::to_string(other_)), "btcpool");
  EXPECT_THROW(cache_->write_transaction([&] { AntpoolStore(*cache_).mark_antpool(999); }), Error);
}

TEST_F(AntpoolStoreTest, PoolStatsKeepExactValuesAndResendOnlyWhenChanged) {
  std::mt19937 random(5);
  AntpoolStore store(*cache_);
  for (int i = 0; i < 30; ++i) {
    PoolStats stats;
    // MH/s readings with fractions the API gives, up to tens of EH/s.
    stats.pool_hashrate_hs =
        static_cast<double>(std::uniform_int_distribution<int64_t>(0, 80'000'000'000'000)(random)) *
        1e3;
    if (i % 3) stats.active_workers = std::uniform_int_distribution<int64_t>(0, 900000)(random);
    stats.pool_status = i % 4 ? "Alive" : "Dead";
    stats.network_difficulty = std::to_string(
        std::uniform_int_distribution<int64_t>(1, 9'000'000'000'000'000'000)(random));
    if (i % 2) stats.estimate_time_s = i * 17;
    stats.total_blocks = i;
    const TimePointMs at = now_ + milliseconds{i * 600'123};
    cache_->write_transaction([&] { store.insert_pool_stats(stats, at, "BTC"); });
    SQLite::Statement row(cache_->db(),
                          "SELECT pool_hashrate_ghs, active_workers, pool_status,"
                          " network_difficulty, estimate_time_s, total_blocks, current_round_s"
                          " FROM pool_stats WHERE coin = 'BTC' AND fetched_at = ?");
    row.bind(1, format_utc_ms(at));
    ASSERT_TRUE(row.executeStep());
    EXPECT_DOUBLE_EQ(row.getColumn(0).getDouble() * 1e9, stats.pool_hashrate_hs);
    EXPECT_EQ(row.getColumn(1).isNull(), !stats.active_workers);
    if (stats.active_workers) {
      EXPECT_EQ(row.getColumn(1).getInt64(), *stats.active_workers);
    }
    EXPECT_EQ(row.getColumn(2).getString(), stats.pool_status);
    EXPECT_EQ(row.getColumn(3).getString(), stats.network_difficulty);
    EXPECT_EQ(row.getColumn(4).isNull(), !stats.estimate_time_s);
    EXPECT_EQ(row.getColumn(5).getInt64(), i);
    EXPECT_TRUE(row.getColumn(6).isNull());
  }
  EXPECT_EQ(number("SELECT count(*) FROM pool_stats"), 30);

  // The same reading again keeps its delivery; a changed one is delivered again.
  cache_->db().exec("UPDATE pool_stats SET uploaded_at = '2026-11-30T11:00:00Z'");
  PoolStats stats;
  stats.pool_hashrate_hs = 1e18;
  stats.pool_status = "Alive";
  stats.network_difficulty = "83148355189239";
  cache_->write_transaction([&] { store.insert_pool_stats(stats, now_, "BTC"); });
  cache_->db().exec("UPDATE pool_stats SET uploaded_at = 'x' WHERE fetched_at = '" +
                    format_utc_ms(now_) + "'");
  cache_->write_transaction([&] { store.insert_pool_stats(stats, now_, "BTC"); });
  EXPECT_EQ(number("SELECT count(*) FROM pool_stats WHERE uploaded_at IS NULL"), 0);
  stats.total_blocks = 1;
  cache_->write_transaction([&] { store.insert_pool_stats(stats, now_, "BTC"); });
  EXPECT_EQ(number("SELECT count(*) FROM pool_stats WHERE uploaded_at IS NULL"), 1);
  EXPECT_EQ(number("SELECT total_blocks FROM pool_stats WHERE uploaded_at IS NULL"), 1);
  // Another coin at the same time is its own row.
  cache_->write_transaction([&] { store.insert_pool_stats(stats, now_, "LTC"); });
  EXPECT_EQ(number("SELECT count(*) FROM pool_stats"), 31);
}

TEST_F(AntpoolStoreTest, BalancesPerPoolAndTime) {
  AntpoolStore store(*cache_);
  AccountBalance balance{1864218, 2100000000000000, 2099999998135782, 49039700, "2026-11-30"};
  cache_->write_transaction([&] { store.insert_balance(pool_, balance, now_); });
  AccountBalance later = balance;
  later.settle_date.reset();
  later.balance_sat = 0;
  cache_->write_transaction([&] { store.insert_balance(pool_, later, now_ + 24h); });
  // The same check again replaces its values.
  later.earn_24h_sat = 1;
  cache_->write_transaction([&] { store.insert_balance(pool_, later, now_ + 24h); });
  SQLite::Statement rows(cache_->db(),
                         "SELECT checked_at, balance_sat, earn_total_sat, paid_out_sat,"
                         " earn_24h_sat, settle_date FROM antpool_balance ORDER BY checked_at");
  ASSERT_TRUE(rows.executeStep());
  EXPECT_EQ(rows.getColumn(0).getString(), "2026-11-30T10:40:00Z");
  EXPECT_EQ(rows.getColumn(1).getInt64(), balance.balance_sat);
  EXPECT_EQ(rows.getColumn(2).getInt64(), balance.earn_total_sat);
  EXPECT_EQ(rows.getColumn(3).getInt64(), balance.paid_out_sat);
  EXPECT_EQ(rows.getColumn(4).getInt64(), balance.earn_24h_sat);
  EXPECT_EQ(rows.getColumn(5).getString(), "2026-11-30");
  ASSERT_TRUE(rows.executeStep());
  EXPECT_EQ(rows.getColumn(1).getInt64(), 0);
  EXPECT_EQ(rows.getColumn(4).getInt64(), 1);
  EXPECT_TRUE(rows.getColumn(5).isNull());
  EXPECT_FALSE(rows.executeStep());
}

TEST_F(AntpoolStoreTest, NewestIncomeDateAndPaymentPerPool) {
  AntpoolStore store(*cache_);
  EXPECT_FALSE(store.newest_income_date(pool_));
  EXPECT_FALSE(store.newest_payment_unix(pool_));
  std::mt19937 random(9);
  std::string newest_date;
  int64_t newest_paid = 0;
  SnapshotStore snapshots(*cache_);
  for (int run = 0; run < 5; ++run) {
    ObserverPage page;
    page.current_hashrate_hs = 1e15;
    page.worker_list = WorkerList::none;
    for (int i = 0; i < 6; ++i) {
      const sys_days day =
          sys_days{2026y / January / 1} + days{std::uniform_int_distribution<int>(0, 330)(random)};
      const std::string date = format_utc(TimePoint{day}).substr(0, 10);
      if (std::any_of(page.income.begin(), page.income.end(),
                      [&](const IncomeRow& r) { return r.date == date; })) {
        continue;
      }
      page.income.push_back({date, 1000 + i, std::nullopt});
      newest_date = std::max(newest_date, date);
      const int64_t paid = (day + hours{std::uniform_int_distribution<int>(0, 23)(random)})
                               .time_since_epoch()
                               .count();
      page.payments.push_back(
          {"tx" + std::to_string(run) + "_" + std::to_string(i), 5000, "bc1q", "tx", paid});
      newest_paid = std::max(newest_paid, paid);
    }
    cache_->write_transaction([&] {
      snapshots.insert_snapshot(pool_, page, now_ + minutes{10 * run}, 300min);
      // The other pool's newer rows never count for this one.
      ObserverPage other = page;
      other.income = {{"2027-01-01", 1, std::nullopt}};
      other.payments = {{"other", 1, "a", "t", newest_paid + 86400}};
      snapshots.insert_snapshot(other_, other, now_ + minutes{10 * run}, 300min);
    });
    EXPECT_EQ(store.newest_income_date(pool_), newest_date);
    EXPECT_EQ(store.newest_payment_unix(pool_), newest_paid);
  }
}

TEST_F(AntpoolStoreTest, PrunesOldDeliveredCalls) {
  const int64_t now_ms = duration_cast<milliseconds>(now_.time_since_epoch()).count();
  for (int day = 0; day < 10; ++day) {
    for (int uploaded = 0; uploaded < 2; ++uploaded) {
      cache_->db().exec(
          "INSERT INTO api_call(called_at_ms, endpoint, account_name, nonce, tier, uploaded_at)"
          " VALUES(" +
          std::to_string(now_ms - day * 86'400'000LL) + ", 'accountOverview.htm', 'a', " +
          std::to_string(day * 2 + uploaded) + ", 1, " + (uploaded ? "'x'" : "NULL") + ")");
    }
  }
  AntpoolStore store(*cache_);
  int64_t pruned = 0;
  // Calls older than 7 days: days 8 and 9 (day 7 is exactly at the cutoff and stays).
  cache_->write_transaction([&] { pruned = store.prune_call_log(now_ - days{7}); });
  EXPECT_EQ(pruned, 2);
  EXPECT_EQ(number("SELECT count(*) FROM api_call WHERE uploaded_at IS NULL"), 10);
  cache_->write_transaction([&] { pruned = store.prune_call_log(now_ - days{7}, false); });
  EXPECT_EQ(pruned, 2);
  EXPECT_EQ(number("SELECT count(*) FROM api_call"), 16);
  EXPECT_EQ(number("SELECT min(called_at_ms) FROM api_call"), now_ms - 7 * 86'400'000LL);
}

// Tier 2 lists every worker, tier 3 the offline ones, tier 1 none: through SnapshotStore,
// v_latest_workers keeps each worker's latest known sample.
TEST_F(AntpoolStoreTest, LatestWorkersAcrossFullOfflineAndSummarySnapshots) {
  SnapshotStore snapshots(*cache_);
  std::mt19937 random(31);
  std::map<std::string, std::string> known;  // worker -> status of its latest sample
  std::vector<std::string> fleet;
  for (int i = 0; i < 25; ++i) fleet.push_back("w" + std::to_string(i));
  for (int run = 0; run < 36; ++run) {
    ObserverPage page;
    page.current_hashrate_hs = 1e15;
    page.worker_list = run % 6 == 0   ? WorkerList::all
                       : run % 6 == 3 ? WorkerList::offline
                                      : WorkerList::none;
    std::map<std::string, std::string> listed;
    for (const std::string& name : fleet) {
      const bool offline = std::uniform_int_distribution<int>(0, 3)(random) == 0;
      (offline ? page.offline_workers : page.online_workers) += 1;
      if (page.worker_list == WorkerList::none) continue;
      if (page.worker_list == WorkerList::offline && !offline) continue;
      WorkerRow row;
      row.name = name;
      row.status = offline ? WorkerStatus::offline : WorkerStatus::online;
      row.hashrate_10m_hs = offline ? 0 : 100e12;
      page.workers.push_back(row);
      listed[name] = offline ? "offline" : "online";
    }
    if (page.worker_list == WorkerList::all) known.clear();  // a full list says who exists
    for (const auto& [name, status] : listed) known[name] = status;
    cache_->write_transaction(
        [&] { snapshots.insert_snapshot(pool_, page, now_ + minutes{10 * run}, 300min); });

    std::map<std::string, std::string> shown;
    SQLite::Statement view(cache_->db(),
                           "SELECT worker_name, status FROM v_latest_workers"
                           " WHERE account_name = 'antpool_001'");
    while (view.executeStep()) shown[view.getColumn(0).getString()] = view.getColumn(1).getString();
    EXPECT_EQ(shown, known) << "run " << run;
  }
}

}  // namespace
}  // namespace kz
