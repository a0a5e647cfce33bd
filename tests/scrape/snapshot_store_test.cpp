#include "scrape/snapshot_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"
#include "scrape/alerts/alert_store.hpp"

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
  EXPECT_EQ(summary.getColumn("scraped_at").getString(), "2026-11-22T10:40:00.000Z");
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

std::vector<std::string> texts(Cache& cache, const std::string& sql) {
  std::vector<std::string> out;
  SQLite::Statement select(cache.db(), sql);
  while (select.executeStep()) out.push_back(select.getColumn(0).getString());
  return out;
}

TEST_F(SnapshotStoreTest, ScrapedAtKeepsMilliseconds) {
  SnapshotStore store(*cache_);
  for (int ms : {0, 1, 9, 10, 99, 100, 123, 999}) {
    const TimePointMs at = now_ + milliseconds{ms} + hours{ms};
    cache_->write_transaction([&] {
      const int64_t pool = store.ensure_pool("u", std::nullopt, now_);
      const int64_t id = store.insert_snapshot(pool, two_worker_page(), at, minutes{0});
      SQLite::Statement stored(cache_->db(), "SELECT scraped_at FROM snapshot WHERE id = ?");
      stored.bind(1, id);
      ASSERT_TRUE(stored.executeStep());
      EXPECT_EQ(stored.getColumn(0).getString(), format_utc_ms(at));
      EXPECT_EQ(parse_utc_ms(stored.getColumn(0).getString()), at);
    });
  }
}

// Overlapping runs, or a clock that repeats a millisecond: every snapshot of a pool gets its
// own time, 1 ms later than the one taken; another pool's times do not push it.
TEST_F(SnapshotStoreTest, ASnapshotAtATakenTimeMovesOnByOneMillisecond) {
  SnapshotStore store(*cache_);
  const TimePointMs at = now_ + 123ms;
  for (int runs = 1; runs <= 5; ++runs) {
    const std::string url = "u" + std::to_string(runs);
    cache_->write_transaction([&] {
      const int64_t pool = store.ensure_pool(url, std::nullopt, now_);
      const int64_t other = store.ensure_pool(url + "-other", std::nullopt, now_);
      store.insert_snapshot(other, two_worker_page(), at, minutes{0});
      // A snapshot already at at + 2 ms: the bump steps over it.
      store.insert_snapshot(pool, two_worker_page(), at + 2ms, minutes{0});
      for (int i = 0; i < runs; ++i) store.insert_snapshot(pool, two_worker_page(), at, minutes{0});
    });
    std::vector<std::string> expected = {format_utc_ms(at + 2ms)};
    for (int i = 0, ms = 0; i < runs; ++i, ++ms) {
      if (ms == 2) ++ms;
      expected.push_back(format_utc_ms(at + milliseconds{ms}));
    }
    EXPECT_EQ(texts(*cache_,
                    "SELECT s.scraped_at FROM snapshot s JOIN pool p ON p.id = s.pool_id"
                    " WHERE p.observer_url = '" +
                        url + "' ORDER BY s.id"),
              expected);
    EXPECT_EQ(texts(*cache_,
                    "SELECT s.scraped_at FROM snapshot s JOIN pool p ON p.id = s.pool_id"
                    " WHERE p.observer_url = '" +
                        url + "-other'"),
              std::vector<std::string>{format_utc_ms(at)});
  }
}

TEST_F(SnapshotStoreTest, NewWorkersTakeTheStoredSnapshotTime) {
  SnapshotStore store(*cache_);
  ObserverPage page = two_worker_page();
  cache_->write_transaction([&] {
    const int64_t pool = store.ensure_pool("u", std::nullopt, now_);
    store.insert_snapshot(pool, page, now_ + 5ms, minutes{0});
    page.workers[0].name = "new one";
    store.insert_snapshot(pool, page, now_ + 5ms, minutes{0});  // stored at + 6 ms
  });
  EXPECT_EQ(texts(*cache_, "SELECT first_seen_at FROM worker WHERE name = 'kz01x001'"),
            std::vector<std::string>{"2026-11-22T10:40:00.005Z"});
  EXPECT_EQ(texts(*cache_, "SELECT first_seen_at FROM worker WHERE name = 'new one'"),
            std::vector<std::string>{"2026-11-22T10:40:00.006Z"});
  EXPECT_EQ(texts(*cache_, "SELECT last_online_at FROM worker WHERE name = 'new one'"),
            std::vector<std::string>{"2026-11-22T10:40:00.006Z"});
}

// A cutoff inside a second divides that second's snapshots by their milliseconds.
TEST_F(SnapshotStoreTest, PruningCutsAtTheMillisecond) {
  for (int cut_ms : {0, 1, 250, 500, 501, 999}) {
    Cache cache(path_ + std::to_string(cut_ms));
    SnapshotStore store(cache);
    int64_t pool = 0;
    std::vector<int> stored_ms = {0, 250, 500, 998};
    cache.write_transaction([&] {
      pool = store.ensure_pool("u", std::nullopt, now_);
      for (int ms : stored_ms)
        store.insert_snapshot(pool, two_worker_page(), now_ + milliseconds{ms}, minutes{0});
    });
    int64_t deleted = 0;
    cache.write_transaction(
        [&] { deleted = store.prune_worker_samples(pool, now_ + milliseconds{cut_ms}); });
    int64_t older = 0;
    for (int ms : stored_ms) older += ms < cut_ms;
    EXPECT_EQ(deleted, 2 * older) << cut_ms;
    EXPECT_EQ(cache.db().execAndGet("SELECT count(*) FROM worker_sample").getInt64(),
              2 * (static_cast<int64_t>(stored_ms.size()) - older))
        << cut_ms;
  }
  for (int cut_ms : {0, 1, 250, 500, 501, 999}) {
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(path_ + std::to_string(cut_ms) + suffix);
  }
}

// The baseline window [now - window, now) holds a snapshot at its first second's .123 and
// one at the last millisecond before now, and nothing outside.
TEST_F(SnapshotStoreTest, AlertBaselineWindowComparesMilliseconds) {
  SnapshotStore store(*cache_);
  AlertStore alerts(*cache_);
  AlertThresholds thresholds;
  const minutes window{thresholds.baseline_window_minutes};
  const TimePoint run = now_ + 2h;
  const std::vector<std::pair<milliseconds, bool>> offsets = {
      {-window - 1ms, false}, {-window, true}, {-window + 123ms, true}, {-window + 999ms, true},
      {-1ms, true},           {0ms, false},    {123ms, false},          {-window - 999ms, false},
  };
  int64_t pool = 0;
  double expected_sum = 0;
  int expected_count = 0;
  cache_->write_transaction([&] {
    pool = store.ensure_pool("u", std::nullopt, now_);
    double hashrate = 1e15;
    for (const auto& [offset, inside] : offsets) {
      ObserverPage page = two_worker_page();
      page.current_hashrate_hs = hashrate;
      store.insert_snapshot(pool, page, TimePointMs{run} + offset, minutes{0});
      if (inside) {
        expected_sum += hashrate;
        ++expected_count;
      }
      hashrate *= 2;
    }
  });
  RuleContext context;
  alerts.load_history(pool, run, thresholds, context);
  ASSERT_EQ(context.recent_hashrates_hs.size(), static_cast<size_t>(expected_count));
  double sum = 0;
  for (double hs : context.recent_hashrates_hs) sum += hs;
  EXPECT_DOUBLE_EQ(sum, expected_sum);
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
