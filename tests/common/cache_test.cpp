#include "common/cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "common/cache_schema.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_cache_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "cache.db").string(); }

  fs::path dir_;
};

TEST_F(CacheTest, CreatesSchemaInWalModeWithForeignKeys) {
  Cache cache(path());
  EXPECT_EQ(cache.schema_version(), static_cast<int>(cache_migrations().size()));
  EXPECT_EQ(cache.db().execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(cache.db().execAndGet("PRAGMA foreign_keys").getInt(), 1);
  for (const char* view :
       {"v_latest_summary", "v_latest_workers", "v_daily_income", "v_open_alerts"}) {
    EXPECT_TRUE(cache.db().tableExists(view) ||
                cache.db()
                        .execAndGet(std::string("SELECT count(*) FROM sqlite_schema WHERE name='") +
                                    view + "' AND type='view'")
                        .getInt() == 1)
        << view;
  }
}

TEST_F(CacheTest, ViewsHaveTheDocumentedColumns) {
  Cache cache(path());
  auto columns = [&](const std::string& view) {
    std::string names;
    SQLite::Statement info(cache.db(), "SELECT name FROM pragma_table_info('" + view + "')");
    while (info.executeStep()) names += (names.empty() ? "" : ",") + info.getColumn(0).getString();
    return names;
  };
  EXPECT_EQ(columns("v_latest_summary"),
            "observer_url,account_name,scraped_at,hashrate_current_ths,hashrate_24h_ths,"
            "online_workers,offline_workers,balance_btc,last_income_btc");
  EXPECT_EQ(columns("v_latest_workers"),
            "observer_url,worker_name,status,hashrate_10m_ths,hashrate_1h_ths,hashrate_24h_ths,"
            "last_share_at,account_name,sampled_at");
  EXPECT_EQ(columns("v_daily_income"), "observer_url,date,total_income_btc,hashrate_ths");
  EXPECT_EQ(columns("v_open_alerts"),
            "observer_url,alert_type,severity,subject,message,opened_at,last_seen_at");
  EXPECT_EQ(columns("v_upload_rejected"),
            "observer_url,account_name,table_name,row,error,rejected_at");
  EXPECT_EQ(columns("v_notify_pending"),
            "destination,account_name,alert_type,subject,kind,severity,message,at,hold,attempts");
  EXPECT_EQ(columns("v_notify_destinations"),
            "name,type,added_at,greeted_at,refused_until,last_error,last_error_at,pending,"
            "last_sent_at");
  EXPECT_EQ(columns("v_mutes"), "id,account_name,worker,until,reason,created_at");
}

// A cache as kzpool before migration 3 left it: second-resolution times, several snapshots
// of a pool in one second from overlapping runs, workers first seen in such a second.
class VersionTwoCache {
 public:
  explicit VersionTwoCache(const std::string& path)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec(cache_migrations().at(0));
    db_.exec(cache_migrations().at(1));
    db_.exec("PRAGMA user_version = 2");
    db_.exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at) VALUES"
        " (1, 'u1', 'A', 't'), (2, 'u2', 'B', 't')");
  }
  // A snapshot at "2026-11-22T10:40:SSZ"; returns its id.
  int64_t snapshot(int64_t pool, int second) {
    SQLite::Statement insert(db_,
                             "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs,"
                             " online_workers, offline_workers, listed_workers, workers_complete)"
                             " VALUES(?, ?, 1, 0, 0, 0, 1)");
    insert.bind(1, pool);
    insert.bind(2, stamp(second));
    insert.exec();
    return db_.getLastInsertRowid();
  }
  int64_t worker(int64_t pool, const std::string& name, int first_seen_second) {
    SQLite::Statement insert(
        db_, "INSERT INTO worker(pool_id, name, first_seen_at, last_online_at) VALUES(?, ?, ?, ?)");
    insert.bind(1, pool);
    insert.bind(2, name);
    insert.bind(3, stamp(first_seen_second));
    insert.bind(4, stamp(first_seen_second));
    insert.exec();
    return db_.getLastInsertRowid();
  }
  void sample(int64_t snapshot_id, int64_t worker_id) {
    db_.exec(
        "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs, hashrate_1h_ghs,"
        " hashrate_24h_ghs) VALUES(" +
        std::to_string(snapshot_id << 24 | worker_id) + ", 1, 1, 1, 1)");
  }
  static std::string stamp(int second) {
    char text[32];
    std::snprintf(text, sizeof text, "2026-11-22T10:40:%02dZ", second);
    return text;
  }

 private:
  SQLite::Database db_;
};

TEST_F(CacheTest, MigrationThreeGivesEverySnapshotOfAPoolItsOwnMillisecond) {
  // Generated: per second, a number of snapshots alternating between the two pools.
  struct Stored {
    int64_t pool;
    int second;
  };
  std::map<int64_t, Stored> stored;  // by snapshot id
  int64_t worker_in_second_dup = 0, worker_pruned = 0, worker_in_third = 0;
  {
    VersionTwoCache old(path());
    for (int second = 0; second < 12; ++second) {
      const int per_second = second % 5;  // 0 to 4 snapshots in the same second
      for (int i = 0; i < 2 * per_second; ++i) {
        const int64_t pool = i % 2 + 1;
        stored[old.snapshot(pool, second)] = {pool, second};
      }
    }
    // Second 3 of pool 1 holds three snapshots (.000, .001, .002 after the migration).
    std::vector<int64_t> pool1_second3;
    for (const auto& [id, s] : stored) {
      if (s.pool == 1 && s.second == 3) pool1_second3.push_back(id);
    }
    ASSERT_EQ(pool1_second3.size(), 3U);
    worker_in_second_dup = old.worker(1, "rack 1", 3);
    old.sample(pool1_second3[1], worker_in_second_dup);
    old.sample(pool1_second3[2], worker_in_second_dup);
    worker_in_third = old.worker(1, "rack_1", 3);
    old.sample(pool1_second3[2], worker_in_third);
    worker_pruned = old.worker(1, "gone", 3);  // its samples were pruned
  }
  Cache cache(path());
  ASSERT_EQ(cache.schema_version(), static_cast<int>(cache_migrations().size()));

  std::map<std::pair<int64_t, int>, int> next_ms;  // (pool, second) -> next fraction
  SQLite::Statement all(cache.db(), "SELECT id, scraped_at FROM snapshot ORDER BY id");
  std::size_t rows = 0;
  while (all.executeStep()) {
    ++rows;
    const Stored& was = stored.at(all.getColumn(0).getInt64());
    char expected[40];
    std::snprintf(expected, sizeof expected, "2026-11-22T10:40:%02d.%03dZ", was.second,
                  next_ms[{was.pool, was.second}]++);
    EXPECT_EQ(all.getColumn(1).getString(), expected);
  }
  EXPECT_EQ(rows, stored.size());
  for (int64_t pool : {1, 2}) {
    SQLite::Statement distinct(cache.db(),
                               "SELECT count(*), count(DISTINCT scraped_at) FROM snapshot"
                               " WHERE pool_id = ?");
    distinct.bind(1, pool);
    ASSERT_TRUE(distinct.executeStep());
    EXPECT_EQ(distinct.getColumn(0).getInt64(), distinct.getColumn(1).getInt64());
    // Text order is id order within the pool.
    SQLite::Statement order(cache.db(),
                            "SELECT count(*) FROM snapshot a JOIN snapshot b ON a.pool_id ="
                            " b.pool_id AND a.id < b.id WHERE a.pool_id = ?"
                            " AND a.scraped_at >= b.scraped_at");
    order.bind(1, pool);
    ASSERT_TRUE(order.executeStep());
    EXPECT_EQ(order.getColumn(0).getInt64(), 0);
  }

  const auto first_seen = [&](int64_t worker) {
    SQLite::Statement select(cache.db(),
                             "SELECT first_seen_at, device_id FROM worker WHERE id = ?");
    select.bind(1, worker);
    EXPECT_TRUE(select.executeStep());
    EXPECT_TRUE(select.getColumn(1).isNull());
    return select.getColumn(0).getString();
  };
  EXPECT_EQ(first_seen(worker_in_second_dup), "2026-11-22T10:40:03.001Z");
  EXPECT_EQ(first_seen(worker_in_third), "2026-11-22T10:40:03.002Z");
  EXPECT_EQ(first_seen(worker_pruned), "2026-11-22T10:40:03.000Z");
  SQLite::Statement online(cache.db(), "SELECT last_online_at FROM worker WHERE id = ?");
  online.bind(1, worker_in_second_dup);
  ASSERT_TRUE(online.executeStep());
  EXPECT_EQ(online.getColumn(0).getString(), "2026-11-22T10:40:03.002Z");
  EXPECT_EQ(cache.db().execAndGet("SELECT count(*) FROM upload_rejected").getInt(), 0);
}

TEST_F(CacheTest, DeviceIdsAreUniqueAcrossTheCache) {
  Cache cache(path());
  cache.db().exec(
      "INSERT INTO pool(id, observer_url, observer_url_sha256, created_at) VALUES"
      " (1, 'u1', 'h1', 't'), (2, 'u2', 'h2', 't')");
  cache.db().exec(
      "INSERT INTO worker(pool_id, name, first_seen_at, device_id) VALUES"
      " (1, 'a', 't', 'KZ_A_a'), (1, 'b', 't', NULL), (2, 'c', 't', NULL)");
  EXPECT_THROW(cache.db().exec("INSERT INTO worker(pool_id, name, first_seen_at, device_id)"
                               " VALUES(2, 'a', 't', 'KZ_A_a')"),
               SQLite::Exception);
}

TEST_F(CacheTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  {
    Cache cache(path());
    cache.db().exec(
        "INSERT INTO pool(observer_url, observer_url_sha256, created_at) VALUES('u', 'h', 't')");
  }
  Cache again(path());
  EXPECT_EQ(again.db().execAndGet("SELECT count(*) FROM pool").getInt(), 1);
}

TEST_F(CacheTest, OnlyOneOpenAlertPerKey) {
  Cache cache(path());
  cache.db().exec(
      "INSERT INTO pool(id, observer_url, observer_url_sha256, created_at) VALUES(1, 'u', 'h', "
      "'t')");
  const char* insert =
      "INSERT INTO alert(pool_id, alert_type, subject, severity, message, opened_at, last_seen_at)"
      " VALUES(1, 'offline_workers', '', 'medium', 'm', 't', 't')";
  cache.db().exec(insert);
  EXPECT_THROW(cache.db().exec(insert), SQLite::Exception);
  cache.db().exec("UPDATE alert SET resolved_at = 't2'");
  EXPECT_NO_THROW(cache.db().exec(insert));
}

TEST_F(CacheTest, FailedTransactionLeavesNothing) {
  Cache cache(path());
  EXPECT_THROW(cache.write_transaction([&] {
    const char* insert =
        "INSERT INTO pool(observer_url, observer_url_sha256, created_at) VALUES('u', 'h', 't')";
    cache.db().exec(insert);
    cache.db().exec(insert);  // duplicate
  }),
               Error);
  EXPECT_EQ(cache.db().execAndGet("SELECT count(*) FROM pool").getInt(), 0);
}

TEST_F(CacheTest, CorruptFileIsACacheErrorWithAdvice) {
  std::ofstream(path()) << std::string(8192, 'x');
  try {
    Cache cache(path());
    FAIL() << "opened a corrupt cache";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cache_failed);
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path()), std::string::npos) << e.what();
  }
}

TEST_F(CacheTest, ReadOnlyFileIsACacheError) {
  { Cache cache(path()); }
  ::chmod(path().c_str(), 0444);
  try {
    Cache cache(path());
    FAIL() << "opened a read-only cache for writing";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cache_failed);
    EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
  }
}

TEST_F(CacheTest, NewerSchemaIsRefused) {
  {
    Cache cache(path());
    cache.db().exec("PRAGMA user_version = 999");
  }
  try {
    Cache cache(path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cache_failed);
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kz
