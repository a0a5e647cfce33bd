#include "scrape/unrecorded_runs.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {

std::string unrecorded_run_error(const UnrecordedFailure& failure) {
  return "the previous run could not write: disk full (at " + format_utc_ms(failure.failed_at) +
         ": " + failure.error + ")";
}

void record_unrecorded_runs(Cache& cache, SnapshotStore& snapshots, int64_t pool_id,
                            const std::vector<UnrecordedFailure>& failures) {
  for (const UnrecordedFailure& failure : failures) {
    const std::string error = unrecorded_run_error(failure);
    SQLite::Statement known(cache.db(),
                            "SELECT count(*) FROM scrape_run WHERE pool_id = ? AND started_at = ?"
                            " AND error = ?");
    known.bind(1, pool_id);
    known.bind(2, format_utc(failure.started_at));
    known.bind(3, error);
    known.executeStep();
    if (known.getColumn(0).getInt() > 0) continue;
    snapshots.insert_run(pool_id, failure.started_at,
                         std::chrono::floor<std::chrono::seconds>(failure.failed_at),
                         failure.exit_code, error, std::nullopt);
  }
}

}  // namespace kz
