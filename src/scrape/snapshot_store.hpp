#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/observer_page.hpp"

namespace kz {

// Writes what kzscrape learns into the cache. Every method expects to run
// inside Cache::write_transaction, so that one run is one transaction.
class SnapshotStore {
 public:
  explicit SnapshotStore(Cache& cache) : cache_(cache) {}

  // The pool's id, created on first sight. The pool is found by the SHA-256 of the full
  // `observer_url` (pool.observer_url_sha256) and stores only its redacted_url() form
  // (issue 11). A label given for a URL replaces its old label; a label that belongs to
  // another URL is a usage error.
  int64_t ensure_pool(const std::string& observer_url, const std::optional<std::string>& account,
                      TimePoint now);

  // The snapshot with its worker samples, income days and payments; returns its id.
  // `page_utc_offset` converts the page's zone-less times to UTC. scraped_at is stored in
  // milliseconds ("2026-11-22T10:40:00.123Z"); when the pool already has a snapshot at that
  // time it moves forward by 1 ms until free, so that no two snapshots of a pool share a time.
  // New workers' first_seen_at and last_online_at take the stored time.
  int64_t insert_snapshot(int64_t pool_id, const ObserverPage& page, TimePointMs scraped_at,
                          std::chrono::minutes page_utc_offset);

  // outcome 'failed' only for a failure without a snapshot (an Antpool run whose lower tier
  // failed keeps its snapshot, its exit code and error).
  void insert_run(int64_t pool_id, TimePoint started_at, TimePoint finished_at, int exit_code,
                  const std::string& error, std::optional<int64_t> snapshot_id);

  // Failed runs since the last successful one.
  int failed_runs_in_a_row(int64_t pool_id);

  // Deletes worker samples of snapshots scraped before `cutoff`; snapshots, income
  // days and alerts are kept. Returns the number of samples deleted.
  int64_t prune_worker_samples(int64_t pool_id, TimePointMs cutoff);

 private:
  // The first time from `wanted` on, in 1 ms steps, that no snapshot of the pool has.
  TimePointMs free_snapshot_time(int64_t pool_id, TimePointMs wanted);
  void upsert_income(int64_t pool_id, const ObserverPage& page, TimePoint now);
  void upsert_payments(int64_t pool_id, const ObserverPage& page, TimePoint now);

  Cache& cache_;
};

// H/s to the cache's GH/s, snapping the float noise of unit conversion
// (38.384 PH/s -> 38384000 GH/s exactly).
double to_ghs(double hs);

}  // namespace kz
