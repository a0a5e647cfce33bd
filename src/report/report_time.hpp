#pragma once

#include <optional>
#include <string_view>

#include "common/clock.hpp"

namespace kz {

// A --from/--to value: a date "2026-11-01" (00:00 UTC of that day) or an ISO-8601 time
// "2026-11-01T10:00:00Z" ("+05:00" offsets are converted to UTC; no zone means UTC; a fraction of
// a second is dropped). nullopt for anything else: a date that does not exist, spaces, other
// forms.
std::optional<TimePoint> parse_report_time(std::string_view text);

}  // namespace kz
