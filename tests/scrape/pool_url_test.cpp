// The pool table under issue 11: a pool is found by the SHA-256 of its full observer URL and
// stores only the redacted URL; migration 4 turns a cache of the previous schema into that,
// keeping every id and scrubbing the URLs' secrets from old errors and alert messages.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/cache_schema.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/url_text.hpp"
#include "scrape/snapshot_store.hpp"
#include "support/cache_cells.hpp"

namespace kz {
namespace {

// A URL of kind `kind` (0..6) whose secrets all contain "SECRET<n>" or "PASSWORD<n>".
std::string url_of_kind(int kind, int n) {
  const std::string id = std::to_string(n);
  switch (kind % 7) {
    case 0:
      return "http://user" + id + ":PASSWORD" + id + "@127.0.0.1:8080/page?token=SECRET" + id +
             "&lang=ru";
    case 1:
      return "https://btcpool.kz/observer?access_key=SECRET" + id;
    case 2:
      return "https://PASSWORD" + id + "@btcpool.kz/o/" + id;
    case 3:
      return "https://api.example.kz/ru/api?key=SECRET" + id + "#KZ_" + id;
    case 4:
      return "https://btcpool.kz/observer/plain" + id;
    case 5:
      return "file:///tmp/page" + id + ".html";
    default:
      return "https://btcpool.kz/observer/x?SECRET" + id;
  }
}

class PoolUrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("kz_pool_url_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_cache();
  }
  void TearDown() override { remove_cache(); }
  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  static std::vector<std::string> secret_cells(SQLite::Database& db) {
    std::vector<std::string> out;
    for (const char* part : {"SECRET", "PASSWORD"}) {
      for (auto& cell : test::cells_containing(db, part)) out.push_back(cell);
    }
    return out;
  }
  std::string path_;
  const TimePoint now_ = TimePoint{std::chrono::seconds{1'790'000'000}};
};

TEST_F(PoolUrlTest, APoolIsFoundByItsFullUrlAndStoredRedacted) {
  Cache cache(path_);
  SnapshotStore store(cache);
  for (int n = 0; n < 28; ++n) {
    const std::string url = url_of_kind(n, n);
    SCOPED_TRACE(url);
    int64_t id = 0, again = 0;
    cache.write_transaction([&] {
      id = store.ensure_pool(url, std::nullopt, now_);
      again = store.ensure_pool(url, "acc" + std::to_string(n), now_);
    });
    EXPECT_EQ(again, id);
    SQLite::Statement row(cache.db(),
                          "SELECT observer_url, observer_url_sha256, account_name FROM pool"
                          " WHERE id = ?");
    row.bind(1, id);
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getString(), redacted_url(url));
    EXPECT_EQ(row.getColumn(1).getString(), sha256_hex(url));
    EXPECT_EQ(row.getColumn(2).getString(), "acc" + std::to_string(n));
  }
  EXPECT_EQ(secret_cells(cache.db()), std::vector<std::string>{});
}

TEST_F(PoolUrlTest, UrlsThatDifferOnlyInASecretAreTwoPools) {
  Cache cache(path_);
  SnapshotStore store(cache);
  for (int kind : {0, 1, 2, 3, 6}) {
    const std::string a = url_of_kind(kind, 1), b = url_of_kind(kind, 2);
    SCOPED_TRACE(a);
    ASSERT_EQ(redacted_url(a).size(), redacted_url(b).size());
    int64_t id_a = 0, id_b = 0;
    cache.write_transaction([&] {
      id_a = store.ensure_pool(a, "A" + std::to_string(kind), now_);
      id_b = store.ensure_pool(b, std::nullopt, now_);
    });
    EXPECT_NE(id_a, id_b);
    // The label of one is not the other's: a usage error that names neither URL's secrets.
    try {
      cache.write_transaction([&] { store.ensure_pool(b, "A" + std::to_string(kind), now_); });
      ADD_FAILURE() << "the label moved to another URL";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("PASSWORD"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(secret_cells(cache.db()), std::vector<std::string>{});
}

// A cache as the schema before migration 4 left it, with pools of every kind of URL and rows
// that name them: snapshots, runs whose error names the URL, alerts whose message does.
struct OldCache {
  struct Pool {
    int64_t id;
    std::string url;
    std::optional<std::string> account;
  };
  std::vector<Pool> pools;

  explicit OldCache(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int i = 0; i < 3; ++i) db.exec(cache_migrations().at(static_cast<size_t>(i)));
    db.exec("PRAGMA user_version = 3");
    int64_t id = 3;
    for (int n = 0; n < 21; ++n) {
      pools.push_back({id, url_of_kind(n, n / 7),
                       n % 3 == 0 ? std::nullopt : std::optional("KZ_" + std::to_string(n))});
      id += 1 + n % 4;  // ids with gaps, as deleted or failed inserts leave them
    }
    SQLite::Statement pool(db, "INSERT INTO pool VALUES(?, ?, ?, '2026-01-01T00:00:00Z')");
    SQLite::Statement snapshot(
        db,
        "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, online_workers,"
        " offline_workers, listed_workers, workers_complete) VALUES(?, ?, 1, 1, 0, 1, 1)");
    SQLite::Statement run(db,
                          "INSERT INTO scrape_run(pool_id, started_at, finished_at, outcome,"
                          " exit_code, error) VALUES(?, 't', 't', 'failed', 3, ?)");
    SQLite::Statement alert(db,
                            "INSERT INTO alert(pool_id, alert_type, severity, message, opened_at,"
                            " last_seen_at) VALUES(?, 'scrape_failed', 'high', ?, 't', 't')");
    for (const Pool& p : pools) {
      pool.bind(1, p.id);
      pool.bind(2, p.url);
      if (p.account) pool.bind(3, *p.account);
      pool.exec();
      pool.reset();
      pool.clearBindings();
      snapshot.bind(1, p.id);
      snapshot.bind(2, "2026-01-01T00:00:00.000Z");
      snapshot.exec();
      snapshot.reset();
      run.bind(1, p.id);
      run.bind(2, "fetching " + p.url + ": HTTP 500 (after 3 attempts)");
      run.exec();
      run.reset();
      alert.bind(1, p.id);
      alert.bind(2, "4 scrapes in a row failed: fetching " + p.url + ": HTTP 500");
      alert.exec();
      alert.reset();
    }
  }
};

TEST_F(PoolUrlTest, MigrationFourKeepsIdsRedactsUrlsAndScrubsOldErrors) {
  const OldCache old(path_);
  Cache cache(path_);
  auto& db = cache.db();
  EXPECT_EQ(cache.schema_version(), static_cast<int>(cache_migrations().size()));
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_FALSE(SQLite::Statement(db, "PRAGMA foreign_key_check").executeStep());
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM pool").getInt64(),
            static_cast<int64_t>(old.pools.size()));
  for (const auto& pool : old.pools) {
    SCOPED_TRACE(pool.url);
    SQLite::Statement row(db,
                          "SELECT observer_url, observer_url_sha256, account_name FROM pool"
                          " WHERE id = ?");
    row.bind(1, pool.id);
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getString(), redacted_url(pool.url));
    EXPECT_EQ(row.getColumn(1).getString(), sha256_hex(pool.url));
    EXPECT_EQ(row.getColumn(2).isNull(), !pool.account);
    SQLite::Statement error(db, "SELECT error FROM scrape_run WHERE pool_id = ?");
    error.bind(1, pool.id);
    ASSERT_TRUE(error.executeStep());
    EXPECT_EQ(error.getColumn(0).getString(),
              "fetching " + redacted_url(pool.url) + ": HTTP 500 (after 3 attempts)");
    // An alert message that changed is sent again (revision 2); one that did not, not.
    SQLite::Statement alert(db, "SELECT message, revision FROM alert WHERE pool_id = ?");
    alert.bind(1, pool.id);
    ASSERT_TRUE(alert.executeStep());
    EXPECT_EQ(alert.getColumn(0).getString(),
              "4 scrapes in a row failed: fetching " + redacted_url(pool.url) + ": HTTP 500");
    EXPECT_EQ(alert.getColumn(1).getInt(), redacted_url(pool.url) == pool.url ? 1 : 2);
  }
  EXPECT_EQ(secret_cells(db), std::vector<std::string>{});
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM v_latest_summary").getInt64(),
            static_cast<int64_t>(old.pools.size()));
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM v_open_alerts").getInt64(),
            static_cast<int64_t>(old.pools.size()));

  // kzscrape finds every pool again by its full URL, labelled or not.
  SnapshotStore store(cache);
  cache.write_transaction([&] {
    for (const auto& pool : old.pools) {
      EXPECT_EQ(store.ensure_pool(pool.url, pool.account, now_), pool.id) << pool.url;
    }
  });
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM pool").getInt64(),
            static_cast<int64_t>(old.pools.size()));
  // The foreign keys still hold after the rebuild.
  EXPECT_THROW(db.exec("INSERT INTO scrape_run(pool_id, started_at, finished_at, outcome,"
                       " exit_code) VALUES(99999, 't', 't', 'ok', 0)"),
               SQLite::Exception);
}

}  // namespace
}  // namespace kz
