#pragma once

#include <optional>
#include <string>

#include "upload/pending_pool_stats.hpp"
#include "upload/pending_rows.hpp"

namespace kz {

// api_call_logs (sql/004_antpool.sql) from one api_call row: account_name, nonce, endpoint,
// called_at (ISO-8601 with ms), tier, response_status (HTTP), api_code, response_time_ms and
// error_message (null on success).
std::string api_call_row(const ApiCallState& call);

// pool_stats (sql/004_antpool.sql): coin_type, fetched_at, pool_hashrate in integer TH/s
// (rounded, as hashrates), active_worker_number, pool_status, network_difficulty (the exact
// decimal text, as a JSON string that PostgreSQL reads into numeric), estimate_time and
// current_round in seconds, total_share_number, total_block_number.
std::string pool_stats_row(const PoolStatsState& stats);

// Why the pool_stats column cannot hold the reading's hashrate (not finite, or beyond bigint
// TH/s), e.g. "pool_hashrate inf TH/s is not a finite number"; empty when it can.
std::optional<std::string> pool_stats_unfit(const PoolStatsState& stats);

}  // namespace kz
