#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <functional>
#include <string>

#include "common/error.hpp"

namespace kz {

// The cache error of a full disk (SQLITE_FULL, or an I/O error with ENOSPC or EDQUOT): its
// message says "disk full" and which folder needs space. Exit code cache_failed.
class CacheFullError : public Error {
 public:
  using Error::Error;
};

// The SQLite cache shared by kzscrape and kzupload: WAL mode, a busy timeout
// (cron runs may overlap), foreign keys on, migrations by PRAGMA user_version.
// Every SQLite failure leaves here as kz::Error(ExitCode::cache_failed), a full disk as
// CacheFullError.
class Cache {
 public:
  static constexpr std::chrono::milliseconds kDefaultBusyTimeout{15'000};

  explicit Cache(const std::string& path,
                 std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout);

  SQLite::Database& db() { return db_; }
  const std::string& path() const { return path_; }
  int schema_version();

  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT; rolls back on any exception.
  void write_transaction(const std::function<void()>& work);

  // Wraps a SQLite exception (or any std::exception) into kz::Error with the
  // cache path and advice, and rethrows kz::Error as is.
  [[noreturn]] void rethrow_as_cache_error(const char* doing) const;

 private:
  void switch_to_wal(std::chrono::milliseconds busy_timeout);
  void migrate();

  std::string path_;
  SQLite::Database db_;
};

}  // namespace kz
