#include "report/fleet_status.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <string>
#include <type_traits>
#include <unordered_set>

#include "common/error.hpp"

namespace kz {
namespace {

constexpr double kHsPerGhs = 1e9;
// worker_sample.sample_key = snapshot_id << 24 | worker_id (cache_schema.cpp).
constexpr int kSampleKeyShift = 24;

// The Supabase tables kzupload writes per pool, as upload_rejected.table_name names them.
// accounts is sent whole on every run that has anything else to send, so it is never pending;
// pool_stats belongs to no pool (see pending_pool_stats.hpp).
constexpr const char* kPoolTables[] = {"hashrates", "income_tracking", "devices",
                                       "alerts",    "payments",        "api_call_logs"};

// The pending rules of src/upload (pending_rows.cpp, pending_payments.cpp, pending_api_calls.cpp,
// resent_devices.cpp) as counts: a row is pending while Supabase has not confirmed it
// (uploaded_at NULL, uploaded_revision < revision) and it is not set aside (upload_rejected:
// snapshots, devices and calls for good, revisioned rows at the refused revision). ?1: pool id.
constexpr const char* kSnapshotNotSetAside =
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = s.pool_id"
    " AND r.table_name = 'hashrates' AND r.item_key = CAST(s.id AS TEXT))";

std::string revision_not_set_aside(const char* table, const char* row, const char* key) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = ") + row +
         ".pool_id AND r.table_name = '" + table + "' AND r.item_key = CAST(" + row + "." + key +
         " AS TEXT) AND r.revision = " + row + ".revision)";
}

std::string pending_sql(const std::string& table) {
  if (table == "hashrates") {
    return std::string(
               "SELECT count(*) FROM snapshot s WHERE s.pool_id = ?1"
               " AND s.uploaded_at IS NULL") +
           kSnapshotNotSetAside;
  }
  if (table == "income_tracking") {
    return "SELECT count(*) FROM income_day i WHERE i.pool_id = ?1"
           " AND i.uploaded_revision < i.revision" +
           revision_not_set_aside("income_tracking", "i", "date");
  }
  return "SELECT count(*) FROM payment y WHERE y.pool_id = ?1 AND y.uploaded_revision < "
         "y.revision" +
         revision_not_set_aside("payments", "y", "payment_id");
}

// The tables without an index by pool, read once for the whole fleet: pool id -> count.
// Alerts (pending_rows.cpp, alerts_after) and the calls signed by the pool's account
// (pending_api_calls.cpp; finished or not: a call still running is sent by a later run).
std::string fleet_pending_alerts_sql() {
  return "SELECT a.pool_id, count(*) FROM alert a WHERE a.uploaded_revision < a.revision" +
         revision_not_set_aside("alerts", "a", "id") + " GROUP BY a.pool_id";
}
constexpr const char* kFleetPendingCallsSql =
    "SELECT p.id, count(*) FROM api_call c JOIN pool p ON p.account_name = c.account_name"
    " WHERE c.uploaded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = p.id"
    " AND r.table_name = 'api_call_logs' AND r.item_key = CAST(c.id AS TEXT)) GROUP BY p.id";
// Deliveries kznotify still has to make (notify_delivery_pending covers them).
constexpr const char* kFleetNotifyPendingSql =
    "SELECT a.pool_id, count(*) FROM notify_delivery d JOIN alert_event e ON e.id = d.event_id"
    " JOIN alert a ON a.id = e.alert_id WHERE d.state = 'pending' GROUP BY a.pool_id";

std::map<int64_t, int64_t> counts_by_pool(SQLite::Database& db, const std::string& sql) {
  std::map<int64_t, int64_t> counts;
  SQLite::Statement select(db, sql);
  while (select.executeStep()) {
    counts[select.getColumn(0).getInt64()] = select.getColumn(1).getInt64();
  }
  return counts;
}

// Set-aside records that still hold their row back: a revisioned row's record only while the
// row is at the refused revision (a newer revision is pending again).
constexpr const char* kRejectedSql =
    "SELECT r.table_name, count(*) FROM upload_rejected r WHERE r.pool_id = ?1 AND CASE"
    " r.table_name"
    " WHEN 'income_tracking' THEN EXISTS (SELECT 1 FROM income_day i WHERE i.pool_id = r.pool_id"
    "   AND i.date = r.item_key AND i.revision = r.revision)"
    " WHEN 'alerts' THEN EXISTS (SELECT 1 FROM alert a WHERE a.pool_id = r.pool_id"
    "   AND a.id = CAST(r.item_key AS INTEGER) AND CAST(a.id AS TEXT) = r.item_key"
    "   AND a.revision = r.revision)"
    " WHEN 'payments' THEN EXISTS (SELECT 1 FROM payment y WHERE y.pool_id = r.pool_id"
    "   AND y.payment_id = r.item_key AND y.revision = r.revision)"
    " ELSE 1 END GROUP BY r.table_name";

int64_t count_of(SQLite::Database& db, const std::string& sql, int64_t pool_id) {
  SQLite::Statement count(db, sql);
  count.bind(1, pool_id);
  count.executeStep();
  return count.getColumn(0).getInt64();
}

template <typename T>
std::optional<T> optional_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  if constexpr (std::is_same_v<T, double>) {
    return column.getDouble();
  } else {
    return column.getInt64();
  }
}

void read_newest_snapshot(SQLite::Database& db, PoolStatus& status) {
  SQLite::Statement select(
      db,
      "SELECT scraped_at, hashrate_current_ghs, hashrate_24h_ghs, online_workers, offline_workers,"
      " balance_sat, last_income_sat FROM snapshot WHERE pool_id = ? ORDER BY id DESC LIMIT 1");
  select.bind(1, status.pool.id);
  if (!select.executeStep()) return;
  const std::string scraped_at = select.getColumn(0).getString();
  status.last_snapshot_at = parse_utc_ms(scraped_at);
  if (!status.last_snapshot_at) {
    throw Error(ExitCode::cache_failed, "pool " + status.pool.account +
                                            ": its newest snapshot's time is not a UTC time: '" +
                                            scraped_at + "'");
  }
  status.hashrate_hs = select.getColumn(1).getDouble() * kHsPerGhs;
  if (const auto day = optional_column<double>(select.getColumn(2))) {
    status.hashrate_24h_hs = *day * kHsPerGhs;
  }
  status.workers_online = select.getColumn(3).getInt64();
  status.workers_offline = select.getColumn(4).getInt64();
  status.balance_sat = optional_column<int64_t>(select.getColumn(5));
  status.last_income_sat = optional_column<int64_t>(select.getColumn(6));
}

void read_runs(SQLite::Database& db, PoolStatus& status) {
  SQLite::Statement ok(db,
                       "SELECT id, finished_at FROM scrape_run WHERE pool_id = ? AND outcome = 'ok'"
                       " ORDER BY id DESC LIMIT 1");
  ok.bind(1, status.pool.id);
  int64_t ok_id = 0;
  if (ok.executeStep()) {
    ok_id = ok.getColumn(0).getInt64();
    const std::string finished_at = ok.getColumn(1).getString();
    status.last_success_at = parse_utc(finished_at);
    if (!status.last_success_at) {
      throw Error(ExitCode::cache_failed, "pool " + status.pool.account +
                                              ": its newest ok run's end is not a UTC time: '" +
                                              finished_at + "'");
    }
  }
  SQLite::Statement failed(db,
                           "SELECT count(*) FROM scrape_run WHERE pool_id = ? AND id > ?"
                           " AND outcome = 'failed'");
  failed.bind(1, status.pool.id);
  failed.bind(2, ok_id);
  failed.executeStep();
  status.consecutive_failed_runs = failed.getColumn(0).getInt64();
}

// Every type each pool ever had, with its open alerts per severity, in one pass over alert.
void read_alerts(SQLite::Database& db, std::vector<PoolStatus>& fleet) {
  std::map<int64_t, PoolStatus*> by_id;
  for (PoolStatus& status : fleet) by_id[status.pool.id] = &status;
  SQLite::Statement select(
      db,
      "SELECT pool_id, alert_type, sum(severity = 'low' AND resolved_at IS NULL),"
      " sum(severity = 'medium' AND resolved_at IS NULL),"
      " sum(severity = 'high' AND resolved_at IS NULL)"
      " FROM alert GROUP BY pool_id, alert_type ORDER BY pool_id, alert_type");
  while (select.executeStep()) {
    const auto pool = by_id.find(select.getColumn(0).getInt64());
    if (pool == by_id.end()) continue;  // foreign keys make every alert's pool exist
    const std::string type = select.getColumn(1).getString();
    int column = 2;
    for (const char* severity : {"low", "medium", "high"}) {
      pool->second->open_alerts.push_back({type, severity, select.getColumn(column++).getInt64()});
    }
  }
}

// Devices (resent_devices.cpp, devices_of_pending_snapshots): every worker sampled in a pending
// snapshot, and every worker --retry-rejected made pending again (device_resend) that has a
// sample, each once, unless its device is set aside. A worker's newest sample
// (worker.last_sample_key, kept by kzscrape) settles most workers at once; only one whose newest
// sample is in a snapshot already sent is looked up in the older pending snapshots. Pruning
// removes every sample older than a cutoff, so a worker whose newest sample is gone has none.
int64_t pending_devices(SQLite::Database& db, int64_t pool_id) {
  std::vector<int64_t> pending;  // newest first
  SQLite::Statement snapshots(db, std::string("SELECT s.id FROM snapshot s WHERE s.pool_id = ?"
                                              " AND s.uploaded_at IS NULL") +
                                      kSnapshotNotSetAside + " ORDER BY s.id DESC");
  snapshots.bind(1, pool_id);
  while (snapshots.executeStep()) pending.push_back(snapshots.getColumn(0).getInt64());
  const std::unordered_set<int64_t> is_pending(pending.begin(), pending.end());

  SQLite::Statement workers(
      db,
      "SELECT w.id, w.last_sample_key, w.device_resend FROM worker w WHERE w.pool_id = ?"
      " AND w.last_sample_key IS NOT NULL"
      " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = w.pool_id"
      " AND r.table_name = 'devices' AND r.item_key = CAST(w.id AS TEXT))");
  SQLite::Statement sample(db, "SELECT 1 FROM worker_sample WHERE sample_key = ?");
  const auto sampled = [&](int64_t key) {
    sample.bind(1, key);
    const bool found = sample.executeStep();
    sample.reset();
    return found;
  };
  workers.bind(1, pool_id);
  int64_t count = 0;
  while (workers.executeStep()) {
    const int64_t worker = workers.getColumn(0).getInt64();
    const int64_t newest = workers.getColumn(1).getInt64();
    if (!sampled(newest)) continue;
    const int64_t newest_snapshot = newest >> kSampleKeyShift;
    bool found = workers.getColumn(2).getInt() == 1 || is_pending.count(newest_snapshot) > 0;
    for (auto id = pending.begin(); !found && id != pending.end(); ++id) {
      found = *id < newest_snapshot && sampled(*id << kSampleKeyShift | worker);
    }
    count += found;
  }
  return count;
}

void read_uploads(SQLite::Database& db, PoolStatus& status) {
  for (const char* table : kPoolTables) {
    const std::string name = table;
    if (name == "devices") {
      status.upload_pending[name] = pending_devices(db, status.pool.id);
    } else if (name != "alerts" && name != "api_call_logs") {  // read for the fleet at once
      status.upload_pending[name] = count_of(db, pending_sql(name), status.pool.id);
    }
    status.upload_rejected[table] = 0;
  }
  SQLite::Statement rejected(db, kRejectedSql);
  rejected.bind(1, status.pool.id);
  while (rejected.executeStep()) {
    status.upload_rejected[rejected.getColumn(0).getString()] = rejected.getColumn(1).getInt64();
  }
}

}  // namespace

std::vector<PoolStatus> read_fleet_status(SQLite::Database& db) {
  std::vector<PoolStatus> fleet;
  SQLite::Statement pools(db,
                          "SELECT id, coalesce(account_name, observer_url) AS account, source,"
                          " observer_url FROM pool ORDER BY account, id");
  while (pools.executeStep()) {
    PoolStatus& status = fleet.emplace_back();
    status.pool = {pools.getColumn(0).getInt64(), pools.getColumn(1).getString(),
                   pools.getColumn(2).getString(), pools.getColumn(3).getString()};
  }
  for (PoolStatus& status : fleet) {
    read_newest_snapshot(db, status);
    read_runs(db, status);
    read_uploads(db, status);
  }
  read_alerts(db, fleet);
  const auto alerts = counts_by_pool(db, fleet_pending_alerts_sql());
  const auto calls = counts_by_pool(db, kFleetPendingCallsSql);
  const auto notify = counts_by_pool(db, kFleetNotifyPendingSql);
  const auto of = [](const std::map<int64_t, int64_t>& counts, int64_t pool) {
    const auto found = counts.find(pool);
    return found == counts.end() ? int64_t{0} : found->second;
  };
  for (PoolStatus& status : fleet) {
    status.upload_pending["alerts"] = of(alerts, status.pool.id);
    status.upload_pending["api_call_logs"] = of(calls, status.pool.id);
    status.notify_pending = of(notify, status.pool.id);
  }
  return fleet;
}

}  // namespace kz
