#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>

#include "report/report_model.hpp"

namespace kz {

// The tables and their columns. Rows go by account, then date or time (workers by name);
// account is pool.account_name, or the redacted observer URL of a pool without one.
enum class CsvTable {
  // The income days whose UTC date the window touches (pps/pplns/fpps: the API's split).
  income,  // account,source,date,income_btc,pps_btc,pplns_btc,fpps_btc,hashrate_ths
  // Payments with paid_at in the window.
  payments,  // account,source,paid_at,amount_btc,address,tx,payment_id
  // Worker statistics over the window (report_model.hpp's WorkerStat, worker_stats.cpp).
  workers,  // account,source,worker,samples,uptime_percent,avg_hashrate_ths,last_online_at
  // Alerts open during the window; resolved_at and duration_s (resolved - opened) are empty for
  // an alert still open.
  alerts,  // account,source,alert_type,subject,severity,opened_at,last_seen_at,resolved_at,
           // duration_s,message
};

// "income", "payments", "workers", "alerts"; nullopt otherwise.
std::optional<CsvTable> parse_csv_table(std::string_view name);

// RFC 4180 CSV (CRLF line ends, a header line, fields quoted when they hold a comma, quote, CR
// or LF, quotes doubled) of `table` over `window` = [from, to), every pool. Amounts are exact BTC
// decimals from satoshis ("0.00012345", "-0.00000500"), times UTC ISO-8601
// ("2026-11-22T10:40:00Z"), hashrates TH/s with 3 decimals as the v_* views round them, uptime a
// percent with 2 decimals; a NULL is an empty field. Only the header line for a window without
// rows. Throws SQLite::Exception, kz::Error(cache_failed) for a value the cache should not hold.
std::string export_csv(SQLite::Database& db, CsvTable table, ReportWindow window);

}  // namespace kz
