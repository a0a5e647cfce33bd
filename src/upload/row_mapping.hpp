#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "upload/pending_rows.hpp"
#include "upload/upload_options.hpp"

namespace kz {

// Writes one JSON object as text. nlohmann::json holds numbers as doubles, so
// BTC amounts are written here as exact decimal literals instead.
class JsonObject {
 public:
  JsonObject& string(std::string_view key, std::string_view value);
  JsonObject& string_or_null(std::string_view key, const std::optional<std::string>& value);
  JsonObject& integer(std::string_view key, std::optional<int64_t> value);
  JsonObject& btc(std::string_view key, std::optional<int64_t> sat);      // 0.01864218
  JsonObject& number(std::string_view key, std::optional<double> value);  // shortest exact form
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  std::string str() const { return text_ + "}"; }

 private:
  void key(std::string_view key);
  std::string text_ = "{";
};

// The rows of one request, de-duplicated by their conflict key: a later row
// replaces an earlier one with the same key (PostgreSQL refuses to update a
// row twice in one statement).
class Batch {
 public:
  void add(const std::string& conflict_key, std::string row);
  void add_all(const Batch& other);  // every row of `other`, by the same rule
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  std::size_t replaced() const { return replaced_; }
  std::string body() const;  // the JSON array

 private:
  std::vector<std::string> rows_;
  std::vector<std::string> keys_;  // of rows_
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t replaced_ = 0;
};

// "KZ_{account}_{worker}" (Antpool: "AP_{account}_{worker}") with spaces replaced by "_".
std::string device_id(std::string_view account, std::string_view worker,
                      PoolSource source = PoolSource::btcpool);
// "2026-11-21" -> "11/21/2026"; other text is returned unchanged.
std::string us_date(std::string_view iso_date);
// Integer TH/s, rounded to nearest (halves away from zero). A value with no int64 form (NaN,
// infinite, |ths| >= 2^63) throws kz::Error(ExitCode::internal): unrepresentable() screens rows.
int64_t round_ths(double ths);
// "<account>|<type>|<subject>|<opened_at>": one key per alert occurrence.
std::string alert_key(std::string_view account, const AlertState& alert);

std::string account_row(const AccountLabels& labels, const std::optional<SnapshotRow>& newest,
                        PoolSource source = PoolSource::btcpool);
std::string hashrate_row(const std::string& account, const SnapshotRow& snapshot);
// Why Supabase's hashrates columns cannot hold the snapshot's values (integer TH/s, so at most
// 2,147,483,647 TH/s after rounding, and finite; worker_count and active_workers integers too),
// e.g. "hashrate_10m 1e+30 TH/s exceeds the integer column's limit of 2147483647 TH/s"; the
// first such column only; empty when they can.
std::optional<std::string> unrepresentable(const SnapshotRow& snapshot);
// device_id: device.device_id, or "KZ_{account}_{worker}" of labels.account when it is empty.
// with_created_at: for the insert of devices Supabase may not know yet; the
// upsert that follows leaves created_at alone.
std::string device_row(const AccountLabels& labels, const DeviceState& device,
                       bool with_created_at);
std::string income_row(const std::string& account, const IncomeDay& day,
                       PoolSource source = PoolSource::btcpool);
std::string alert_row(const std::string& account, const AlertState& alert);
std::string payment_row(const std::string& account, const PaymentState& payment);

}  // namespace kz
