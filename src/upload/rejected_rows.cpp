#include "upload/rejected_rows.hpp"

#include <SQLiteCpp/Statement.h>

#include "common/error.hpp"

namespace kz {

namespace {

// The tables PendingRows knows how to skip; a row set aside under another name would be sent
// again on every run.
bool skippable(const std::string& table) {
  for (const char* known : {"hashrates", "devices", "income_tracking", "alerts", "payments",
                            "api_call_logs", "pool_stats"}) {
    if (table == known) return true;
  }
  return false;
}

}  // namespace

void RejectedRows::set_aside(int64_t pool_id, const RowRef& row, const std::string& error,
                             const std::string& at) {
  if (!skippable(row.table)) {
    throw Error(ExitCode::internal, "cannot set aside a row of table '" + row.table + "'");
  }
  // A row refused again (a newer revision) replaces its earlier record.
  cache_.write_transaction([&] {
    SQLite::Statement insert(cache_.db(),
                             "INSERT OR REPLACE INTO upload_rejected(pool_id, table_name, item_key,"
                             " revision, description, error, rejected_at)"
                             " VALUES(?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, pool_id);
    insert.bind(2, row.table);
    insert.bind(3, row.item_key);
    insert.bind(4, row.revision);
    insert.bind(5, row.description);
    insert.bind(6, error);
    insert.bind(7, at);
    insert.exec();
  });
}

std::size_t RejectedRows::clear(int64_t pool_id) {
  int cleared = 0;
  cache_.write_transaction([&] {
    // A device's snapshots may all be uploaded: the worker itself is marked to be sent again.
    SQLite::Statement resend(cache_.db(),
                             "UPDATE worker SET device_resend = 1 WHERE pool_id = ?1 AND"
                             " CAST(id AS TEXT) IN (SELECT item_key FROM upload_rejected"
                             " WHERE pool_id = ?1 AND table_name = 'devices')");
    resend.bind(1, pool_id);
    resend.exec();
    SQLite::Statement remove(cache_.db(), "DELETE FROM upload_rejected WHERE pool_id = ?");
    remove.bind(1, pool_id);
    cleared = remove.exec();
  });
  return static_cast<std::size_t>(cleared);
}

std::size_t RejectedRows::count(int64_t pool_id) {
  try {
    SQLite::Statement count(cache_.db(), "SELECT count(*) FROM upload_rejected WHERE pool_id = ?");
    count.bind(1, pool_id);
    count.executeStep();
    return static_cast<std::size_t>(count.getColumn(0).getInt64());
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
}

}  // namespace kz
