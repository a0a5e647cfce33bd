#include "common/decimal_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace kz {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr std::size_t kMaxExponentDigits = 6;

}  // namespace

std::optional<DecimalText> parse_decimal_text(std::string_view text) {
  DecimalText value;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) value.negative = text[i++] == '-';
  std::string digits;
  int64_t fraction_digits = 0;
  bool point = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    if (is_digit(text[i])) {
      any_digit = true;
      if (!digits.empty() || text[i] != '0') digits += text[i];
      if (point) ++fraction_digits;
    } else if (text[i] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative_exponent = text[i++] == '-';
    const std::size_t start = i;
    std::size_t significant = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (significant > 0 || text[i] != '0') {
        if (++significant > kMaxExponentDigits) return std::nullopt;
        exponent = exponent * 10 + (text[i] - '0');
      }
    }
    if (i == start) return std::nullopt;
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  // Leading zeros are gone; the digits after the point that were leading zeros still count.
  int64_t scale = fraction_digits;
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    --scale;
  }
  value.digits = std::move(digits);
  value.exponent = value.digits.empty() ? 0 : exponent - scale;
  if (value.digits.empty()) value.negative = false;
  return value;
}

std::optional<double> decimal_to_double(const DecimalText& value) {
  if (value.digits.empty()) return 0.0;
  const std::string text =
      (value.negative ? "-" : "") + value.digits + "e" + std::to_string(value.exponent);
  double result = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(result) ||
      result == 0) {
    return std::nullopt;
  }
  return result;
}

std::optional<int64_t> decimal_to_integer(const DecimalText& value, int scale, Rounding rounding) {
  if (value.digits.empty()) return 0;
  const int64_t shift = value.exponent + scale;  // integer = digits * 10^shift
  const auto digit_count = static_cast<int64_t>(value.digits.size());
  // Digits kept in the integer part; the rest are below one unit.
  const int64_t kept = shift >= 0 ? digit_count : digit_count + shift;
  if (kept < digit_count && rounding == Rounding::exact) return std::nullopt;
  if (kept + std::max<int64_t>(shift, 0) > std::numeric_limits<int64_t>::digits10 + 1) {
    return std::nullopt;
  }
  int64_t magnitude = 0;
  const auto times_ten_plus = [&magnitude](int digit) {
    return !__builtin_mul_overflow(magnitude, 10, &magnitude) &&
           !__builtin_add_overflow(magnitude, digit, &magnitude);
  };
  for (int64_t i = 0; i < kept; ++i) {
    if (!times_ten_plus(value.digits[static_cast<std::size_t>(i)] - '0')) return std::nullopt;
  }
  for (int64_t i = 0; i < shift; ++i) {
    if (!times_ten_plus(0)) return std::nullopt;
  }
  // Below one unit: the first dropped digit says whether the rest is at least a half.
  if (kept >= 0 && kept < digit_count && value.digits[static_cast<std::size_t>(kept)] >= '5' &&
      __builtin_add_overflow(magnitude, 1, &magnitude)) {
    return std::nullopt;
  }
  return value.negative ? -magnitude : magnitude;
}

std::string format_fixed_point(int64_t units, int decimals) {
  // Negated in unsigned arithmetic, so that INT64_MIN stays exact.
  const uint64_t magnitude =
      units < 0 ? uint64_t{0} - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string fraction = std::to_string(magnitude % scale);
  fraction.insert(0, static_cast<std::size_t>(decimals) - fraction.size(), '0');
  return (units < 0 ? "-" : "") + std::to_string(magnitude / scale) + "." + fraction;
}

}  // namespace kz
