#include "report/csv_export.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/decimal_text.hpp"
#include "common/error.hpp"
#include "common/units.hpp"
#include "report/csv_writer.hpp"
#include "report/pool_queries.hpp"
#include "report/window_rows.hpp"
#include "report/worker_stats.hpp"

namespace kz {

namespace {

using Fields = std::vector<std::optional<std::string>>;

// TH/s with 3 decimals, as the v_* views round them: whole GH/s, which the cache stores exactly.
std::string ths_from_ghs(double ghs) {
  if (!std::isfinite(ghs) || std::fabs(ghs) > 9e15) {
    throw Error(ExitCode::cache_failed, "the cache holds an impossible hashrate");
  }
  return format_fixed_point(std::llround(ghs), 3);
}

std::optional<std::string> optional_btc(const SQLite::Column& sat) {
  if (sat.isNull()) return std::nullopt;
  return format_btc(sat.getInt64());
}

// online / samples as a percent with 2 decimals, rounded half up, in integers.
std::string uptime_percent(int64_t online, int64_t samples) {
  return format_fixed_point((online * 20'000 / samples + 1) / 2, 2);
}

void income_rows(SQLite::Database& db, const PoolRef& pool, ReportWindow window, CsvWriter& out) {
  const auto dates = window_dates(window);
  if (!dates) return;
  SQLite::Statement select(db,
                           "SELECT date, total_income_sat, pps_sat, pplns_sat, fpps_sat,"
                           " hashrate_ghs FROM income_day WHERE pool_id = ? AND date >= ?"
                           " AND date <= ? ORDER BY date");
  select.bind(1, pool.id);
  select.bind(2, dates->first);
  select.bind(3, dates->second);
  while (select.executeStep()) {
    const SQLite::Column hashrate = select.getColumn(5);
    out.line(
        {pool.account, pool.source, select.getColumn(0).getString(),
         optional_btc(select.getColumn(1)), optional_btc(select.getColumn(2)),
         optional_btc(select.getColumn(3)), optional_btc(select.getColumn(4)),
         hashrate.isNull() ? std::nullopt : std::optional(ths_from_ghs(hashrate.getDouble()))});
  }
}

void payment_rows(SQLite::Database& db, const PoolRef& pool, ReportWindow window, CsvWriter& out) {
  for (const PoolPayment& p : read_payment_rows(db, pool.id, window)) {
    out.line({pool.account, pool.source, format_utc(p.paid_at), format_btc(p.amount_sat), p.address,
              p.tx, p.payment_id});
  }
}

void worker_rows(SQLite::Database& db, const PoolRef& pool, ReportWindow window, CsvWriter& out) {
  std::vector<WorkerStat> workers = read_worker_stats(db, pool.id, window);
  std::sort(workers.begin(), workers.end(),
            [](const WorkerStat& a, const WorkerStat& b) { return a.name < b.name; });
  for (const WorkerStat& w : workers) {
    // uptime is online/samples: this gives the count back exactly.
    const int64_t online = std::llround(w.uptime * static_cast<double>(w.samples));
    out.line({pool.account, pool.source, w.name, std::to_string(w.samples),
              uptime_percent(online, w.samples), ths_from_ghs(w.avg_hashrate_hs / 1e9),
              w.last_online_at ? std::optional(format_utc(*w.last_online_at)) : std::nullopt});
  }
}

void alert_rows(SQLite::Database& db, const PoolRef& pool, ReportWindow window, CsvWriter& out) {
  for (const AlertPeriod& a : read_alert_periods(db, pool.id, window)) {
    std::optional<std::string> resolved, duration;
    if (a.resolved_at) {
      resolved = format_utc(*a.resolved_at);
      duration = std::to_string((*a.resolved_at - a.opened_at).count());
    }
    out.line({pool.account, pool.source, a.type, a.subject, a.severity, format_utc(a.opened_at),
              format_utc(a.last_seen_at), resolved, duration, a.message});
  }
}

}  // namespace

std::optional<CsvTable> parse_csv_table(std::string_view name) {
  if (name == "income") return CsvTable::income;
  if (name == "payments") return CsvTable::payments;
  if (name == "workers") return CsvTable::workers;
  if (name == "alerts") return CsvTable::alerts;
  return std::nullopt;
}

std::string export_csv(SQLite::Database& db, CsvTable table, ReportWindow window) {
  CsvWriter out;
  using Rows = void (*)(SQLite::Database&, const PoolRef&, ReportWindow, CsvWriter&);
  Rows rows = nullptr;
  switch (table) {
    case CsvTable::income:
      out.line({"account", "source", "date", "income_btc", "pps_btc", "pplns_btc", "fpps_btc",
                "hashrate_ths"});
      rows = income_rows;
      break;
    case CsvTable::payments:
      out.line({"account", "source", "paid_at", "amount_btc", "address", "tx", "payment_id"});
      rows = payment_rows;
      break;
    case CsvTable::workers:
      out.line({"account", "source", "worker", "samples", "uptime_percent", "avg_hashrate_ths",
                "last_online_at"});
      rows = worker_rows;
      break;
    case CsvTable::alerts:
      out.line({"account", "source", "alert_type", "subject", "severity", "opened_at",
                "last_seen_at", "resolved_at", "duration_s", "message"});
      rows = alert_rows;
      break;
  }
  for (const PoolRef& pool : read_pools(db)) rows(db, pool, window, out);
  return out.take();
}

}  // namespace kz
