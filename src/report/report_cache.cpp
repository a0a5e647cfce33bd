#include "report/report_cache.hpp"

#include <filesystem>

#include "common/cache_schema.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

SQLite::Database open_read_only(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw Error(ExitCode::cache_failed,
                "no cache at " + path +
                    ": run kzscrape first, or pass --db FILE (the cache cron writes, DB_PATH)");
  }
  try {
    return SQLite::Database(path, SQLite::OPEN_READONLY, 15'000);
  } catch (const std::exception& e) {
    throw Error(ExitCode::cache_failed, "cache " + path + ": opening: " + e.what());
  }
}

}  // namespace

ReportCache::ReportCache(const std::string& path) : path_(path), db_(open_read_only(path)) {
  int version = 0;
  try {
    version = db_.execAndGet("PRAGMA user_version").getInt();
  } catch (const std::exception& e) {
    throw Error(ExitCode::cache_failed, "cache " + path + ": reading: " + e.what() +
                                            " (the file is corrupt or not a kzpool cache)");
  }
  // Up to 64 MiB of pages, allocated as read: pools scraped in turn interleave their worker
  // samples on the same pages, which a report reading pool after pool would otherwise read
  // from the file several times (100 pools x a week: 2.4 s -> 1.6 s of CPU).
  db_.exec("PRAGMA cache_size = -65536");
  const int latest = static_cast<int>(cache_migrations().size());
  if (version < latest) {
    throw Error(ExitCode::cache_failed,
                "cache " + path + " is at schema version " + std::to_string(version) +
                    ", this kzreport reads version " + std::to_string(latest) +
                    (version == 0 ? " (not a kzpool cache, or an empty file)"
                                  : ": run kzscrape once to update it"));
  }
  if (version > latest) {
    throw Error(ExitCode::cache_failed,
                "cache " + path + " is at schema version " + std::to_string(version) +
                    ", newer than this kzreport reads (" + std::to_string(latest) +
                    "): install the kzreport of the kzscrape that wrote it");
  }
}

void ReportCache::read_transaction(const std::function<void()>& read) {
  try {
    db_.exec("BEGIN");
    try {
      read();
    } catch (...) {
      db_.exec("ROLLBACK");
      throw;
    }
    db_.exec("COMMIT");
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ExitCode::cache_failed, "cache " + path_ + ": reading: " + e.what());
  }
}

}  // namespace kz
