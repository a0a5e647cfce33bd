#include "report/pool_queries.hpp"

#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "report/window_rows.hpp"
#include "report/worker_stats.hpp"

namespace kz {

namespace {

constexpr double kHsPerGhs = 1e9;

std::optional<double> optional_hs(const SQLite::Column& ghs) {
  if (ghs.isNull()) return std::nullopt;
  return ghs.getDouble() * kHsPerGhs;
}

void read_points(SQLite::Database& db, PoolHistory& history, ReportWindow window) {
  SQLite::Statement select(db,
                           "SELECT scraped_at, hashrate_current_ghs, hashrate_24h_ghs,"
                           " online_workers, offline_workers FROM snapshot"
                           " WHERE pool_id = ? AND scraped_at >= ? AND scraped_at < ?"
                           " ORDER BY scraped_at");
  select.bind(1, history.pool.id);
  select.bind(2, format_utc_ms(window.from));
  select.bind(3, format_utc_ms(window.to));
  while (select.executeStep()) {
    const std::string at = select.getColumn(0).getString();
    auto at_ms = parse_utc_ms(at);
    if (!at_ms)
      throw Error(ExitCode::cache_failed, "the cache holds an unreadable time '" + at + "'");
    HashratePoint point;
    point.at = *at_ms;
    point.hashrate_hs = select.getColumn(1).getDouble() * kHsPerGhs;
    point.hashrate_24h_hs = optional_hs(select.getColumn(2));
    point.workers_online = select.getColumn(3).getInt64();
    point.workers_offline = select.getColumn(4).getInt64();
    history.points.push_back(point);
  }
}

void read_income(SQLite::Database& db, PoolHistory& history, ReportWindow window) {
  const auto dates = window_dates(window);
  if (!dates) return;
  SQLite::Statement select(db,
                           "SELECT date, total_income_sat, hashrate_ghs FROM income_day"
                           " WHERE pool_id = ? AND date >= ? AND date <= ? ORDER BY date");
  select.bind(1, history.pool.id);
  select.bind(2, dates->first);
  select.bind(3, dates->second);
  while (select.executeStep()) {
    history.income.push_back({select.getColumn(0).getString(), select.getColumn(1).getInt64(),
                              optional_hs(select.getColumn(2))});
  }
}

}  // namespace

std::vector<PoolRef> read_pools(SQLite::Database& db) {
  SQLite::Statement select(db,
                           "SELECT id, coalesce(account_name, observer_url) AS account, source,"
                           " observer_url FROM pool ORDER BY account, id");
  std::vector<PoolRef> pools;
  while (select.executeStep()) {
    pools.push_back({select.getColumn(0).getInt64(), select.getColumn(1).getString(),
                     select.getColumn(2).getString(), select.getColumn(3).getString()});
  }
  return pools;
}

PoolHistory read_pool_history(SQLite::Database& db, const PoolRef& pool, ReportWindow window) {
  PoolHistory history;
  history.pool = pool;
  read_points(db, history, window);
  history.alerts = read_alert_periods(db, pool.id, window);
  read_income(db, history, window);
  history.payments = read_payment_rows(db, pool.id, window);
  history.workers = read_worker_stats(db, pool.id, window);
  return history;
}

std::vector<AlertPeriod> read_alert_periods(SQLite::Database& db, int64_t pool_id,
                                            ReportWindow window) {
  SQLite::Statement select(db,
                           "SELECT alert_type, subject, severity, message, opened_at,"
                           " last_seen_at, resolved_at FROM alert WHERE pool_id = ?"
                           " AND opened_at < ? AND (resolved_at IS NULL OR resolved_at > ?)"
                           " ORDER BY opened_at, id");
  select.bind(1, pool_id);
  select.bind(2, format_utc(window.to));
  select.bind(3, format_utc(window.from));
  std::vector<AlertPeriod> alerts;
  while (select.executeStep()) {
    AlertPeriod alert;
    alert.type = select.getColumn(0).getString();
    alert.subject = select.getColumn(1).getString();
    alert.severity = select.getColumn(2).getString();
    alert.message = select.getColumn(3).getString();
    alert.opened_at = read_cache_time(select.getColumn(4).getString());
    alert.last_seen_at = read_cache_time(select.getColumn(5).getString());
    if (!select.getColumn(6).isNull())
      alert.resolved_at = read_cache_time(select.getColumn(6).getString());
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

std::vector<PaymentRow> read_payment_rows(SQLite::Database& db, int64_t pool_id,
                                          ReportWindow window) {
  SQLite::Statement select(db,
                           "SELECT payment_id, created_at, amount_sat, address, tx FROM payment"
                           " WHERE pool_id = ? AND created_at >= ? AND created_at < ?"
                           " ORDER BY created_at, payment_id");
  select.bind(1, pool_id);
  select.bind(2, format_utc(window.from));
  select.bind(3, format_utc(window.to));
  std::vector<PaymentRow> payments;
  while (select.executeStep()) {
    PaymentRow payment;
    payment.payment_id = select.getColumn(0).getString();
    payment.paid_at = read_cache_time(select.getColumn(1).getString());
    payment.amount_sat = select.getColumn(2).getInt64();
    payment.address = select.getColumn(3).getString();
    payment.tx = select.getColumn(4).getString();
    payments.push_back(std::move(payment));
  }
  return payments;
}

std::optional<std::pair<std::string, std::string>> window_dates(ReportWindow window) {
  if (window.to <= window.from) return std::nullopt;
  return std::pair(format_utc(window.from).substr(0, 10),
                   format_utc(window.to - std::chrono::seconds{1}).substr(0, 10));
}

TimePoint read_cache_time(const std::string& text) {
  auto t = parse_utc(text);
  if (!t) throw Error(ExitCode::cache_failed, "the cache holds an unreadable time '" + text + "'");
  return *t;
}

}  // namespace kz
