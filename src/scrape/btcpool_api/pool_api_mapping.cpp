#include "scrape/btcpool_api/pool_api_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/decimal_text.hpp"

namespace kz {
namespace {

// A member's text: PoolApiClient::call() gives JSON numbers as strings of their exact text.
// An integer in a DOM built otherwise is its decimal digits; a double never reaches a value.
std::string field_text(const nlohmann::json& row, const char* name, const char* method) {
  if (!row.is_object()) throw_unexpected(method, "\"data\" is not an object");
  auto it = row.find(name);
  if (it == row.end() || !(it->is_string() || it->is_number_integer())) {
    throw_unexpected(method, std::string("no \"") + name + "\" value");
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

[[noreturn]] void bad_value(const char* method, const char* name, const std::string& text) {
  throw_unexpected(method, std::string("\"") + name + "\" is '" + text.substr(0, 60) + "'");
}

// A non-negative decimal, exactly as written ("38384000000000000", "3.8384e+16").
DecimalText non_negative(const nlohmann::json& row, const char* name, const char* method) {
  const std::string text = field_text(row, name, method);
  const auto decimal = parse_decimal_text(text);
  if (!decimal || decimal->negative) bad_value(method, name, text);
  return *decimal;
}

// H/s, the nearest double to the decimal value.
double hashrate(const nlohmann::json& row, const char* name, const char* method) {
  const auto hs = decimal_to_double(non_negative(row, name, method));
  if (!hs) bad_value(method, name, field_text(row, name, method));
  return *hs;
}

// BTC to satoshis; digits past the 8th decimal round to the nearest satoshi.
int64_t satoshis(const nlohmann::json& row, const char* name, const char* method) {
  const auto sat =
      decimal_to_integer(non_negative(row, name, method), 8, Rounding::half_away_from_zero);
  if (!sat) bad_value(method, name, field_text(row, name, method));
  return *sat;
}

int64_t count(const nlohmann::json& row, const char* name, const char* method) {
  const auto n = json_count(row.contains(name) ? row[name] : nlohmann::json());
  if (!n) bad_value(method, name, row.contains(name) ? row[name].dump() : "missing");
  return *n;
}

std::optional<double> fraction(const nlohmann::json& row, const char* name, const char* method) {
  if (!row.contains(name) || row[name].is_null()) return std::nullopt;
  return hashrate(row, name, method);
}

bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string iso_date(TimePoint t) {
  return format_utc(std::chrono::floor<std::chrono::days>(t)).substr(0, 10);
}

}  // namespace

void map_summary(const nlohmann::json& data, ObserverPage& page) {
  const char* m = "summary_data";
  page.online_workers = count(data, "active_workers", m);
  page.offline_workers = count(data, "unactive_workers", m);
  page.current_hashrate_hs = hashrate(data, "hashrate_10min", m);
  page.avg_hashrate_24h_hs = hashrate(data, "hashrate_24hour", m);
  page.balance_sat = satoshis(data, "balance", m);
}

WorkerRow map_worker(const nlohmann::json& row) {
  const char* m = "workers";
  WorkerRow worker;
  worker.name = field_text(row, "worker_name", m);
  if (worker.name.empty()) bad_value(m, "worker_name", "");
  const std::string status = field_text(row, "worker_status", m);
  if (status != "0" && status != "1") bad_value(m, "worker_status", status);
  worker.status = status == "1" ? WorkerStatus::online : WorkerStatus::offline;
  worker.hashrate_10m_hs = hashrate(row, "hashrate_10min", m);
  worker.hashrate_1h_hs = hashrate(row, "hashrate_1hour", m);
  worker.hashrate_24h_hs = hashrate(row, "hashrate_24hour", m);
  const int64_t last_active = count(row, "last_active", m);
  if (last_active > 0) worker.last_share_unix = last_active;  // 0: never active
  worker.reject_rate = fraction(row, "reject_rate", m);
  return worker;
}

IncomeRow map_profit_day(const nlohmann::json& row) {
  const char* m = "profit_history";
  IncomeRow day;
  day.date = field_text(row, "date", m).substr(0, 10);  // tolerates a time after the date
  if (!is_iso_date(day.date)) bad_value(m, "date", day.date);
  day.total_income_sat = satoshis(row, "total_profit", m);
  day.pps_sat = satoshis(row, "pps_profit", m);
  day.pplns_sat = satoshis(row, "pplns_profit", m);
  day.hashrate_hs = hashrate(row, "hashrate", m);
  return day;
}

PaymentRow map_payment(const nlohmann::json& row) {
  const char* m = "payment_history";
  PaymentRow payment;
  payment.payment_id = field_text(row, "payment_id", m);
  payment.amount_sat = satoshis(row, "amount", m);
  payment.address = field_text(row, "address", m);
  payment.tx = field_text(row, "tx", m);
  payment.paid_at_unix = count(row, "created_time", m);
  return payment;
}

ObserverPage fetch_api_page(PoolApiClient& client, TimePoint now,
                            std::chrono::minutes pool_utc_offset) {
  ObserverPage page;
  page.locale = "api";
  map_summary(client.call("summary_data"), page);

  std::unordered_set<std::string> names;
  for (const nlohmann::json& row : client.fetch_all("workers", {}, "worker_id")) {
    WorkerRow worker = map_worker(row);
    if (!names.insert(worker.name).second) {  // like the page parser: the first one is kept
      ++page.skipped_rows;
      continue;
    }
    page.workers.push_back(std::move(worker));
  }

  const TimePoint today = now + pool_utc_offset;
  const QueryParams window = {{"from", iso_date(today - std::chrono::days{kApiHistoryDays - 1})},
                              {"to", iso_date(today)}};
  for (const nlohmann::json& row : client.fetch_all("profit_history", window, "date")) {
    page.income.push_back(map_profit_day(row));
  }
  std::sort(page.income.begin(), page.income.end(),
            [](const IncomeRow& a, const IncomeRow& b) { return a.date > b.date; });
  if (!page.income.empty()) page.last_income_sat = page.income.front().total_income_sat;

  for (const nlohmann::json& row : client.fetch_all("payment_history", {}, "payment_id")) {
    page.payments.push_back(map_payment(row));
  }
  return page;
}

}  // namespace kz
