// A cache that cannot grow (a full disk) gives exit 5 with advice, and loses nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/cache.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

TEST(CacheFull, AFullDiskSaysWhereToFreeSpaceAndKeepsWhatWasStored) {
  const fs::path dir = fs::temp_directory_path() / ("kz_cache_full_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    Cache cache((dir / "cache.db").string());
    cache.write_transaction([&] { cache.db().exec("CREATE TABLE t (x TEXT)"); });
    cache.write_transaction([&] { cache.db().exec("INSERT INTO t VALUES ('kept')"); });
    // SQLite reports a file that may not grow past max_page_count as SQLITE_FULL, the error
    // of a full disk.
    const int pages = cache.db().execAndGet("PRAGMA page_count").getInt();
    cache.db().exec("PRAGMA max_page_count = " + std::to_string(pages));
    try {
      cache.write_transaction([&] {
        cache.db().exec(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
            " INSERT INTO t SELECT hex(randomblob(100)) FROM n");
      });
      ADD_FAILURE() << "the write did not fail";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::cache_failed);
      const std::string message = e.what();
      EXPECT_NE(message.find("disk full"), std::string::npos) << message;
      EXPECT_NE(dynamic_cast<const CacheFullError*>(&e), nullptr) << "kzscrape notes these";
      EXPECT_NE(message.find("free space in " + fs::absolute(dir).string()), std::string::npos)
          << message;
    }
    EXPECT_EQ(cache.db().execAndGet("SELECT group_concat(x) FROM t").getString(), "kept");
  }
  fs::remove_all(dir);
}

TEST(CacheFull, OtherCacheErrorsAreNotTakenForAFullDisk) {
  const fs::path dir = fs::temp_directory_path() / ("kz_cache_other_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "cache.db") << std::string(8192, 'x');  // not a database
  try {
    Cache cache((dir / "cache.db").string());
    ADD_FAILURE() << "opened a file that is not a database";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cache_failed);
    EXPECT_EQ(dynamic_cast<const CacheFullError*>(&e), nullptr) << e.what();
    EXPECT_EQ(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kz
