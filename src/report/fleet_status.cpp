#include "report/fleet_status.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "report/fleet_uploads.hpp"

namespace kz {
namespace {

constexpr double kHsPerGhs = 1e9;
// Deliveries kznotify still has to make (notify_delivery_pending covers them), by pool.
constexpr const char* kNotifyPendingSql =
    "SELECT a.pool_id, count(*) FROM notify_delivery d JOIN alert_event e ON e.id = d.event_id"
    " JOIN alert a ON a.id = e.alert_id WHERE d.state = 'pending' GROUP BY a.pool_id";

template <typename T>
std::optional<T> optional_column(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  if constexpr (std::is_same_v<T, double>) {
    return column.getDouble();
  } else {
    return column.getInt64();
  }
}

// Each pool's newest snapshot (the highest id, as v_latest_summary has it), in one query.
void read_newest_snapshots(SQLite::Database& db, const std::map<int64_t, PoolStatus*>& by_id) {
  SQLite::Statement select(
      db,
      "SELECT pool_id, scraped_at, hashrate_current_ghs, hashrate_24h_ghs, online_workers,"
      " offline_workers, balance_sat, last_income_sat FROM snapshot"
      " WHERE id IN (SELECT max(id) FROM snapshot GROUP BY pool_id)");
  while (select.executeStep()) {
    const auto found = by_id.find(select.getColumn(0).getInt64());
    if (found == by_id.end()) continue;  // foreign keys: never
    PoolStatus& status = *found->second;
    const std::string scraped_at = select.getColumn(1).getString();
    status.last_snapshot_at = parse_utc_ms(scraped_at);
    if (!status.last_snapshot_at) {
      throw Error(ExitCode::cache_failed, "pool " + status.pool.account +
                                              ": its newest snapshot's time is not a UTC time: '" +
                                              scraped_at + "'");
    }
    status.hashrate_hs = select.getColumn(2).getDouble() * kHsPerGhs;
    if (const auto day = optional_column<double>(select.getColumn(3))) {
      status.hashrate_24h_hs = *day * kHsPerGhs;
    }
    status.workers_online = select.getColumn(4).getInt64();
    status.workers_offline = select.getColumn(5).getInt64();
    status.balance_sat = optional_column<int64_t>(select.getColumn(6));
    status.last_income_sat = optional_column<int64_t>(select.getColumn(7));
  }
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
void read_alerts(SQLite::Database& db, const std::map<int64_t, PoolStatus*>& by_id) {
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
  std::map<int64_t, PoolStatus*> by_id;
  for (PoolStatus& status : fleet) by_id[status.pool.id] = &status;
  read_newest_snapshots(db, by_id);
  for (PoolStatus& status : fleet) read_runs(db, status);
  read_alerts(db, by_id);
  read_upload_counts(db, fleet);
  SQLite::Statement notify(db, kNotifyPendingSql);
  while (notify.executeStep()) {
    const auto found = by_id.find(notify.getColumn(0).getInt64());
    if (found != by_id.end()) found->second->notify_pending = notify.getColumn(1).getInt64();
  }
  return fleet;
}

}  // namespace kz
