#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>

#include "report/report_model.hpp"

namespace kz {

enum class CsvTable {
  income,    // account,source,date,income_btc,pps_btc,pplns_btc,fpps_btc,hashrate_ths
  payments,  // account,source,paid_at,amount_btc,address,tx,payment_id
  workers,   // account,source,worker,samples,uptime_percent,avg_hashrate_ths,last_online_at
  alerts,    // account,source,alert_type,subject,severity,opened_at,resolved_at,duration_s,message
};

// "income", "payments", "workers", "alerts"; nullopt otherwise.
std::optional<CsvTable> parse_csv_table(std::string_view name);

// RFC 4180 CSV (CRLF line ends, a header line, fields quoted when they hold a comma, quote, CR
// or LF, quotes doubled) of `table` over `window`, every pool. Amounts are exact BTC decimals
// from satoshis ("0.00012345"), times UTC ISO-8601 ("2026-11-22T10:40:00Z"). Throws
// SQLite::Exception.
std::string export_csv(SQLite::Database& db, CsvTable table, ReportWindow window);

}  // namespace kz
