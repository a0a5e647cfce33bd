#pragma once

#include <optional>
#include <string>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "notify/digest.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// The daily summary of issue 13, once per destination and local day, even when cron runs late:
// due when `settings.daily_summary_at` is set, the host's local time at `now` is at or after it,
// and notify_summary has no row for (destination, the local day before). Then returns a digest of
// that day (per pool: average hashrate, uptime %, fewest and most workers online,
// the day's income, the incidents), routed by the destination's pools; otherwise nullopt.
// Pools are in account-name order; a routed pool the cache does not know, or one without
// snapshots that day, has no figures ("no data"). Uptime counts only snapshots that list every
// worker. Incidents: every alert opened that day, the first 5 as lines
// "worker_offline rig-07: 42 min" or "... : open". A day on which no pool had any data
// gives nullopt too. Reads only. Throws CacheError (exit 5).
std::optional<Digest> due_daily_summary(Cache& cache, const Destination& destination,
                                        const NotifySettings& settings, TimePoint now);

// Records that the summary of `digest` (notify_summary: destination, digest.summary_date) was
// delivered to `destination`.
void mark_daily_summary_sent(Cache& cache, const std::string& destination, const Digest& digest,
                             TimePoint now);

}  // namespace kz
