#include "upload/row_mapping.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/units.hpp"

namespace kz {
namespace {

std::string quoted(std::string_view text) {
  // Invalid UTF-8 (never expected from the page) becomes U+FFFD instead of an exception.
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void JsonObject::key(std::string_view key) {
  if (text_.size() > 1) text_ += ',';
  text_ += quoted(key);
  text_ += ':';
}

JsonObject& JsonObject::string(std::string_view key, std::string_view value) {
  this->key(key);
  text_ += quoted(value);
  return *this;
}

JsonObject& JsonObject::string_or_null(std::string_view key,
                                       const std::optional<std::string>& value) {
  return value ? string(key, *value) : null(key);
}

JsonObject& JsonObject::integer(std::string_view key, std::optional<int64_t> value) {
  if (!value) return null(key);
  this->key(key);
  text_ += std::to_string(*value);
  return *this;
}

JsonObject& JsonObject::btc(std::string_view key, std::optional<int64_t> sat) {
  if (!sat) return null(key);
  this->key(key);
  text_ += format_btc(*sat);
  return *this;
}

JsonObject& JsonObject::number(std::string_view key, std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return null(key);
  this->key(key);
  char digits[32];
  const auto result = std::to_chars(digits, digits + sizeof digits, *value);
  text_.append(digits, result.ptr);
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view key, bool value) {
  this->key(key);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::null(std::string_view key) {
  this->key(key);
  text_ += "null";
  return *this;
}

void Batch::add(const std::string& conflict_key, std::string row) {
  auto [it, inserted] = index_.try_emplace(conflict_key, rows_.size());
  if (inserted) {
    rows_.push_back(std::move(row));
    keys_.push_back(conflict_key);
  } else {
    rows_[it->second] = std::move(row);
    ++replaced_;
  }
}

void Batch::add_all(const Batch& other) {
  for (std::size_t i = 0; i < other.rows_.size(); ++i) add(other.keys_[i], other.rows_[i]);
}

std::string Batch::body() const {
  std::size_t length = 2;
  for (const std::string& row : rows_) length += row.size() + 1;
  std::string body;
  body.reserve(length);
  body += '[';
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (i > 0) body += ',';
    body += rows_[i];
  }
  body += ']';
  return body;
}

std::string device_id(std::string_view account, std::string_view worker, PoolSource source) {
  std::string id = device_id_prefix(source);
  id.append(account);
  id += '_';
  id.append(worker);
  for (char& c : id) {
    if (c == ' ') c = '_';
  }
  return id;
}

std::string us_date(std::string_view iso_date) {
  const bool iso = iso_date.size() == 10 && iso_date[4] == '-' && iso_date[7] == '-';
  if (!iso) return std::string(iso_date);
  std::string out;
  out.append(iso_date.substr(5, 2)).append("/");
  out.append(iso_date.substr(8, 2)).append("/");
  out.append(iso_date.substr(0, 4));
  return out;
}

int64_t round_ths(double ths) {
  // 2^63 is exact as a double; llround beyond it (or of NaN) is undefined.
  constexpr double kLimit = 9223372036854775808.0;
  const double rounded = std::round(ths);
  if (!(std::abs(rounded) < kLimit)) {
    throw Error(ExitCode::internal, "a hashrate of " + std::to_string(ths) +
                                        " TH/s has no integer form (unrepresentable() "
                                        "should have set its row aside)");
  }
  return static_cast<int64_t>(rounded);
}

std::string alert_key(std::string_view account, const AlertState& alert) {
  std::string key(account);
  key.append("|").append(alert.alert_type).append("|").append(alert.subject);
  key.append("|").append(alert.opened_at);
  return key;
}

std::string account_row(const AccountLabels& labels, const std::optional<SnapshotRow>& newest,
                        PoolSource source) {
  JsonObject row;
  row.string("account_name", labels.account)
      .string("coin_type", "BTC")
      .boolean("is_active", true)
      .string("account_type", account_type(source));
  if (labels.company) row.string("company", *labels.company);
  if (labels.site) row.string("site", *labels.site);
  if (labels.client) row.string("group_name", *labels.client);
  // A figure the page did not show leaves the stored one as it is.
  if (newest) {
    if (newest->balance_sat) row.btc("balance", newest->balance_sat);
    if (newest->last_income_sat) row.btc("earn_24_hours", newest->last_income_sat);
    row.string("updated_at", newest->scraped_at);
  }
  return row.str();
}

std::string hashrate_row(const std::string& account, const SnapshotRow& snapshot) {
  const auto rounded = [](std::optional<double> ths) -> std::optional<int64_t> {
    if (!ths) return std::nullopt;
    return round_ths(*ths);
  };
  return JsonObject()
      .string("account_name", account)
      .string("timestamp", snapshot.scraped_at)
      .integer("hashrate_10m", round_ths(snapshot.hashrate_current_ths))
      .integer("hashrate_1h", rounded(snapshot.workers_1h_sum_ths))
      .integer("hashrate_1d", rounded(snapshot.hashrate_24h_ths))
      .integer("worker_count", snapshot.online_workers + snapshot.offline_workers)
      .integer("active_workers", snapshot.online_workers)
      .number("reject_rate", snapshot.reject_rate)
      .str();
}

namespace {

// PostgreSQL's integer, the type of every hashrates column but reject_rate.
constexpr int64_t kIntegerMax = 2'147'483'647;

std::optional<std::string> ths_unfit(const char* column, std::optional<double> ths) {
  if (!ths) return std::nullopt;
  char digits[32];
  const std::string value(digits, std::to_chars(digits, digits + sizeof digits, *ths).ptr);
  if (!std::isfinite(*ths))
    return std::string(column) + " " + value + " TH/s is not a finite number";
  if (std::abs(std::round(*ths)) > static_cast<double>(kIntegerMax)) {
    return std::string(column) + " " + value + " TH/s exceeds the integer column's limit of " +
           std::to_string(kIntegerMax) + " TH/s";
  }
  return std::nullopt;
}

std::optional<std::string> count_unfit(const char* column, int64_t count,
                                       const std::string& shown) {
  if (count >= -kIntegerMax && count <= kIntegerMax) return std::nullopt;
  return std::string(column) + " " + shown + " exceeds the integer column's limit of " +
         std::to_string(kIntegerMax);
}

}  // namespace

std::optional<std::string> unrepresentable(const SnapshotRow& snapshot) {
  for (auto reason : {ths_unfit("hashrate_10m", snapshot.hashrate_current_ths),
                      ths_unfit("hashrate_1h", snapshot.workers_1h_sum_ths),
                      ths_unfit("hashrate_1d", snapshot.hashrate_24h_ths),
                      count_unfit("active_workers", snapshot.online_workers,
                                  std::to_string(snapshot.online_workers))}) {
    if (reason) return reason;
  }
  const std::string sum = std::to_string(snapshot.online_workers) + " + " +
                          std::to_string(snapshot.offline_workers) + " workers";
  // The online count is below 2^31 here: the sum overflows no int64 once offline is too.
  if (auto reason = count_unfit("worker_count", snapshot.offline_workers, sum)) return reason;
  return count_unfit("worker_count", snapshot.online_workers + snapshot.offline_workers, sum);
}

std::string device_row(const AccountLabels& labels, const DeviceState& device,
                       bool with_created_at) {
  JsonObject row;
  row.string("device_id",
             device.device_id.empty() ? device_id(labels.account, device.name) : device.device_id)
      .string("serial_number", device.name)
      .string("account_name", labels.account)
      .string("worker_name", device.name)
      .string("device_type", "ASIC")
      .string("status", device.online ? "online" : "offline");
  if (labels.site) row.string("site", *labels.site);
  if (labels.country) row.string("location", *labels.country);
  if (with_created_at) row.string("created_at", device.first_seen_at);
  row.string("updated_at", device.scraped_at);
  return row.str();
}

std::string income_row(const std::string& account, const IncomeDay& day, PoolSource source) {
  return JsonObject()
      .string("account_name", account)
      .string("date", us_date(day.date))
      .btc("btc_amount", day.total_income_sat)
      .string("source", income_source(source))
      .string("transaction_type", "mining_reward")
      .str();
}

std::string alert_row(const std::string& account, const AlertState& alert) {
  return JsonObject()
      .string("alert_key", alert_key(account, alert))
      .string("account_name", account)
      .string("alert_type", alert.alert_type)
      .string("severity", alert.severity)
      .string("message", alert.message)
      .boolean("resolved", alert.resolved_at.has_value())
      .string_or_null("resolved_at", alert.resolved_at)
      .string("created_at", alert.opened_at)
      .str();
}

std::string payment_row(const std::string& account, const PaymentState& payment) {
  return JsonObject()
      .string("account_name", account)
      .string("payment_id", payment.payment_id)
      .btc("amount", payment.amount_sat)
      .string("address", payment.address)
      .string("tx", payment.tx)
      .string("paid_at", payment.paid_at)
      .str();
}

}  // namespace kz
