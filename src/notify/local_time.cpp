#include "notify/local_time.hpp"

#include <cstdio>
#include <ctime>
#include <optional>

#include "common/error.hpp"

namespace kz {

namespace {

using namespace std::chrono;

std::tm local_tm(TimePoint at) {
  tzset();
  const std::time_t t = static_cast<std::time_t>(at.time_since_epoch().count());
  std::tm local{};
  localtime_r(&t, &local);
  return local;
}

TimePoint from_time_t(std::time_t t) {
  return TimePoint{seconds{t}};
}

// Local midnight of the (normalised) date in `day`. A midnight that a DST change skips is read
// as mktime normalises it.
TimePoint local_midnight(std::tm day) {
  day.tm_hour = 0;
  day.tm_min = 0;
  day.tm_sec = 0;
  day.tm_isdst = -1;
  return from_time_t(std::mktime(&day));
}

bool digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return false;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int number(std::string_view text, size_t at, size_t count) {
  int value = 0;
  for (size_t i = at; i < at + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

bool same_wall_time(const std::tm& a, const std::tm& b) {
  return a.tm_year == b.tm_year && a.tm_mon == b.tm_mon && a.tm_mday == b.tm_mday &&
         a.tm_hour == b.tm_hour && a.tm_min == b.tm_min && a.tm_sec == b.tm_sec;
}

// The instant the local wall time `wall` names when read with DST flag `isdst`, if it does.
std::optional<std::time_t> local_reading(const std::tm& wall, int isdst) {
  std::tm t = wall;
  t.tm_isdst = isdst;
  const std::time_t at = std::mktime(&t);
  std::tm back{};
  localtime_r(&at, &back);
  if (!same_wall_time(wall, back) || back.tm_isdst != isdst) return std::nullopt;
  return at;
}

}  // namespace

LocalDay local_day_of(TimePoint at, int days_back) {
  std::tm day = local_tm(at);
  day.tm_mday -= days_back;
  day.tm_hour = 12;  // normalise the date at noon, which no DST change skips
  day.tm_min = 0;
  day.tm_sec = 0;
  day.tm_isdst = -1;
  std::mktime(&day);
  char date[48];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", day.tm_year + 1900, day.tm_mon + 1,
                day.tm_mday);
  std::tm next = day;
  next.tm_mday += 1;
  return LocalDay{date, local_midnight(day), local_midnight(next)};
}

int local_minutes_of_day(TimePoint at) {
  const std::tm local = local_tm(at);
  return local.tm_hour * 60 + local.tm_min;
}

std::string format_local(TimePoint at) {
  const std::tm local = local_tm(at);
  char text[64];
  const size_t size = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M %Z", &local);
  return std::string(text, size);
}

TimePoint parse_until_time(std::string_view text, std::string_view option) {
  const auto bad = [&](const std::string& why) {
    return Error(ExitCode::usage, std::string(option) + " " + why + ": \"" + std::string(text) +
                                      "\" (give e.g. 2026-12-01T18:00Z in UTC, or 2026-12-01 "
                                      "18:00 in local time)");
  };
  const bool shaped = digits(text, 0, 4) && text.size() >= 16 && text[4] == '-' &&
                      digits(text, 5, 2) && text[7] == '-' && digits(text, 8, 2) &&
                      (text[10] == 'T' || text[10] == ' ') && digits(text, 11, 2) &&
                      text[13] == ':' && digits(text, 14, 2);
  if (!shaped) throw bad("must be a date and time");
  size_t end = 16;
  int second = 0;
  if (text.size() >= 19 && text[16] == ':' && digits(text, 17, 2)) {
    second = number(text, 17, 2);
    end = 19;
  }
  const year_month_day date{year{number(text, 0, 4)},
                            month{static_cast<unsigned>(number(text, 5, 2))},
                            day{static_cast<unsigned>(number(text, 8, 2))}};
  const int hour = number(text, 11, 2);
  const int minute = number(text, 14, 2);
  if (!date.ok() || date.year() < year{1970} || hour > 23 || minute > 59 || second > 59) {
    throw bad("is not a valid date and time");
  }
  std::string_view zone = text.substr(end);
  if (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
  if (!zone.empty()) {
    const auto offset = parse_utc_offset(zone);
    if (!offset) throw bad("has an unknown zone");
    return time_point_cast<seconds>(sys_days{date} + hours{hour} + minutes{minute} +
                                    seconds{second} - *offset);
  }
  std::tm wall{};
  wall.tm_year = number(text, 0, 4) - 1900;
  wall.tm_mon = number(text, 5, 2) - 1;
  wall.tm_mday = number(text, 8, 2);
  wall.tm_hour = hour;
  wall.tm_min = minute;
  wall.tm_sec = second;
  tzset();
  const auto standard = local_reading(wall, 0);
  const auto daylight = local_reading(wall, 1);
  if (standard && daylight && *standard != *daylight) {
    throw bad("happens twice in local time (a DST change repeats it); give it in UTC");
  }
  if (!standard && !daylight) {
    throw bad("does not exist in local time (a DST change skips it)");
  }
  return from_time_t(standard ? *standard : *daylight);
}

seconds parse_duration_text(std::string_view text, std::string_view option) {
  const auto bad = [&] {
    return Error(ExitCode::usage, std::string(option) +
                                      " must be a duration such as 2h, 90m, 1d or 1h30m (at "
                                      "most 366d), not \"" +
                                      std::string(text) + "\"");
  };
  constexpr seconds kLongest = days{366};
  seconds total{0};
  size_t at = 0;
  if (text.empty()) throw bad();
  while (at < text.size()) {
    size_t count = 0;
    while (at + count < text.size() && digits(text, at + count, 1)) ++count;
    if (count == 0 || count > 9 || at + count >= text.size()) throw bad();
    const int64_t value = number(text, at, count);
    seconds unit{0};
    switch (text[at + count]) {
      case 'd':
        unit = days{1};
        break;
      case 'h':
        unit = hours{1};
        break;
      case 'm':
        unit = minutes{1};
        break;
      case 's':
        unit = seconds{1};
        break;
      default:
        throw bad();
    }
    total += unit * value;
    if (total > kLongest) throw bad();
    at += count + 1;
  }
  if (total <= seconds{0}) throw bad();
  return total;
}

}  // namespace kz
