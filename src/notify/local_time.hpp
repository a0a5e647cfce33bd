#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace kz {

// The host's local time (TZ, localtime_r/mktime) as kznotify's mutes and daily summary use it.

// A local calendar day: its date and its bounds in UTC, [start, end). A day is 23 or 25 hours
// long across a DST change.
struct LocalDay {
  std::string date;  // "YYYY-MM-DD"
  TimePoint start{};
  TimePoint end{};
};

// The local day holding `at`, or `days_back` days before it.
LocalDay local_day_of(TimePoint at, int days_back = 0);

// Minutes past local midnight on the wall clock at `at`, 0..1439.
int local_minutes_of_day(TimePoint at);

// "2026-12-01 23:00 +05" (the zone's abbreviation).
std::string format_local(TimePoint at);

// A mute's end as typed: "2026-12-01T18:00Z" or "...+05:00" (an explicit zone), or local wall
// time "2026-12-01 18:00" / "2026-12-01T18:00" (seconds optional). kz::Error(usage) naming
// `option` when it is malformed, out of range, or a local time a DST change skips or repeats.
TimePoint parse_until_time(std::string_view text, std::string_view option);

// A positive duration "2h", "90m", "1d", "45s" or combined "1h30m", at most 366 days.
// kz::Error(usage) naming `option` otherwise.
std::chrono::seconds parse_duration_text(std::string_view text, std::string_view option);

}  // namespace kz
