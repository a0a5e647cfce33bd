#include "notify/mute_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {

namespace {

Mute read_mute(Cache& cache, SQLite::Statement& row) {
  Mute mute;
  mute.id = row.getColumn(0).getInt64();
  mute.account_name = row.getColumn(1).getString();
  mute.worker = row.getColumn(2).isNull() ? "" : row.getColumn(2).getString();
  const std::string until = row.getColumn(3).getString();
  const std::string created_at = row.getColumn(5).getString();
  const auto until_time = parse_utc(until);
  const auto created_time = parse_utc(created_at);
  if (!until_time || !created_time) {
    throw Error(ExitCode::cache_failed,
                "cache " + cache.path() + ": notify_mute " + std::to_string(mute.id) +
                    " holds an unreadable time \"" + (until_time ? created_at : until) + "\"");
  }
  mute.until = *until_time;
  mute.reason = row.getColumn(4).getString();
  mute.created_at = *created_time;
  return mute;
}

}  // namespace

int64_t MuteStore::add(const Mute& mute, TimePoint now) {
  if (mute.account_name.empty()) {
    throw Error(ExitCode::usage, "a mute needs a pool (its account name)");
  }
  if (mute.until <= now) {
    throw Error(ExitCode::usage, "a mute must end after now (" + format_utc(now) + "), not at " +
                                     format_utc(mute.until));
  }
  try {
    SQLite::Statement insert(cache_.db(),
                             "INSERT INTO notify_mute(account_name, worker, until, reason,"
                             " created_at) VALUES(?, ?, ?, ?, ?)");
    insert.bind(1, mute.account_name);
    if (mute.worker.empty()) {
      insert.bind(2);
    } else {
      insert.bind(2, mute.worker);
    }
    insert.bind(3, format_utc(mute.until));
    insert.bind(4, mute.reason);
    insert.bind(5, format_utc(now));
    insert.exec();
    return cache_.db().getLastInsertRowid();
  } catch (...) {
    cache_.rethrow_as_cache_error("adding a mute");
  }
}

bool MuteStore::remove(int64_t id) {
  try {
    SQLite::Statement remove(cache_.db(), "DELETE FROM notify_mute WHERE id = ?");
    remove.bind(1, id);
    return remove.exec() > 0;
  } catch (...) {
    cache_.rethrow_as_cache_error("removing a mute");
  }
}

int MuteStore::remove_matching(const std::string& account_name, const std::string& worker) {
  try {
    SQLite::Statement remove(cache_.db(),
                             worker.empty()
                                 ? "DELETE FROM notify_mute WHERE account_name = ?"
                                 : "DELETE FROM notify_mute WHERE account_name = ? AND worker = ?");
    remove.bind(1, account_name);
    if (!worker.empty()) remove.bind(2, worker);
    return remove.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("removing mutes");
  }
}

std::vector<Mute> MuteStore::active(TimePoint now) {
  try {
    SQLite::Statement select(cache_.db(),
                             "SELECT id, account_name, worker, until, reason, created_at"
                             " FROM notify_mute WHERE until > ? ORDER BY until, id");
    select.bind(1, format_utc(now));
    std::vector<Mute> mutes;
    while (select.executeStep()) mutes.push_back(read_mute(cache_, select));
    return mutes;
  } catch (...) {
    cache_.rethrow_as_cache_error("reading the mutes");
  }
}

bool MuteStore::is_muted(const std::string& account_name, const std::string& subject,
                         TimePoint now) {
  try {
    // A whole-pool mute has worker NULL, so an alert of the pool ("" subject) matches only it.
    SQLite::Statement select(cache_.db(),
                             "SELECT 1 FROM notify_mute WHERE account_name = ? AND until > ?"
                             " AND (worker IS NULL OR worker = ?) LIMIT 1");
    select.bind(1, account_name);
    select.bind(2, format_utc(now));
    select.bind(3, subject);
    return select.executeStep();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading the mutes");
  }
}

int MuteStore::prune(TimePoint now) {
  try {
    SQLite::Statement remove(cache_.db(), "DELETE FROM notify_mute WHERE until <= ?");
    remove.bind(1, format_utc(now));
    return remove.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("pruning the mutes");
  }
}

}  // namespace kz
