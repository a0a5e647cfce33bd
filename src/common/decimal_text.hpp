#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kz {

// A decimal number exactly as written: (negative ? -1 : 1) * digits * 10^exponent.
struct DecimalText {
  bool negative = false;
  std::string digits;  // without leading or trailing zeros; empty for zero
  int64_t exponent = 0;
};

// Reads "12", "0.5", "-3.8384e+16", "4.941E-05", "007.50", ".5", "5." and the like: an optional
// sign, digits with at most one '.', an optional e/E exponent with an optional sign (at most 6
// digits after its leading zeros). Anything else (spaces, thousands separators, hex, "inf",
// "nan", an empty string) is nullopt. The text of a JSON number always reads.
std::optional<DecimalText> parse_decimal_text(std::string_view text);

// The double nearest to the value (IEEE round to nearest, from the digits, never through
// another double); nullopt when the value is outside the range of double.
std::optional<double> decimal_to_double(const DecimalText& value);

enum class Rounding {
  exact,                // a value with digits below 10^-scale is nullopt
  half_away_from_zero,  // 0.5 -> 1, -0.5 -> -1, 0.49999 -> 0
};

// value * 10^scale as an integer, by integer arithmetic only: 0.30000000000000004 BTC with
// scale 8 is 30000000 satoshis. nullopt when it does not fit an int64_t, or is not whole with
// Rounding::exact.
std::optional<int64_t> decimal_to_integer(const DecimalText& value, int scale, Rounding rounding);

// An integer count of 1/10^decimals units as an exact decimal with `decimals` digits after the
// point (decimals >= 1): (1864218, 8) -> "0.01864218", (-5, 3) -> "-0.005"; INT64_MIN exact.
std::string format_fixed_point(int64_t units, int decimals);

}  // namespace kz
