#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

#include "report/report_model.hpp"

namespace kz {

// Fills upload_pending and upload_rejected of every pool of `fleet` (PoolStatus) for the Supabase
// tables hashrates, income_tracking, devices, alerts, payments and api_call_logs, by the pending
// rules of src/upload (pending_rows.cpp, pending_payments.cpp, pending_api_calls.cpp,
// resent_devices.cpp). accounts is sent whole on every run that has anything else to send, so it
// is never pending; pool_stats belongs to no pool (pending_pool_stats.hpp). Tables without an
// index by pool (snapshot's uploaded_at, alert, api_call) are read once for the whole fleet.
// Throws SQLite::Exception.
void read_upload_counts(SQLite::Database& db, std::vector<PoolStatus>& fleet);

}  // namespace kz
