#include "scrape/observer/page_dates.hpp"

#include <array>
#include <cstdio>

#include "common/units.hpp"

namespace kz {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads min..max digits at s[i]; the digit run must end there.
std::optional<int> read_int(std::string_view s, size_t& i, size_t min, size_t max) {
  size_t j = i;
  int v = 0;
  while (j < s.size() && is_digit(s[j]) && j - i < max) v = v * 10 + (s[j++] - '0');
  if (j - i < min || (j < s.size() && is_digit(s[j]))) return std::nullopt;
  i = j;
  return v;
}

bool expect(std::string_view s, size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

void skip_spaces(std::string_view s, size_t& i) {
  while (size_t n = space_length(s.substr(i))) i += n;
}

struct Date {
  int year = 0, month = 0, day = 0;
};

std::optional<Date> read_date(std::string_view s, size_t& i) {
  const size_t start = i;
  const std::optional<int> first = read_int(s, i, 1, 4);
  if (!first || i >= s.size()) return std::nullopt;
  const size_t first_len = i - start;
  const char sep = s[i++];
  Date d;
  std::optional<int> second, third;
  if (sep == '-' && first_len == 4) {
    d.year = *first;
    second = read_int(s, i, 1, 2);
    if (!second || !expect(s, i, '-') || !(third = read_int(s, i, 1, 2))) return std::nullopt;
    d.month = *second;
    d.day = *third;
  } else if ((sep == '/' || sep == '.') && first_len <= 2) {
    second = read_int(s, i, 1, 2);
    if (!second || !expect(s, i, sep) || !(third = read_int(s, i, 4, 4))) return std::nullopt;
    d.year = *third;
    d.month = sep == '/' ? *first : *second;
    d.day = sep == '/' ? *second : *first;
  } else {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1970 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  if (d.day > kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0)) return std::nullopt;
  return d;
}

struct Time {
  int hour = 0, minute = 0, second = 0;
};

// "10:33:25", "9:05", "12:00:00 AM" after the date, with an optional ',' or 'T'
// between; the time must end the text.
std::optional<Time> read_time_to_end(std::string_view s, size_t& i) {
  if (i < s.size() && (s[i] == ',' || s[i] == 'T')) ++i;
  skip_spaces(s, i);
  Time t;
  const std::optional<int> h = read_int(s, i, 1, 2);
  std::optional<int> m, sec;
  if (!h || !expect(s, i, ':') || !(m = read_int(s, i, 2, 2))) return std::nullopt;
  if (i < s.size() && s[i] == ':' && !(sec = read_int(s, ++i, 2, 2))) return std::nullopt;
  t.hour = *h;
  t.minute = *m;
  t.second = sec.value_or(0);
  if (t.minute > 59 || t.second > 59) return std::nullopt;
  skip_spaces(s, i);
  const std::string_view rest = s.substr(i);
  if (rest.size() == 2 && (rest[1] == 'M' || rest[1] == 'm')) {
    const bool pm = rest[0] == 'P' || rest[0] == 'p';
    if (!pm && rest[0] != 'A' && rest[0] != 'a') return std::nullopt;
    if (t.hour < 1 || t.hour > 12) return std::nullopt;
    t.hour = t.hour % 12 + (pm ? 12 : 0);
    i = s.size();
  }
  if (i != s.size() || t.hour > 23) return std::nullopt;
  return t;
}

}  // namespace

std::optional<std::string> parse_income_date(std::string_view text) {
  text = trim_space(text);
  size_t i = 0;
  const std::optional<Date> d = read_date(text, i);
  if (!d || (i != text.size() && !read_time_to_end(text, i))) return std::nullopt;
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d", d->year, d->month, d->day);
  return std::string(buf.data());
}

std::optional<std::string> parse_share_time(std::string_view text) {
  text = trim_space(text);
  size_t i = 0;
  const std::optional<Date> d = read_date(text, i);
  if (!d) return std::nullopt;
  const std::optional<Time> t = read_time_to_end(text, i);
  if (!t) return std::nullopt;
  std::array<char, 24> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d", d->year, d->month, d->day,
                t->hour, t->minute, t->second);
  return std::string(buf.data());
}

}  // namespace kz
