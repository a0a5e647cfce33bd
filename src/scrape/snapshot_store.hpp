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

  // The pool's id, created on first sight. A label given for a URL replaces
  // its old label; a label that belongs to another URL is a usage error.
  int64_t ensure_pool(const std::string& observer_url, const std::optional<std::string>& account,
                      TimePoint now);

  // The snapshot with its worker samples, income days and payments; returns its id.
  // `page_utc_offset` converts the page's zone-less times to UTC.
  int64_t insert_snapshot(int64_t pool_id, const ObserverPage& page, TimePoint scraped_at,
                          std::chrono::minutes page_utc_offset);

  void insert_run(int64_t pool_id, TimePoint started_at, TimePoint finished_at, int exit_code,
                  const std::string& error, std::optional<int64_t> snapshot_id);

  // Failed runs since the last successful one.
  int failed_runs_in_a_row(int64_t pool_id);

  // Deletes worker samples of snapshots older than `cutoff`; snapshots, income
  // days and alerts are kept. Returns the number of samples deleted.
  int64_t prune_worker_samples(int64_t pool_id, TimePoint cutoff);

 private:
  void upsert_income(int64_t pool_id, const ObserverPage& page, TimePoint now);
  void upsert_payments(int64_t pool_id, const ObserverPage& page, TimePoint now);

  Cache& cache_;
};

// H/s to the cache's GH/s, snapping the float noise of unit conversion
// (38.384 PH/s -> 38384000 GH/s exactly).
double to_ghs(double hs);

}  // namespace kz
