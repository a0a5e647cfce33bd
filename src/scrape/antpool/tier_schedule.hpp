#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// When each tier of an Antpool pool is next due, from the runs recorded in api_tier_run
// (pool_id, tier, last_run_at UTC). Tier 1 is always due. Tier 2 and 3 are due once their
// interval has passed since their last run (or never ran). Tier 4 is due when the host's local
// time (TZ) is past settings.daily_after and it has not run since that moment today.
// A daily_after that a DST change skips that day is read as mktime reads it (02:30 of a day
// going 02:00 -> 03:00 is 03:30).
// A run up to a minute early (cron's jitter) still finds tier 2 and 3 due.
// Throws kz::Error(cache_failed).
class TierSchedule {
 public:
  // Throws kz::Error(usage) when settings.daily_after is not a valid "HH:MM".
  TierSchedule(Cache& cache, const AntpoolSettings& settings);

  bool due(int64_t pool_id, Tier tier, TimePoint now);
  // Records a tier's run; call inside the write transaction that stores what it fetched.
  void mark_run(int64_t pool_id, Tier tier, TimePoint now);

 private:
  Cache& cache_;
  const AntpoolSettings& settings_;
  std::chrono::minutes daily_after_;
};

// "HH:MM" (two digits each, 00:00 to 23:59) as minutes after local midnight; nullopt for
// anything else. (TierSchedule's constructor refuses such a daily_after with kz::Error(usage).)
std::optional<std::chrono::minutes> parse_daily_after(std::string_view text);

}  // namespace kz
