#pragma once

#include <cstdint>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// When each tier of an Antpool pool is next due, from the runs recorded in api_tier_run
// (pool_id, tier, last_run_at UTC). Tier 1 is always due. Tier 2 and 3 are due once their
// interval has passed since their last run (or never ran). Tier 4 is due when the host's local
// time (TZ) is past settings.daily_after and it has not run since that moment today.
// Throws kz::Error(cache_failed).
class TierSchedule {
 public:
  TierSchedule(Cache& cache, const AntpoolSettings& settings)
      : cache_(cache), settings_(settings) {}

  bool due(int64_t pool_id, Tier tier, TimePoint now);
  // Records a tier's run; call inside the write transaction that stores what it fetched.
  void mark_run(int64_t pool_id, Tier tier, TimePoint now);

 private:
  Cache& cache_;
  const AntpoolSettings& settings_;
};

}  // namespace kz
