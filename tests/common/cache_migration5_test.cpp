// Migration 5 (issue 12, Antpool): a version-4 cache keeps its worker view, every worker gets
// its newest sample as last_sample_key, and v_latest_workers shows each worker's latest known
// sample once snapshots list no workers or only the offline ones.

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/cache.hpp"
#include "common/cache_schema.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

using ViewRows = std::vector<std::vector<std::string>>;

// Every row of a query as text ("NULL" for NULL), in the query's order.
ViewRows rows_of(SQLite::Database& db, const std::string& sql) {
  ViewRows rows;
  SQLite::Statement select(db, sql);
  while (select.executeStep()) {
    std::vector<std::string> row;
    for (int i = 0; i < select.getColumnCount(); ++i) {
      const SQLite::Column column = select.getColumn(i);
      row.push_back(column.isNull() ? "NULL" : column.getString());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

const char* const kOldColumns =
    "SELECT observer_url, worker_name, status, hashrate_10m_ths, hashrate_1h_ths,"
    " hashrate_24h_ths, last_share_at FROM v_latest_workers"
    " ORDER BY observer_url, worker_name";

// Samples written by hand the way SnapshotStore writes them.
class Writer {
 public:
  explicit Writer(SQLite::Database& db) : db_(db) {}

  int64_t snapshot(int64_t pool, int index, const char* worker_list = nullptr) {
    char at[40];
    std::snprintf(at, sizeof at, "2026-%02d-%02dT%02d:%02d:00.000Z", 1 + index / 4464 % 12,
                  1 + index / 144 % 31, index / 6 % 24, index % 6 * 10);
    SQLite::Statement insert(
        db_, std::string("INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs,"
                         " online_workers, offline_workers, listed_workers, workers_complete") +
                 (worker_list ? ", worker_list" : "") + ") VALUES(?, ?, 1, 0, 0, 0, 0" +
                 (worker_list ? ", ?" : "") + ")");
    insert.bind(1, pool);
    insert.bind(2, at);
    if (worker_list) insert.bind(3, worker_list);
    insert.exec();
    return db_.getLastInsertRowid();
  }
  int64_t worker(int64_t pool, const std::string& name) {
    SQLite::Statement insert(
        db_,
        "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(?, ?, '2026-01-01T00:00:00Z')");
    insert.bind(1, pool);
    insert.bind(2, name);
    insert.exec();
    return db_.getLastInsertRowid();
  }
  // Returns the sample key.
  int64_t sample(int64_t snapshot_id, int64_t worker_id, bool online, double ghs,
                 bool set_last_key) {
    SQLite::Statement insert(db_,
                             "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs,"
                             " hashrate_1h_ghs, hashrate_24h_ghs, last_share_at)"
                             " VALUES(?, ?, ?, ?, ?, ?)");
    const int64_t key = snapshot_id << 24 | worker_id;
    insert.bind(1, key);
    insert.bind(2, online ? 1 : 0);
    insert.bind(3, online ? ghs : 0.0);
    insert.bind(4, ghs * 1.001);
    insert.bind(5, ghs * 0.999);
    if (online) insert.bind(6, int64_t{1795000000} + snapshot_id);
    insert.exec();
    if (set_last_key) {
      db_.exec("UPDATE worker SET last_sample_key = " + std::to_string(key) +
               " WHERE id = " + std::to_string(worker_id));
    }
    return key;
  }

 private:
  SQLite::Database& db_;
};

class CacheMigration5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_migration5_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path() const { return (dir_ / "cache.db").string(); }

  fs::path dir_;
};

TEST_F(CacheMigration5Test, VersionFourCacheKeepsItsWorkerViewAndLearnsLastSamples) {
  std::mt19937 random(55);
  std::map<int64_t, int64_t> newest_sample;  // worker id -> its newest sample key
  std::map<int64_t, int64_t> worker_pool;
  ViewRows before;
  {
    SQLite::Database db(path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    register_cache_functions(db);
    for (int i = 0; i < 4; ++i) db.exec(cache_migrations().at(static_cast<size_t>(i)));
    db.exec("PRAGMA user_version = 4");
    db.exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256) VALUES"
        " (1, 'https://btcpool.kz/observer-link/a', 'A', 't', 'h1'),"
        " (2, 'https://btcpool.kz/observer-link/b', 'B', 't', 'h2'),"
        " (3, 'https://btcpool.kz/observer-link/c', 'C', 't', 'h3')");
    Writer write(db);
    std::vector<std::vector<int64_t>> workers(4);
    for (int64_t pool : {1, 2}) {  // pool 3 has no snapshot
      const int fleet = std::uniform_int_distribution<int>(5, 30)(random);
      for (int w = 0; w < fleet; ++w) {
        const int64_t id = write.worker(pool, "p" + std::to_string(pool) + "w" + std::to_string(w));
        workers[static_cast<size_t>(pool)].push_back(id);
        worker_pool[id] = pool;
      }
    }
    db.exec("BEGIN");
    for (int run = 0; run < 60; ++run) {
      for (int64_t pool : {1, 2}) {
        const int64_t snapshot = write.snapshot(pool, run);
        for (const int64_t worker : workers[static_cast<size_t>(pool)]) {
          // Workers come and go from the table; some never make the last snapshot.
          if (std::uniform_int_distribution<int>(0, 9)(random) < 2) continue;
          const bool online = std::uniform_int_distribution<int>(0, 3)(random) > 0;
          const double ghs = std::uniform_int_distribution<int>(1, 300000)(random) / 1.0;
          newest_sample[worker] = write.sample(snapshot, worker, online, ghs, false);
        }
      }
    }
    db.exec("COMMIT");
    before = rows_of(db, kOldColumns);
  }
  ASSERT_FALSE(before.empty());

  Cache cache(path());
  ASSERT_EQ(cache.schema_version(), static_cast<int>(cache_migrations().size()));
  SQLite::Statement keys(cache.db(),
                         "SELECT id, last_sample_key, source FROM worker"
                         " JOIN (SELECT id AS pid, source FROM pool) ON pid = pool_id");
  int workers_seen = 0;
  while (keys.executeStep()) {
    ++workers_seen;
    const int64_t id = keys.getColumn(0).getInt64();
    EXPECT_EQ(keys.getColumn(1).getInt64(), newest_sample.at(id)) << "worker " << id;
    EXPECT_EQ(keys.getColumn(2).getString(), "btcpool");
  }
  EXPECT_EQ(workers_seen, static_cast<int>(worker_pool.size()));
  EXPECT_EQ(
      cache.db().execAndGet("SELECT count(*) FROM snapshot WHERE worker_list <> 'all'").getInt(),
      0);
  EXPECT_EQ(rows_of(cache.db(), kOldColumns), before);

  // Pool 1 then gets a summary alone, and a list of its offline workers.
  Writer write(cache.db());
  std::vector<int64_t> pool1;
  for (const auto& [id, pool] : worker_pool) {
    if (pool == 1) pool1.push_back(id);
  }
  write.snapshot(1, 60, "none");
  const ViewRows after_none = rows_of(cache.db(), kOldColumns);
  EXPECT_EQ(after_none, before) << "a summary changes no worker's latest sample";

  const int64_t offline_snapshot = write.snapshot(1, 61, "offline");
  std::map<std::string, std::string> expected_status;  // pool 1's listed workers
  for (const std::vector<std::string>& row : before) {
    if (row[0] == "https://btcpool.kz/observer-link/a") expected_status[row[1]] = row[2];
  }
  for (size_t i = 0; i < pool1.size(); i += 3) {
    write.sample(offline_snapshot, pool1[i], false, 1000, true);
    expected_status["p1w" + std::to_string(i)] = "offline";
  }
  write.snapshot(1, 62, "none");
  const ViewRows after_offline = rows_of(cache.db(), kOldColumns);
  std::map<std::string, std::string> shown;
  for (const std::vector<std::string>& row : after_offline) {
    if (row[0] == "https://btcpool.kz/observer-link/a") shown[row[1]] = row[2];
  }
  EXPECT_EQ(shown, expected_status);
  // Pool 2 is as it was.
  ViewRows pool2_before, pool2_after;
  for (const auto& row : before) {
    if (row[0].ends_with("/b")) pool2_before.push_back(row);
  }
  for (const auto& row : after_offline) {
    if (row[0].ends_with("/b")) pool2_after.push_back(row);
  }
  EXPECT_EQ(pool2_after, pool2_before);
  // sampled_at says how old each row is.
  EXPECT_EQ(cache.db()
                .execAndGet("SELECT count(*) FROM v_latest_workers WHERE account_name = 'A'"
                            " AND sampled_at = (SELECT scraped_at FROM snapshot WHERE id = " +
                            std::to_string(offline_snapshot) + ")")
                .getInt(),
            static_cast<int>((pool1.size() + 2) / 3));

  // A new full list drops the workers it no longer lists, as before.
  const int64_t full = write.snapshot(1, 63, "all");
  write.sample(full, pool1[1], true, 5, true);
  const ViewRows latest = rows_of(
      cache.db(), "SELECT worker_name, status FROM v_latest_workers WHERE account_name = 'A'");
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0], (std::vector<std::string>{"p1w1", "online"}));
}

// SQLite's VM steps to read the whole view: work, counted without a clock.
int64_t view_steps(SQLite::Database& db, size_t& rows) {
  sqlite3_stmt* select = nullptr;
  EXPECT_EQ(
      sqlite3_prepare_v2(db.getHandle(), "SELECT * FROM v_latest_workers", -1, &select, nullptr),
      SQLITE_OK);
  rows = 0;
  while (sqlite3_step(select) == SQLITE_ROW) ++rows;
  const int steps = sqlite3_stmt_status(select, SQLITE_STMTSTATUS_VM_STEP, 0);
  sqlite3_finalize(select);
  return steps;
}

// Reading the view costs the same with 10 times the snapshots: each worker's sample is read by
// key and each pool's newest full list by index, also for a pool whose last full list is old
// (a pool no longer scraped, or an Antpool account whose tier 2 was deferred).
TEST_F(CacheMigration5Test, LatestWorkersViewCostDoesNotGrowWithSnapshots) {
  Cache cache(path());
  Writer write(cache.db());
  cache.db().exec(
      "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256)"
      " VALUES (1, 'antpool://A', 'A', 't', 'h1'), (2, 'https://btcpool.kz/o/b', 'B', 't', "
      "'h2')");
  std::vector<int64_t> fleet;
  for (int w = 0; w < 200; ++w) fleet.push_back(write.worker(1, "w" + std::to_string(w)));
  std::vector<int64_t> stale;
  for (int w = 0; w < 20; ++w) stale.push_back(write.worker(2, "s" + std::to_string(w)));
  const int64_t old_list = write.snapshot(2, 0, "all");
  for (const int64_t w : stale) write.sample(old_list, w, true, 100, true);

  int run = 0;
  const auto add_runs = [&](int count) {
    cache.db().exec("BEGIN");
    for (int end = run + count; run < end; ++run) {
      // A full list every 10 hours keeps the test quick; summaries and offline lists between.
      const char* list = run % 60 == 0 ? "all" : run % 6 == 3 ? "offline" : "none";
      const int64_t snapshot = write.snapshot(1, run, list);
      if (run % 60 == 0) {
        for (const int64_t w : fleet) write.sample(snapshot, w, true, 100, true);
      }
    }
    cache.db().exec("COMMIT");
  };
  add_runs(400);
  size_t rows = 0;
  const int64_t small = view_steps(cache.db(), rows);
  EXPECT_EQ(rows, 220u);
  add_runs(3600);
  const int64_t large = view_steps(cache.db(), rows);
  EXPECT_EQ(rows, 220u);
  std::string plan;
  SQLite::Statement explain(cache.db(), "EXPLAIN QUERY PLAN SELECT * FROM v_latest_workers");
  while (explain.executeStep()) plan += explain.getColumn(3).getString() + "\n";
  EXPECT_LT(large, small + small / 10)
      << small << " VM steps with 400 snapshots, " << large << " with 4000; plan:\n"
      << plan;
}

// An Antpool account whose worker list was deferred so far: its offline list is all it knows.
TEST_F(CacheMigration5Test, PoolWithoutAFullListShowsWhatItsOfflineListsSampled) {
  Cache cache(path());
  Writer write(cache.db());
  cache.db().exec(
      "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256, source)"
      " VALUES (1, 'antpool://A', 'A', 't', 'h1', 'antpool')");
  const int64_t a = write.worker(1, "a");
  const int64_t b = write.worker(1, "b");
  write.worker(1, "never sampled");
  write.snapshot(1, 0, "none");
  const int64_t first = write.snapshot(1, 1, "offline");
  write.sample(first, a, false, 5, true);
  write.sample(first, b, false, 5, true);
  const int64_t second = write.snapshot(1, 2, "offline");
  write.sample(second, b, false, 7, true);
  write.snapshot(1, 3, "none");
  EXPECT_EQ(rows_of(cache.db(),
                    "SELECT worker_name, status, hashrate_1h_ths, sampled_at FROM v_latest_workers"
                    " ORDER BY worker_name"),
            (ViewRows{{"a", "offline", "0.005", "2026-01-01T00:10:00.000Z"},
                      {"b", "offline", "0.007", "2026-01-01T00:20:00.000Z"}}));
}

}  // namespace
}  // namespace kz
