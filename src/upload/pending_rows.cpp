#include "upload/pending_rows.hpp"

#include <SQLiteCpp/Statement.h>

#include <type_traits>

#include "upload/row_mapping.hpp"

namespace kz {
namespace {

// worker_sample.sample_key = snapshot_id << 24 | worker_id (see cache_schema.cpp).
constexpr int kSampleKeyShift = 24;

template <typename T>
std::optional<T> optional_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  if constexpr (std::is_same_v<T, double>)
    return column.getDouble();
  else if constexpr (std::is_same_v<T, int64_t>)
    return column.getInt64();
  else
    return column.getString();
}

SnapshotRow read_snapshot(SQLite::Statement& select) {
  SnapshotRow row;
  row.id = select.getColumn(0).getInt64();
  row.scraped_at = select.getColumn(1).getString();
  row.hashrate_current_ths = select.getColumn(2).getDouble();
  row.hashrate_24h_ths = optional_column<double>(select.getColumn(3));
  row.online_workers = select.getColumn(4).getInt64();
  row.offline_workers = select.getColumn(5).getInt64();
  row.balance_sat = optional_column<int64_t>(select.getColumn(6));
  row.last_income_sat = optional_column<int64_t>(select.getColumn(7));
  row.workers_1h_sum_ths = optional_column<double>(select.getColumn(8));
  row.reject_rate = optional_column<double>(select.getColumn(9));
  return row;
}

// The 1 h sum only when every listed worker still has its sample; the reject
// rate from the samples that have one (API runs), weighted by 1 h hashrate.
constexpr const char* kSnapshotColumns =
    "SELECT s.id, s.scraped_at, s.hashrate_current_ghs / 1e3, s.hashrate_24h_ghs / 1e3,"
    " s.online_workers, s.offline_workers, s.balance_sat, s.last_income_sat,"
    " (SELECT CASE WHEN s.workers_complete = 1 AND count(*) = s.listed_workers"
    "   THEN total(ws.hashrate_1h_ghs) / 1e3 END"
    "  FROM worker_sample ws WHERE ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215),"
    " (SELECT sum(ws.hashrate_1h_ghs * ws.reject_rate) / nullif(sum(ws.hashrate_1h_ghs), 0)"
    "  FROM worker_sample ws WHERE ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215"
    "  AND ws.reject_rate IS NOT NULL)"
    " FROM snapshot s ";

// Set-aside rows (RejectedRows, table upload_rejected): snapshots and workers for good,
// revisioned rows at the revision that was refused.
constexpr const char* kSnapshotNotSetAside =
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = s.pool_id"
    " AND r.table_name = 'hashrates' AND r.item_key = CAST(s.id AS TEXT))";

}  // namespace

const char* const kWorkerNotSetAside =
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = w.pool_id"
    " AND r.table_name = 'devices' AND r.item_key = CAST(w.id AS TEXT))";

std::string revision_not_set_aside(const char* table, const char* row, const char* key) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = ") + row +
         ".pool_id AND r.table_name = '" + table + "' AND r.item_key = CAST(" + row + "." + key +
         " AS TEXT) AND r.revision = " + row + ".revision)";
}

PendingRows::PendingRows(Cache& cache, int64_t pool_id) : cache_(cache), pool_id_(pool_id) {
  try {
    SQLite::Statement source(cache_.db(), "SELECT source FROM pool WHERE id = ?");
    source.bind(1, pool_id_);
    if (source.executeStep()) source_ = pool_source(source.getColumn(0).getString());
    SQLite::Statement range(cache_.db(),
                            std::string("SELECT min(s.id), max(s.id), count(*) FROM snapshot s"
                                        " WHERE s.pool_id = ? AND s.uploaded_at IS NULL") +
                                kSnapshotNotSetAside);
    range.bind(1, pool_id_);
    range.executeStep();
    min_snapshot_id_ = range.getColumn(0).getInt64();
    max_snapshot_id_ = range.getColumn(1).getInt64();
    pending_snapshots_ = static_cast<std::size_t>(range.getColumn(2).getInt64());
    if (pending_snapshots_ > 0) {
      SQLite::Statement oldest(cache_.db(), "SELECT scraped_at FROM snapshot WHERE id = ?");
      oldest.bind(1, min_snapshot_id_);
      oldest.executeStep();
      oldest_pending_scraped_at_ = oldest.getColumn(0).getString();
      SQLite::Statement workers(cache_.db(), "SELECT count(*) FROM worker WHERE pool_id = ?");
      workers.bind(1, pool_id_);
      workers.executeStep();
      pool_workers_ = static_cast<std::size_t>(workers.getColumn(0).getInt64());
      SQLite::Statement account(cache_.db(), "SELECT account_name FROM pool WHERE id = ?");
      account.bind(1, pool_id_);
      if (account.executeStep() && !account.getColumn(0).isNull())
        account_ = account.getColumn(0).getString();
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  device_cursor_ = (max_snapshot_id_ + 1) << kSampleKeyShift;
}

bool PendingRows::has_income() {
  return !income_after("", 1).empty();
}
bool PendingRows::has_alerts() {
  return !alerts_after(0, 1).empty();
}

std::optional<SnapshotRow> PendingRows::newest_snapshot() {
  try {
    SQLite::Statement select(cache_.db(), std::string(kSnapshotColumns) +
                                              "WHERE s.pool_id = ? ORDER BY s.id DESC LIMIT 1");
    select.bind(1, pool_id_);
    if (!select.executeStep()) return std::nullopt;
    return read_snapshot(select);
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
}

std::vector<SnapshotRow> PendingRows::snapshots_after(int64_t after_id, std::size_t limit) {
  std::vector<SnapshotRow> rows;
  try {
    SQLite::Statement select(cache_.db(), std::string(kSnapshotColumns) +
                                              "WHERE s.pool_id = ? AND s.uploaded_at IS NULL"
                                              " AND s.id > ? AND s.id <= ?" +
                                              kSnapshotNotSetAside + " ORDER BY s.id LIMIT ?");
    select.bind(1, pool_id_);
    select.bind(2, after_id);
    select.bind(3, max_snapshot_id_);
    select.bind(4, static_cast<int64_t>(limit));
    while (select.executeStep()) rows.push_back(read_snapshot(select));
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

DeviceState PendingRows::read_device(SQLite::Statement& select, int first) const {
  DeviceState row;
  row.worker_id = select.getColumn(first).getInt64();
  row.name = select.getColumn(first + 1).getString();
  row.first_seen_at = select.getColumn(first + 2).getString();
  row.online = select.getColumn(first + 3).getInt() == 1;
  row.scraped_at = select.getColumn(first + 4).getString();
  const SQLite::Column stored_id = select.getColumn(first + 5);
  if (!stored_id.isNull()) {
    row.device_id = stored_id.getString();
  } else if (!account_.empty()) {
    row.device_id = device_id(account_, row.name, source_);
  }
  return row;
}

std::vector<DeviceState> PendingRows::next_devices(std::size_t limit) {
  std::vector<DeviceState> rows = devices_of_pending_snapshots(limit);
  return rows.empty() ? devices_to_resend(limit) : rows;
}

std::vector<DeviceState> PendingRows::devices_of_pending_snapshots(std::size_t limit) {
  std::vector<DeviceState> rows;
  // Once every worker of the pool was taken, older samples cannot add one.
  if (pending_snapshots_ == 0 || devices_seen_.size() >= pool_workers_) return rows;
  try {
    SQLite::Statement select(
        cache_.db(),
        std::string("SELECT ws.sample_key, w.id, w.name, w.first_seen_at, ws.online, s.scraped_at,"
                    " w.device_id FROM worker_sample ws"
                    " JOIN snapshot s ON s.id = ws.sample_key >> 24"
                    " JOIN worker w ON w.id = ws.sample_key & 16777215"
                    " WHERE ws.sample_key < ? AND ws.sample_key >= ? AND s.pool_id = ?"
                    " AND s.uploaded_at IS NULL") +
            kSnapshotNotSetAside + kWorkerNotSetAside + " ORDER BY ws.sample_key DESC LIMIT ?");
    // Rows of workers already taken are skipped, so read on until the batch is full.
    while (rows.size() < limit) {
      select.bind(1, device_cursor_);
      select.bind(2, min_snapshot_id_ << kSampleKeyShift);
      select.bind(3, pool_id_);
      select.bind(4, static_cast<int64_t>(limit));
      std::size_t read = 0;
      while (select.executeStep()) {
        ++read;
        device_cursor_ = select.getColumn(0).getInt64();
        const int64_t worker_id = select.getColumn(1).getInt64();
        if (!devices_seen_.insert(worker_id).second) continue;
        DeviceState& row = rows.emplace_back(read_device(select, 1));
        row.is_new = row.first_seen_at >= oldest_pending_scraped_at_;
        if (rows.size() == limit || devices_seen_.size() >= pool_workers_) break;
      }
      select.reset();
      if (devices_seen_.size() >= pool_workers_) break;
      if (read < limit && rows.size() < limit) break;  // nothing left below the cursor
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

std::vector<IncomeDay> PendingRows::income_after(const std::string& after_date, std::size_t limit) {
  std::vector<IncomeDay> rows;
  try {
    SQLite::Statement select(cache_.db(),
                             "SELECT date, total_income_sat, revision FROM income_day i"
                             " WHERE pool_id = ? AND date > ? AND uploaded_revision < revision" +
                                 revision_not_set_aside("income_tracking", "i", "date") +
                                 " ORDER BY date LIMIT ?");
    select.bind(1, pool_id_);
    select.bind(2, after_date);
    select.bind(3, static_cast<int64_t>(limit));
    while (select.executeStep()) {
      rows.push_back({select.getColumn(0).getString(), select.getColumn(1).getInt64(),
                      select.getColumn(2).getInt64()});
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

std::vector<AlertState> PendingRows::alerts_after(int64_t after_id, std::size_t limit) {
  std::vector<AlertState> rows;
  try {
    SQLite::Statement select(cache_.db(),
                             "SELECT id, alert_type, subject, severity, message, opened_at,"
                             " resolved_at, revision FROM alert a WHERE pool_id = ? AND id > ?"
                             " AND uploaded_revision < revision" +
                                 revision_not_set_aside("alerts", "a", "id") +
                                 " ORDER BY id LIMIT ?");
    select.bind(1, pool_id_);
    select.bind(2, after_id);
    select.bind(3, static_cast<int64_t>(limit));
    while (select.executeStep()) {
      AlertState& row = rows.emplace_back();
      row.id = select.getColumn(0).getInt64();
      row.alert_type = select.getColumn(1).getString();
      row.subject = select.getColumn(2).getString();
      row.severity = select.getColumn(3).getString();
      row.message = select.getColumn(4).getString();
      row.opened_at = select.getColumn(5).getString();
      row.resolved_at = optional_column<std::string>(select.getColumn(6));
      row.revision = select.getColumn(7).getInt64();
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

void PendingRows::mark_snapshots_uploaded(const std::string& uploaded_at) {
  if (pending_snapshots_ == 0) return;
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(),
                           std::string("UPDATE snapshot AS s SET uploaded_at = ? WHERE pool_id = ?"
                                       " AND uploaded_at IS NULL AND id BETWEEN ? AND ?") +
                               kSnapshotNotSetAside);
    mark.bind(1, uploaded_at);
    mark.bind(2, pool_id_);
    mark.bind(3, min_snapshot_id_);
    mark.bind(4, max_snapshot_id_);
    mark.exec();
  });
}

// The revision that was sent, not the current one: a change kzscrape made
// after the batch was read stays pending.
void PendingRows::mark_income_uploaded(const std::vector<IncomeDay>& days) {
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(),
                           "UPDATE income_day SET uploaded_revision = ?1 WHERE pool_id = ?2"
                           " AND date = ?3 AND uploaded_revision < ?1");
    for (const IncomeDay& day : days) {
      mark.bind(1, day.revision);
      mark.bind(2, pool_id_);
      mark.bind(3, day.date);
      mark.exec();
      mark.reset();
    }
  });
}

void PendingRows::mark_alerts_uploaded(const std::vector<AlertState>& alerts) {
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(),
                           "UPDATE alert SET uploaded_revision = ?1 WHERE id = ?2"
                           " AND uploaded_revision < ?1");
    for (const AlertState& alert : alerts) {
      mark.bind(1, alert.revision);
      mark.bind(2, alert.id);
      mark.exec();
      mark.reset();
    }
  });
}

}  // namespace kz
