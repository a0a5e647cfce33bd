#include "report/html_text.hpp"

#include <array>
#include <cstdio>

namespace kz {

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string incident_duration(std::chrono::seconds duration) {
  using namespace std::chrono;
  if (duration < minutes(1)) return duration < seconds(0) ? "0 min" : "under 1 min";
  const auto total = duration_cast<minutes>(duration).count();
  const long long days = total / (24 * 60), hours = total / 60 % 24, mins = total % 60;
  char text[48];
  if (days > 0) {
    std::snprintf(text, sizeof text, "%lld d %02lld h %02lld min", days, hours, mins);
  } else if (hours > 0) {
    std::snprintf(text, sizeof text, "%lld h %02lld min", hours, mins);
  } else {
    std::snprintf(text, sizeof text, "%lld min", mins);
  }
  return text;
}

std::string format_report_time(TimePoint t) {
  std::string text = format_utc(t);  // 2026-11-22T10:40:00Z
  return text.substr(0, 10) + " " + text.substr(11, 5) + " UTC";
}

std::string hashrate_text(double hs) {
  static constexpr std::array<const char*, 7> kUnits = {"H/s",  "kH/s", "MH/s", "GH/s",
                                                        "TH/s", "PH/s", "EH/s"};
  std::size_t unit = 0;
  double value = hs;
  while (unit + 1 < kUnits.size() && value >= 999.9995) {  // what would print as 1000.000
    value /= 1000;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.3f %s", value, kUnits[unit]);
  return text;
}

}  // namespace kz
