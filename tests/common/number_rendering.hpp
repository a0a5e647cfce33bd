#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"

// Numbers rendered the way pages in different locales show them, for tests of
// the number parsers and of the page-wide decimal mark.
namespace kz::testing {

// How a locale writes numbers: the group separator of the integer part ("" for
// none) and the decimal mark.
struct NumberConvention {
  std::string_view name;
  std::string_view group;
  DecimalMark mark;
};

inline const std::vector<NumberConvention>& number_conventions() {
  static const std::vector<NumberConvention> kAll = {
      {"en-US", ",", DecimalMark::dot},
      {"ru space", " ", DecimalMark::comma},
      {"ru NBSP", "\u00A0", DecimalMark::comma},
      {"fr narrow NBSP", "\u202F", DecimalMark::comma},
      {"thin space", "\u2009", DecimalMark::comma},
      {"de", ".", DecimalMark::comma},
      {"ch", "'", DecimalMark::dot},
      {"ch U+2019", "\u2019", DecimalMark::dot},
      {"SI dot", "\u202F", DecimalMark::dot},
      {"plain dot", "", DecimalMark::dot},
      {"plain comma", "", DecimalMark::comma},
  };
  return kAll;
}

inline std::string_view mark_text(DecimalMark mark) {
  return mark == DecimalMark::dot ? "." : ",";
}

// A decimal value: mantissa / 10^decimals, shown with exactly `decimals`
// fraction digits (trailing zeros kept, as pages show "175.600").
struct DecimalValue {
  uint64_t mantissa = 0;
  int decimals = 0;
  uint64_t integer_part() const {
    uint64_t p = 1;
    for (int i = 0; i < decimals; ++i) p *= 10;
    return mantissa / p;
  }
};

inline std::string render(const DecimalValue& v, const NumberConvention& c) {
  std::string digits = std::to_string(v.mantissa);
  const auto frac_len = static_cast<size_t>(v.decimals);
  if (digits.size() <= frac_len) digits.insert(0, frac_len + 1 - digits.size(), '0');
  const std::string integer = digits.substr(0, digits.size() - frac_len);
  std::string out;
  for (size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) out += c.group;
    out += integer[i];
  }
  if (frac_len > 0) out += std::string(mark_text(c.mark)) + digits.substr(integer.size());
  return out;
}

// What the rendering of `v` in `c` alone tells about the decimal mark, from
// the model: a shown fraction tells, unless it has 3 digits after a plain
// integer part 1..999 ("123.456" could be grouping); a whole number tells only
// when '.' or ',' groups it more than once ("1,234,567", not "1,234").
inline std::optional<DecimalMark> expected_implied_mark(const DecimalValue& v,
                                                        const NumberConvention& c) {
  const uint64_t integer = v.integer_part();
  if (v.decimals > 0) {
    if (v.decimals == 3 && integer >= 1 && integer <= 999) return std::nullopt;
    return c.mark;
  }
  const bool mark_groups = c.group == "." || c.group == ",";
  if (mark_groups && integer >= 1'000'000) return c.mark;
  return std::nullopt;
}

// Seeded values with 0..8 decimals and integer parts of 0..`max_int_digits`
// digits, plus edge values (zero, 999, 1000, round thousands, zero fractions).
inline std::vector<DecimalValue> sample_decimal_values(uint64_t seed, int max_int_digits) {
  std::mt19937_64 rng(seed);
  std::vector<DecimalValue> out;
  for (int decimals = 0; decimals <= 8; ++decimals) {
    uint64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    for (int int_digits = 0; int_digits <= max_int_digits; ++int_digits) {
      uint64_t lo = 0, hi = 0;  // integer part range with int_digits digits
      if (int_digits > 0) {
        lo = 1;
        for (int i = 1; i < int_digits; ++i) lo *= 10;
        hi = lo * 10 - 1;
      }
      for (int k = 0; k < 3; ++k) {
        const uint64_t integer = std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
        const uint64_t frac = std::uniform_int_distribution<uint64_t>(0, scale - 1)(rng);
        out.push_back({integer * scale + frac, decimals});
      }
    }
    for (const uint64_t integer : {0ULL, 7ULL, 999ULL, 1000ULL, 12000ULL, 1000000ULL}) {
      out.push_back({integer * scale, decimals});
      out.push_back({integer * scale + scale / 2, decimals});
    }
  }
  return out;
}

}  // namespace kz::testing
