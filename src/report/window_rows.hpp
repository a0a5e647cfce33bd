#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/report_model.hpp"

// The rows of one pool that fall in a report window, shared by read_pool_history and the CSV
// export so that both draw the window's edges alike.
namespace kz {

// Alerts open during `window`: an alert is open over [opened_at, resolved_at), so it opened
// before the window's end and was not resolved by its start. By opened_at. Throws
// SQLite::Exception, kz::Error(cache_failed) on an unreadable time.
std::vector<AlertPeriod> read_alert_periods(SQLite::Database& db, int64_t pool_id,
                                            ReportWindow window);

// Payments whose created_at is in [from, to), by time. Throws like read_alert_periods.
std::vector<PaymentRow> read_payment_rows(SQLite::Database& db, int64_t pool_id,
                                          ReportWindow window);

// The first and last UTC date ("YYYY-MM-DD") the window touches: from's date to the date of its
// last second; nullopt for an empty window.
std::optional<std::pair<std::string, std::string>> window_dates(ReportWindow window);

// The time of a cache text, or kz::Error(cache_failed) naming it.
TimePoint read_cache_time(const std::string& text);

}  // namespace kz
