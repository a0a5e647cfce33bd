#pragma once

// Local time computed by the tests themselves, from a zone's known rule, to check code that asks
// the C library (TZ, localtime_r, mktime).

#include <chrono>
#include <cstdio>
#include <string>

namespace kz::test {

using namespace std::chrono;

// "YYYY-MM-DD"
inline std::string date_text(sys_days day) {
  const year_month_day d{day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

struct ZoneRule {
  std::string tz;       // POSIX TZ text for setenv("TZ")
  minutes standard{};   // local = UTC + offset
  bool us_dst = false;  // +1 h from the second Sunday of March 02:00 to the first Sunday of
                        // November 02:00 local (the US rule since 2007)

  minutes offset_at(sys_time<milliseconds> utc) const {
    if (!us_dst) return standard;
    const year y = year_month_day{floor<days>(utc)}.year();
    const sys_days march_second_sunday{y / March / Sunday[2]};
    const sys_days november_first_sunday{y / November / Sunday[1]};
    const auto begins = march_second_sunday + 2h - standard;
    const auto ends = november_first_sunday + 2h - (standard + 1h);
    return utc >= begins && utc < ends ? standard + 1h : standard;
  }
  sys_time<milliseconds> local(sys_time<milliseconds> utc) const { return utc + offset_at(utc); }
  std::string date_of(sys_time<milliseconds> utc) const {
    return date_text(floor<days>(local(utc)));
  }
  int minutes_of_day(sys_time<milliseconds> utc) const {
    const auto l = local(utc);
    return static_cast<int>(duration_cast<minutes>(l - floor<days>(l)).count());
  }
  // The UTC instant of the local wall time `date` + `wall` (one that no DST change skips or
  // repeats).
  sys_seconds utc_of(sys_days date, minutes wall = minutes{0}) const {
    const sys_seconds local_time = date + wall;
    const sys_seconds guess = local_time - standard;
    return local_time - offset_at(guess);
  }
  sys_seconds midnight(sys_days date) const { return utc_of(date); }
};

inline const ZoneRule kKazakhstan{"<+05>-5", hours{5}, false};
inline const ZoneRule kNewYork{"EST5EDT,M3.2.0,M11.1.0", hours{-5}, true};

}  // namespace kz::test
