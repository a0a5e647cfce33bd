#include "page_invariants.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>

namespace kz::fuzz {
namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t n = b < 0x80           ? 1
                     : (b >> 5) == 0x6  ? 2
                     : (b >> 4) == 0xE  ? 3
                     : (b >> 3) == 0x1E ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? b : b & (0x7Fu >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const uint32_t min = n == 1 ? 0 : n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// "YYYY-MM-DD" naming a day that exists.
bool valid_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  char rest = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3) return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

// "YYYY-MM-DDTHH:MM:SS" with a real day and a time of day.
bool valid_local_time(std::string_view s) {
  if (s.size() != 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
  for (const size_t i : {11, 12, 14, 15, 17, 18}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const auto two = [&](size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  return valid_date(s.substr(0, 10)) && two(11) < 24 && two(14) < 60 && two(17) < 60;
}

std::string shown(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::optional<std::string> broken_invariant(const ObserverPage& page) {
  if (page.locale != "ru" && page.locale != "en") return "locale \"" + page.locale + "\"";
  const auto bad_rate = [](double hs) { return !std::isfinite(hs) || hs < 0; };
  if (bad_rate(page.current_hashrate_hs)) {
    return "current_hashrate_hs " + shown(page.current_hashrate_hs);
  }
  if (page.avg_hashrate_24h_hs && bad_rate(*page.avg_hashrate_24h_hs)) {
    return "avg_hashrate_24h_hs " + shown(*page.avg_hashrate_24h_hs);
  }
  if (page.online_workers < 0 || page.offline_workers < 0) return "negative worker count";
  if (page.balance_sat && *page.balance_sat < 0) return "negative balance_sat";
  if (page.last_income_sat && *page.last_income_sat < 0) return "negative last_income_sat";
  if (page.skipped_rows < 0) return "negative skipped_rows";
  const size_t counted = static_cast<size_t>(page.online_workers) + page.offline_workers;
  if (page.workers.size() > counted && page.workers_complete()) {
    return "the table lists " + std::to_string(page.workers.size()) + " workers, the cards count " +
           std::to_string(counted) + ", and the list is marked complete";
  }
  std::set<std::string> names;
  for (const WorkerRow& w : page.workers) {
    if (w.name.empty()) return "a worker without a name";
    if (!valid_utf8(w.name)) return "worker name not UTF-8";
    if (!names.insert(w.name).second) return "duplicate worker \"" + w.name + "\"";
    for (const double hs : {w.hashrate_10m_hs, w.hashrate_1h_hs, w.hashrate_24h_hs}) {
      if (bad_rate(hs)) return "worker \"" + w.name + "\" hashrate " + shown(hs);
    }
    if (w.last_share_local && !valid_local_time(*w.last_share_local)) {
      return "worker \"" + w.name + "\" last share \"" + *w.last_share_local + "\"";
    }
  }
  std::set<std::string> dates;
  for (const IncomeRow& r : page.income) {
    if (!valid_date(r.date)) return "income date \"" + r.date + "\"";
    if (!dates.insert(r.date).second) return "duplicate income date " + r.date;
    if (r.total_income_sat < 0) return "negative income on " + r.date;
    if (r.hashrate_hs && bad_rate(*r.hashrate_hs)) {
      return "income hashrate on " + r.date + " " + shown(*r.hashrate_hs);
    }
  }
  return std::nullopt;
}

}  // namespace kz::fuzz
