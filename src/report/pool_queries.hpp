#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

#include "report/report_model.hpp"

namespace kz {

// Every pool of the cache, ordered by account. Throws SQLite::Exception.
std::vector<PoolRef> read_pools(SQLite::Database& db);

// One pool over `window`: snapshots, alerts open during it, income days whose date falls in it
// (UTC dates), payments made in it and per-worker statistics (report_model.hpp). Runs in a few
// indexed range scans. Throws SQLite::Exception.
PoolHistory read_pool_history(SQLite::Database& db, const PoolRef& pool, ReportWindow window);

}  // namespace kz
