#include "report/report_time.hpp"

#include <charconv>

namespace kz {

std::optional<TimePoint> parse_report_time(std::string_view text) {
  if (text.size() == 10) {
    if (text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    auto read = [&](size_t pos, size_t len, auto& out) {
      for (size_t i = pos; i < pos + len; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
      }
      return std::from_chars(text.data() + pos, text.data() + pos + len, out).ec == std::errc();
    };
    if (!read(0, 4, y) || !read(5, 2, m) || !read(8, 2, d)) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m},
                                           std::chrono::day{d}};
    if (!date.ok()) return std::nullopt;
    return std::chrono::sys_days{date};
  }
  if (text.size() < 19 || text[10] != 'T') return std::nullopt;  // no "2026-11-01 10:00:00"
  return parse_utc(text);
}

}  // namespace kz
