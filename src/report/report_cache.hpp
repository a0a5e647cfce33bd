#pragma once

#include <SQLiteCpp/Database.h>

#include <functional>
#include <string>

namespace kz {

// kzscrape's cache opened read-only for kzreport (SQLITE_OPEN_READONLY): it is never created,
// migrated or written, and it reads while cron writes (WAL). Throws kz::Error(cache_failed) when
// the file is missing (hint: run kzscrape first or pass --db), is not a kzpool cache, or has a
// schema version other than this build's (older: "run kzscrape once to update it"; newer: "this
// kzreport is older than the cache").
class ReportCache {
 public:
  explicit ReportCache(const std::string& path);

  SQLite::Database& db() { return db_; }
  const std::string& path() const { return path_; }

  // Runs `read` inside one read transaction, so that every query sees the same state of the
  // cache even while kzscrape commits a run. SQLite errors leave as kz::Error(cache_failed).
  void read_transaction(const std::function<void()>& read);

 private:
  std::string path_;
  SQLite::Database db_;
};

}  // namespace kz
