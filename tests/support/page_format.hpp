#pragma once

// How the page generator writes numbers, dates and times (internal to
// page_generator.cpp and page_model.cpp).

#include <cstdint>
#include <optional>
#include <string>

#include "support/page_generator.hpp"

namespace kz::test::detail {

// Number and unit of a displayed value; the unit may be empty.
struct Shown {
  std::string number;
  std::string unit;
  bool space = true;
};

// A date with an optional time of day, shown as date + separator + time.
struct DateTime {
  std::string date;       // "11/22/2026"
  std::string separator;  // ", " or " "; empty without a time
  std::string time;       // "10:33:25 PM"; empty for a date alone

  std::string text() const { return date + separator + time; }
};

// Days since 1970-01-01 as "YYYY-MM-DD".
std::string civil_date(int64_t days);

// Digits with the variant's group separators: "1 234 567".
std::string group_digits(const std::string& digits, const Variant& v);

// Throws std::invalid_argument unless hs is a whole, non-negative number of H/s.
Shown hashrate_shown(double hs, const Variant& v);
Shown btc_shown(int64_t sat, const Variant& v);

DateTime income_date(const std::string& iso, const Variant& v);
// "-" (as the date) for a worker without a last share.
DateTime share_time(const std::optional<std::string>& iso, const Variant& v);

}  // namespace kz::test::detail
