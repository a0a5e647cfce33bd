#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

// What kzreport reads from the cache. Units: hashrates in H/s (the cache keeps GH/s), amounts in
// satoshis, times UTC.
namespace kz {

struct PoolRef {
  int64_t id = 0;
  std::string account;       // pool.account_name, or the (redacted) observer_url when it has none
  std::string source;        // "btcpool" or "antpool"
  std::string observer_url;  // as stored: redacted
};

// The half-open window [from, to) a report covers.
struct ReportWindow {
  TimePoint from;
  TimePoint to;
};

// One pool's state now: what the metrics and the report's fleet summary show.
struct PoolStatus {
  PoolRef pool;
  std::optional<TimePointMs> last_snapshot_at;  // its newest snapshot
  std::optional<double> hashrate_hs;            // of the newest snapshot
  std::optional<double> hashrate_24h_hs;
  int64_t workers_online = 0;
  int64_t workers_offline = 0;
  std::optional<int64_t> balance_sat;
  std::optional<int64_t> last_income_sat;
  std::optional<TimePoint> last_success_at;  // finished_at of its newest run with outcome 'ok'
  int64_t consecutive_failed_runs = 0;       // failed runs since the newest ok one
  struct AlertCount {
    std::string type;      // alert.alert_type
    std::string severity;  // "low", "medium", "high"
    int64_t open = 0;
  };
  // Every type the pool ever had, with each severity: zeros included, so a resolved alert reads
  // 0 rather than vanishing. Ordered by type, then severity.
  std::vector<AlertCount> open_alerts;
  std::map<std::string, int64_t> upload_pending;  // Supabase table -> rows kzupload has to send
  // Supabase table -> rows kzupload set aside (upload_rejected) and still skips: snapshots,
  // devices, calls and pool_stats for good, revisioned rows while at the refused revision.
  std::map<std::string, int64_t> upload_rejected;
  int64_t notify_pending = 0;  // transitions kznotify still has to send (every destination)
};

// One snapshot of a pool, as a point of its charts.
struct HashratePoint {
  TimePointMs at;
  double hashrate_hs = 0;
  std::optional<double> hashrate_24h_hs;
  int64_t workers_online = 0;
  int64_t workers_offline = 0;
};

// An alert that was open during the window (opened before its end, not resolved before its
// start).
struct AlertPeriod {
  std::string type;
  std::string subject;  // the worker's name for worker alerts, else empty
  std::string severity;
  std::string message;
  TimePoint opened_at;
  TimePoint last_seen_at;
  std::optional<TimePoint> resolved_at;  // nullopt: still open
};

struct IncomeDay {
  std::string date;  // "YYYY-MM-DD", the pool's day
  int64_t income_sat = 0;
  std::optional<double> hashrate_hs;
};

struct PaymentRow {
  std::string payment_id;
  TimePoint paid_at;
  int64_t amount_sat = 0;
  std::string address;
  std::string tx;
};

// A worker over the window: the share of the snapshots that tell its state in which it was
// online, and its average 10-minute hashrate over the full lists that listed it (how Antpool's
// offline-only lists count: worker_stats.cpp).
struct WorkerStat {
  std::string name;
  int64_t samples = 0;  // snapshots that tell its state: full lists listing it, offline lists
  double uptime = 0;    // 0..1
  double avg_hashrate_hs = 0;  // 0 when no full list in the window listed it
  std::optional<TimePoint> last_online_at;
};

// One pool over a window: its charts, incidents, income, payments and workers.
struct PoolHistory {
  PoolRef pool;
  std::vector<HashratePoint> points;  // oldest first
  std::vector<AlertPeriod> alerts;    // by opened_at
  std::vector<IncomeDay> income;      // by date
  std::vector<PaymentRow> payments;   // by paid_at
  std::vector<WorkerStat> workers;    // worst first: lowest uptime, then lowest hashrate, name
};

}  // namespace kz
