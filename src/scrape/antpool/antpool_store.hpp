#pragma once

#include <cstdint>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/antpool/antpool_mapping.hpp"

namespace kz {

// The cache rows only Antpool gives. Every method runs inside Cache::write_transaction.
class AntpoolStore {
 public:
  explicit AntpoolStore(Cache& cache) : cache_(cache) {}

  // Marks the pool as an Antpool account (pool.source = 'antpool'): kzupload sends it with
  // account_type antpool, device ids AP_<account>_<worker> and income source Antpool.
  void mark_antpool(int64_t pool_id);

  // One poolStats.htm reading for the fleet (pool_stats, keyed by coin and fetched_at).
  void insert_pool_stats(const PoolStats& stats, TimePointMs fetched_at, const std::string& coin);

  // One account.htm reading (antpool_balance, keyed by pool and checked_at).
  void insert_balance(int64_t pool_id, const AccountBalance& balance, TimePoint checked_at);

  // The newest income date / payment time the cache holds for the pool: tier 4 pages only as
  // far as these. nullopt when none.
  std::optional<std::string> newest_income_date(int64_t pool_id);
  std::optional<int64_t> newest_payment_unix(int64_t pool_id);

  // Deletes api_call rows reserved before `cutoff` that kzupload has delivered (or all of them
  // before cutoff when `uploaded_only` is false); returns how many.
  int64_t prune_call_log(TimePoint cutoff, bool uploaded_only = true);

 private:
  Cache& cache_;
};

}  // namespace kz
