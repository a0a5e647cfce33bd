#include "common/clock.hpp"

#include <charconv>
#include <cstdio>

namespace kz {

TimePoint SystemClock::now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

TimePointMs SystemClock::now_ms() const {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string format_utc_ms(TimePointMs t) {
  const TimePoint seconds = std::chrono::floor<std::chrono::seconds>(t);
  std::string text = format_utc(seconds);
  char fraction[32];
  std::snprintf(fraction, sizeof fraction, ".%03ldZ", long((t - seconds).count()));
  text.pop_back();  // the 'Z'
  return text + fraction;
}

std::string format_utc(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char text[128];  // room for any int and long, so no truncation is possible
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), long(hms.seconds().count()));
  return text;
}

namespace {

bool read_int(std::string_view text, size_t pos, size_t len, int& out) {
  if (pos + len > text.size()) return false;
  const char* first = text.data() + pos;
  auto [end, ec] = std::from_chars(first, first + len, out);
  return ec == std::errc() && end == first + len;
}

// "YYYY-MM-DDTHH:MM:SS" (a space also accepted for the T).
std::optional<TimePoint> parse_naive(std::string_view text) {
  int y, mo, d, h, mi, s;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, mo) || !read_int(text, 8, 2, d) ||
      !read_int(text, 11, 2, h) || !read_int(text, 14, 2, mi) || !read_int(text, 17, 2, s))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                        std::chrono::day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

}  // namespace

std::optional<TimePointMs> parse_utc_ms(std::string_view text) {
  auto t = parse_naive(text);
  if (!t) return std::nullopt;
  std::string_view zone = text.substr(19);
  TimePointMs result = *t;
  if (!zone.empty() && zone[0] == '.') {
    size_t digits = 1;
    while (digits < zone.size() && zone[digits] >= '0' && zone[digits] <= '9') ++digits;
    --digits;
    if (digits == 0 || digits > 9) return std::nullopt;
    int ms = 0;
    for (size_t i = 1; i <= 3; ++i) ms = ms * 10 + (i <= digits ? zone[i] - '0' : 0);
    result += std::chrono::milliseconds{ms};
    zone.remove_prefix(digits + 1);
  }
  if (zone.empty() || zone == "Z") return result;
  if (zone.size() != 6) return std::nullopt;  // ISO-8601 wants "+HH:MM"
  auto offset = parse_utc_offset(zone);
  if (!offset) return std::nullopt;
  return result - *offset;
}

std::optional<TimePoint> parse_utc(std::string_view text) {
  auto t = parse_utc_ms(text);
  if (!t) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*t);
}

std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "UTC") return std::chrono::minutes{0};
  if (text.starts_with("UTC")) text.remove_prefix(3);
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  int hours = 0, minutes = 0;
  const size_t colon = text.find(':');
  std::string_view hours_text = text.substr(0, colon);
  if (hours_text.empty() || hours_text.size() > 2 ||
      !read_int(hours_text, 0, hours_text.size(), hours))
    return std::nullopt;
  if (colon != std::string_view::npos &&
      (text.size() - colon - 1 != 2 || !read_int(text, colon + 1, 2, minutes)))
    return std::nullopt;
  if (hours > 14 || minutes > 59) return std::nullopt;
  return std::chrono::minutes{sign * (hours * 60 + minutes)};
}

std::optional<TimePoint> local_to_utc(std::string_view local_iso, std::chrono::minutes offset) {
  if (local_iso.size() != 19) return std::nullopt;
  auto t = parse_naive(local_iso);
  if (!t) return std::nullopt;
  return *t - offset;
}

}  // namespace kz
