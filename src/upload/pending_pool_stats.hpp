#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"

namespace kz {

// One poolStats.htm reading of the cache (pool_stats), for Supabase's pool_stats.
struct PoolStatsState {
  std::string coin;
  std::string fetched_at;  // ISO-8601 UTC as the cache holds it
  double pool_hashrate_ths = 0;
  std::optional<int64_t> active_workers;
  std::string pool_status;
  std::string network_difficulty;  // exact decimal text
  std::optional<int64_t> estimate_time_s;
  std::optional<int64_t> current_round_s;
  std::optional<int64_t> total_shares;
  std::optional<int64_t> total_blocks;

  // "<coin>|<fetched_at>": the natural key, and the item key of a set-aside row.
  std::string key() const { return coin + "|" + fetched_at; }
};

// The pool_stats rows Supabase has not confirmed yet (uploaded_at NULL), except those set aside
// (upload_rejected, table 'pool_stats', under whichever pool carried them). They belong to no
// pool: every run sends them (see upload_tables). Read in batches by key. SQLite failures throw
// kz::Error(ExitCode::cache_failed).
class PendingPoolStats {
 public:
  explicit PendingPoolStats(Cache& cache) : cache_(cache) {}

  bool any();
  // The rows after `after` (null: from the first) in (coin, fetched_at) order.
  std::vector<PoolStatsState> after(const PoolStatsState* after, std::size_t limit);
  void mark_uploaded(const std::vector<PoolStatsState>& rows, const std::string& at);

 private:
  Cache& cache_;
};

}  // namespace kz
