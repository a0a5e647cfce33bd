#pragma once

// Dates and times as the observer page shows them. Knows nothing about HTML.

#include <optional>
#include <string>
#include <string_view>

namespace kz {

// "MM/DD/YYYY", "M/D/YYYY hh:mm:ss AM", "DD.MM.YYYY", "YYYY-MM-DD" -> "YYYY-MM-DD".
// The separator decides the field order: '/' is month first, '.' day first.
std::optional<std::string> parse_income_date(std::string_view text);

// "11/22/2026, 10:33:25", "2026-11-22 10:39:03", "22.11.2026 10:39:03 PM"
// -> "2026-11-22T10:39:03" (local time as shown, no zone).
std::optional<std::string> parse_share_time(std::string_view text);

}  // namespace kz
