#include "upload/antpool_rows.hpp"

#include <charconv>
#include <cmath>

#include "upload/row_mapping.hpp"

namespace kz {

std::string api_call_row(const ApiCallState& call) {
  std::optional<std::string> error;
  if (call.error && !call.error->empty()) error = call.error;
  return JsonObject()
      .string("account_name", call.account_name)
      .integer("nonce", call.nonce)
      .string("endpoint", call.endpoint)
      .string("called_at", call.called_at)
      .integer("tier", call.tier)
      .integer("response_status", call.http_status)
      .integer("api_code", call.api_code)
      .integer("response_time_ms", call.duration_ms)
      .string_or_null("error_message", error)
      .str();
}

std::string pool_stats_row(const PoolStatsState& stats) {
  return JsonObject()
      .string("coin_type", stats.coin)
      .string("fetched_at", stats.fetched_at)
      .integer("pool_hashrate", round_ths(stats.pool_hashrate_ths))
      .integer("active_worker_number", stats.active_workers)
      .string("pool_status", stats.pool_status)
      .string("network_difficulty", stats.network_difficulty)
      .integer("estimate_time", stats.estimate_time_s)
      .integer("current_round", stats.current_round_s)
      .integer("total_share_number", stats.total_shares)
      .integer("total_block_number", stats.total_blocks)
      .str();
}

std::optional<std::string> pool_stats_unfit(const PoolStatsState& stats) {
  const double ths = stats.pool_hashrate_ths;
  char digits[32];
  const std::string value(digits, std::to_chars(digits, digits + sizeof digits, ths).ptr);
  if (!std::isfinite(ths)) return "pool_hashrate " + value + " TH/s is not a finite number";
  // bigint: 2^63 is exact as a double.
  if (!(std::abs(std::round(ths)) < 9223372036854775808.0)) {
    return "pool_hashrate " + value + " TH/s exceeds the bigint column's limit";
  }
  return std::nullopt;
}

}  // namespace kz
