#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

#include "report/report_model.hpp"

namespace kz {

// Every pool's state now (report_model.hpp, PoolStatus), ordered by account. Pending upload rows
// are counted the way kzupload selects them; pending notifications from notify_delivery.
// Throws SQLite::Exception.
std::vector<PoolStatus> read_fleet_status(SQLite::Database& db);

}  // namespace kz
