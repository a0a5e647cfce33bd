#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <vector>

#include "report/report_model.hpp"

namespace kz {

// Per-worker statistics of pool `pool_id` over `window` (report_model.hpp's WorkerStat), worst
// first: lowest uptime, then lowest average hashrate, then name. How each kind of snapshot counts
// is said in worker_stats.cpp. Throws SQLite::Exception, kz::Error(cache_failed) on a time the
// cache should not hold.
std::vector<WorkerStat> read_worker_stats(SQLite::Database& db, int64_t pool_id,
                                          ReportWindow window);

}  // namespace kz
