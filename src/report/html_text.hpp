#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.hpp"

// The small text pieces of the HTML report: escaping and the human forms of times, durations
// and hashrates.
namespace kz {

// `text` with &, <, >, " and ' replaced by entities, so that any cache text (names with <, &,
// quotes, Cyrillic) reads as itself inside an element or a quoted attribute.
std::string html_escaped(std::string_view text);

// A duration as people read it, rounded down to the minute: "45 min", "2 h 05 min",
// "3 d 04 h 00 min"; under a minute "under 1 min"; negative (clock skew) as "0 min".
std::string incident_duration(std::chrono::seconds duration);

// "2026-11-22 10:40 UTC": a time of the report, to the minute.
std::string format_report_time(TimePoint t);

// A hashrate in H/s with the largest unit that keeps the value at least 1 and three decimals:
// 38384e15 -> "38.384 PH/s", 0 -> "0.000 H/s". Units H/s .. EH/s.
std::string hashrate_text(double hs);

}  // namespace kz
