#pragma once

// A cache that looks like a fleet's after days of cron runs, filled directly (one transaction,
// prepared statements) instead of by thousands of kzscrape runs: for kzreport's tests and bench.

#include <chrono>
#include <cstdint>
#include <string>

#include "common/clock.hpp"

namespace kz::test {

// What generate_fleet_cache writes. Pools are numbered 1..pools; pool i is an Antpool account
// ("antpool://kzant<iii>", worker lists: the full list every `antpool_full_list_every` runs,
// only the offline workers in between) when antpool_every > 0 and i % antpool_every == 0, else a
// btcpool.kz observer pool (account "KZPool_<iiii>", a full list every run).
struct FleetSpec {
  int pools = 10;
  int antpool_every = 4;
  int antpool_full_list_every = 6;
  int days = 7;
  std::chrono::minutes interval{10};
  int workers = 20;  // per pool, named "rig01", "rig02", ...
  // The newest run of every pool is at `end`; runs go back `days` days, every `interval`.
  TimePoint end = std::chrono::sys_days{std::chrono::year{2026} / 11 / 30};
  uint64_t seed = 1;
  // The last `failing_now` pools had their last `failing_runs` runs fail (an open
  // scrape_failed alert once failing_runs >= 3).
  int failing_now = 1;
  int failing_runs = 3;
};

// Creates (migrates) the cache at `path`, which must not hold pools yet, and fills it:
// - scrape_run: one per pool and slot; about 0.5% fail (exit 3, no snapshot), some pools have a
//   burst of 4 failures, and the failing_now pools end failing.
// - snapshot per ok run: scraped_at = slot + 1.xxx s, hashrates in whole GH/s (current = the sum
//   of the workers' 10-minute hashrate, 24 h = its moving average), 90 to 200 TH/s per worker,
//   balance and last income; uploaded_at set on all but each pool's newest snapshot.
// - worker and worker_sample (key snapshot_id << 24 | worker_id) for the workers each snapshot
//   lists; worker.last_sample_key, last_online_at, first_seen_at, device_id set.
// - alerts as kzscrape's rules would write them, each transition an alert_event row:
//   offline_workers, worker_offline (outages of about an hour, some workers dead for days),
//   hashrate_drop (incidents of 1 to 3 hours), scrape_failed (3 failed runs in a row).
// - income_day for each complete UTC day (50 sat per TH/s and day), a payment of the balance
//   at each day's start once it reaches 0.005 BTC.
// Deterministic for a given spec. Throws kz::Error (cache_failed) on SQLite errors.
void generate_fleet_cache(const std::string& path, const FleetSpec& spec);

}  // namespace kz::test
