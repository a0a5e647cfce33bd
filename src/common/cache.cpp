#include "common/cache.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <thread>

#include "common/cache_schema.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

bool says_disk_full(const std::string& message) {
  return message.find("disk is full") != std::string::npos ||
         message.find("No space left") != std::string::npos;
}

// SQLite reports a write that ran out of space as SQLITE_FULL, but growing the -shm file or
// creating the -wal as an I/O error; the system errno tells those apart.
bool disk_full(const std::exception& e, sqlite3* db) {
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  if (!sqlite) return says_disk_full(e.what());
  const int primary = sqlite->getErrorCode() & 0xff;
  if (primary == SQLITE_FULL) return true;
  if (db == nullptr || (primary != SQLITE_IOERR && primary != SQLITE_CANTOPEN)) return false;
  const int error = sqlite3_system_errno(db);
  return error == ENOSPC || error == EDQUOT;
}

std::string advice_for(const std::string& path, const std::string& message, bool full) {
  if (full) {
    const std::string folder = std::filesystem::absolute(path).parent_path().string();
    return " (disk full: free space in " + folder + "; nothing stored is lost)";
  }
  if (message.find("not a database") != std::string::npos ||
      message.find("malformed") != std::string::npos) {
    return " (the file is corrupt or not a kzpool cache; move it aside and a new cache is created)";
  }
  if (message.find("readonly") != std::string::npos ||
      message.find("unable to open") != std::string::npos) {
    return " (check that the file and its folder are writable)";
  }
  if (message.find("locked") != std::string::npos) {
    return " (another process held the cache too long; try again)";
  }
  return "";
}

[[noreturn]] void throw_cache_error(const std::string& path, const char* doing,
                                    const std::string& message, bool full = false) {
  full = full || says_disk_full(message);
  const std::string text =
      "cache " + path + ": " + doing + ": " + message + advice_for(path, message, full);
  if (full) throw CacheFullError(ExitCode::cache_failed, text);
  throw Error(ExitCode::cache_failed, text);
}

SQLite::Database open_database(const std::string& path, std::chrono::milliseconds busy_timeout) {
  struct stat info {};
  // Root may write to any file; a cache without write bits is still treated as
  // read-only, because that is what its owner asked for.
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 0222) == 0) {
    throw_cache_error(path, "opening", "the file is read-only");
  }
  try {
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                            static_cast<int>(busy_timeout.count()));
  } catch (const std::exception& e) {
    throw_cache_error(path, "opening", e.what(), disk_full(e, nullptr));
  }
}

}  // namespace

// Switching a new file to WAL needs an exclusive lock and SQLite does not
// wait for it through the busy handler, so a run racing another run's first
// open retries here. Once the file is in WAL mode this is a plain read.
void Cache::switch_to_wal(std::chrono::milliseconds busy_timeout) {
  const auto give_up = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    try {
      // Each statement must be finished before the next one runs.
      const std::string mode = db_.execAndGet("PRAGMA journal_mode").getString();
      if (mode == "wal") return;
      const std::string switched = db_.execAndGet("PRAGMA journal_mode = WAL").getString();
      if (switched == "wal") return;
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_BUSY && e.getErrorCode() != SQLITE_LOCKED) throw;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      throw_cache_error(path_, "opening", "cannot switch to WAL mode: database is locked");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Cache::Cache(const std::string& path, std::chrono::milliseconds busy_timeout)
    : path_(path), db_(open_database(path, busy_timeout)) {
  try {
    db_.exec("PRAGMA foreign_keys = ON");
    switch_to_wal(busy_timeout);
    db_.exec("PRAGMA synchronous = NORMAL");
    register_cache_functions(db_);
    migrate();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw_cache_error(path_, "opening", e.what(), disk_full(e, db_.getHandle()));
  }
}

int Cache::schema_version() {
  return db_.execAndGet("PRAGMA user_version").getInt();
}

void Cache::migrate() {
  const auto& migrations = cache_migrations();
  const int latest = static_cast<int>(migrations.size());
  if (schema_version() == latest) return;
  write_transaction([&] {
    // Re-read inside the lock: a concurrent run may have migrated meanwhile.
    const int current = schema_version();
    if (current > latest) {
      throw_cache_error(path_, "opening",
                        "schema version " + std::to_string(current) +
                            " is newer than this program knows (" + std::to_string(latest) +
                            "); upgrade kzpool");
    }
    for (int version = current; version < latest; ++version) {
      db_.exec(migrations[static_cast<size_t>(version)]);
    }
    db_.exec("PRAGMA user_version = " + std::to_string(latest));
  });
}

void Cache::write_transaction(const std::function<void()>& work) {
  try {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    work();
    transaction.commit();
  } catch (...) {
    rethrow_as_cache_error("writing");
  }
}

void Cache::rethrow_as_cache_error(const char* doing) const {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw_cache_error(path_, doing, e.what(), disk_full(e, db_.getHandle()));
  }
}

}  // namespace kz
