#include "report/fleet_uploads.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <string>
#include <unordered_set>

namespace kz {
namespace {

// worker_sample.sample_key = snapshot_id << 24 | worker_id (cache_schema.cpp).
constexpr int kSampleKeyShift = 24;

constexpr const char* kTables[] = {"hashrates", "income_tracking", "devices",
                                   "alerts",    "payments",        "api_call_logs"};

// A row is pending while Supabase has not confirmed it (uploaded_at NULL, uploaded_revision <
// revision) and it is not set aside (upload_rejected: snapshots, devices and calls for good,
// revisioned rows at the refused revision).
constexpr const char* kPendingSnapshotsSql =
    "SELECT s.pool_id, s.id FROM snapshot s WHERE s.uploaded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = s.pool_id"
    " AND r.table_name = 'hashrates' AND r.item_key = CAST(s.id AS TEXT)) ORDER BY s.id DESC";

std::string revision_not_set_aside(const char* table, const char* row, const char* key) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = ") + row +
         ".pool_id AND r.table_name = '" + table + "' AND r.item_key = CAST(" + row + "." + key +
         " AS TEXT) AND r.revision = " + row + ".revision)";
}

// Pool id -> count, each query grouped by pool.
std::map<std::string, std::string> grouped_pending_sql() {
  return {
      {"income_tracking",
       "SELECT i.pool_id, count(*) FROM income_day i WHERE i.uploaded_revision < i.revision" +
           revision_not_set_aside("income_tracking", "i", "date") + " GROUP BY i.pool_id"},
      {"alerts", "SELECT a.pool_id, count(*) FROM alert a WHERE a.uploaded_revision < a.revision" +
                     revision_not_set_aside("alerts", "a", "id") + " GROUP BY a.pool_id"},
      {"payments",
       "SELECT y.pool_id, count(*) FROM payment y WHERE y.uploaded_revision < y.revision" +
           revision_not_set_aside("payments", "y", "payment_id") + " GROUP BY y.pool_id"},
      // The calls signed by the pool's account, finished or not (a call still running is sent
      // by a later run).
      {"api_call_logs",
       "SELECT p.id, count(*) FROM api_call c JOIN pool p ON p.account_name = c.account_name"
       " WHERE c.uploaded_at IS NULL"
       " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = p.id"
       " AND r.table_name = 'api_call_logs' AND r.item_key = CAST(c.id AS TEXT)) GROUP BY p.id"},
  };
}

// Set-aside records that still hold their row back: a revisioned row's record only while the
// row is at the refused revision (a newer revision is pending again).
constexpr const char* kRejectedSql =
    "SELECT r.pool_id, r.table_name, count(*) FROM upload_rejected r WHERE CASE r.table_name"
    " WHEN 'income_tracking' THEN EXISTS (SELECT 1 FROM income_day i WHERE i.pool_id = r.pool_id"
    "   AND i.date = r.item_key AND i.revision = r.revision)"
    " WHEN 'alerts' THEN EXISTS (SELECT 1 FROM alert a WHERE a.pool_id = r.pool_id"
    "   AND a.id = CAST(r.item_key AS INTEGER) AND CAST(a.id AS TEXT) = r.item_key"
    "   AND a.revision = r.revision)"
    " WHEN 'payments' THEN EXISTS (SELECT 1 FROM payment y WHERE y.pool_id = r.pool_id"
    "   AND y.payment_id = r.item_key AND y.revision = r.revision)"
    " ELSE 1 END GROUP BY r.pool_id, r.table_name";

// Devices (resent_devices.cpp, devices_of_pending_snapshots): every worker sampled in a pending
// snapshot (`pending`, newest first), and every worker --retry-rejected made pending again
// (device_resend) that has a sample, each once, unless its device is set aside. A worker's newest
// sample (worker.last_sample_key, kept by kzscrape) settles most workers at once; only one whose
// newest sample is in a snapshot already sent is looked up in the older pending snapshots.
// Pruning removes every sample older than a cutoff, so a worker whose newest sample is gone has
// none.
int64_t pending_devices(SQLite::Database& db, int64_t pool_id,
                        const std::vector<int64_t>& pending) {
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

}  // namespace

void read_upload_counts(SQLite::Database& db, std::vector<PoolStatus>& fleet) {
  std::map<int64_t, PoolStatus*> by_id;
  for (PoolStatus& status : fleet) {
    by_id[status.pool.id] = &status;
    for (const char* table : kTables) {
      status.upload_pending[table] = 0;
      status.upload_rejected[table] = 0;
    }
  }
  const auto pool = [&](int64_t id) {
    const auto found = by_id.find(id);
    return found == by_id.end() ? nullptr : found->second;  // foreign keys: never null
  };
  std::map<int64_t, std::vector<int64_t>> pending_snapshots;
  SQLite::Statement snapshots(db, kPendingSnapshotsSql);
  while (snapshots.executeStep()) {
    pending_snapshots[snapshots.getColumn(0).getInt64()].push_back(
        snapshots.getColumn(1).getInt64());
  }
  for (PoolStatus& status : fleet) {
    const std::vector<int64_t>& pending = pending_snapshots[status.pool.id];
    status.upload_pending["hashrates"] = static_cast<int64_t>(pending.size());
    status.upload_pending["devices"] = pending_devices(db, status.pool.id, pending);
  }
  for (const auto& [table, sql] : grouped_pending_sql()) {
    SQLite::Statement counts(db, sql);
    while (counts.executeStep()) {
      if (PoolStatus* status = pool(counts.getColumn(0).getInt64())) {
        status->upload_pending[table] = counts.getColumn(1).getInt64();
      }
    }
  }
  SQLite::Statement rejected(db, kRejectedSql);
  while (rejected.executeStep()) {
    if (PoolStatus* status = pool(rejected.getColumn(0).getInt64())) {
      status->upload_rejected[rejected.getColumn(1).getString()] = rejected.getColumn(2).getInt64();
    }
  }
}

}  // namespace kz
