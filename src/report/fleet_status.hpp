#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

#include "report/report_model.hpp"

namespace kz {

// Every pool's state now (report_model.hpp, PoolStatus), ordered by account. Pending upload rows
// are counted the way kzupload selects them (src/upload/pending_*.cpp), per Supabase table
// (hashrates, income_tracking, devices, alerts, payments, api_call_logs; accounts is sent whole
// on every run and pool_stats belongs to no pool); pending notifications are the pool's
// notify_delivery rows in state 'pending' (one per destination and transition). Throws
// SQLite::Exception, and kz::Error(cache_failed) for a stored time that does not read.
std::vector<PoolStatus> read_fleet_status(SQLite::Database& db);

}  // namespace kz
