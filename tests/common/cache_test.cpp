#include "common/cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

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
            "last_share_at");
  EXPECT_EQ(columns("v_daily_income"), "observer_url,date,total_income_btc,hashrate_ths");
  EXPECT_EQ(columns("v_open_alerts"),
            "observer_url,alert_type,severity,subject,message,opened_at,last_seen_at");
}

TEST_F(CacheTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  {
    Cache cache(path());
    cache.db().exec("INSERT INTO pool(observer_url, created_at) VALUES('u', 't')");
  }
  Cache again(path());
  EXPECT_EQ(again.db().execAndGet("SELECT count(*) FROM pool").getInt(), 1);
}

TEST_F(CacheTest, OnlyOneOpenAlertPerKey) {
  Cache cache(path());
  cache.db().exec("INSERT INTO pool(id, observer_url, created_at) VALUES(1, 'u', 't')");
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
    cache.db().exec("INSERT INTO pool(observer_url, created_at) VALUES('u', 't')");
    cache.db().exec("INSERT INTO pool(observer_url, created_at) VALUES('u', 't')");  // duplicate
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
