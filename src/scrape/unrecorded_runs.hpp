#pragma once

#include <cstdint>
#include <vector>

#include "common/cache.hpp"
#include "common/unrecorded_failure.hpp"
#include "scrape/snapshot_store.hpp"

namespace kz {

// The scrape_run error of a failure a full disk kept out of the cache:
// "the previous run could not write: disk full (at <failed_at, with ms>: <error>)".
std::string unrecorded_run_error(const UnrecordedFailure& failure);

// Records `failures` (from UnrecordedFailures::for_pool) as failed scrape_runs of `pool_id`,
// with their own start and end times, so that scrape_failed counts them. A failure already
// recorded (same pool, start time and error, which has the failure's time in milliseconds: the
// note was not cleared after the commit) is not recorded again. Runs inside the caller's
// Cache::write_transaction.
void record_unrecorded_runs(Cache& cache, SnapshotStore& snapshots, int64_t pool_id,
                            const std::vector<UnrecordedFailure>& failures);

}  // namespace kz
