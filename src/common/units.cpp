#include "common/units.hpp"

#include <array>
#include <limits>

#include "common/decimal_text.hpp"
#include "common/number_text.hpp"

namespace kz {
namespace {

using number_text::Decimal;
using number_text::NumberText;
using number_text::Sep;

constexpr int64_t kSatPerBtc = 100'000'000;

Sep sep_of(DecimalMark mark) {
  return mark == DecimalMark::dot ? Sep::dot : Sep::comma;
}

// The non-negative number at the start of `text` read with `mark` (nullopt:
// as a value read alone), and the rest of `text` in `unit`.
std::optional<Decimal> read_amount(std::string_view text, std::optional<DecimalMark> mark,
                                   std::string_view& unit) {
  const auto [number, rest] = number_text::split_unit(text);
  unit = rest;
  const std::optional<NumberText> t = number_text::split_groups(number);
  if (!t || t->negative) return std::nullopt;
  return number_text::read_decimal(*t, mark ? sep_of(*mark) : number_text::lone_value_mark(*t));
}

// Maps a hashrate unit to its power of ten: "TH/s" -> 12. Cyrillic look-alike
// letters are read as their Latin counterparts.
std::optional<int> hashrate_unit_exponent(std::string_view unit) {
  struct Cyrillic {
    std::string_view utf8;
    char latin;
  };
  static constexpr Cyrillic kCyrillic[] = {
      {"К", 'k'}, {"к", 'k'}, {"М", 'm'}, {"м", 'm'}, {"Г", 'g'}, {"г", 'g'}, {"Т", 't'},
      {"т", 't'}, {"П", 'p'}, {"п", 'p'}, {"Э", 'e'}, {"э", 'e'}, {"Е", 'e'}, {"е", 'e'},
      {"Н", 'h'}, {"н", 'h'}, {"Х", 'h'}, {"х", 'h'}, {"С", 's'}, {"с", 's'}};
  std::array<char, 6> ascii{};
  size_t n = 0;
  for (size_t i = 0; i < unit.size();) {
    if (n == ascii.size()) return std::nullopt;
    const char c = unit[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/') {
      ascii[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      ++i;
      continue;
    }
    bool mapped = false;
    for (const Cyrillic& cyr : kCyrillic) {
      if (unit.substr(i).starts_with(cyr.utf8)) {
        ascii[n++] = cyr.latin;
        i += cyr.utf8.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) return std::nullopt;
  }
  const std::string_view u(ascii.data(), n);
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"h/s", 0}, {"kh/s", 3}, {"mh/s", 6}, {"gh/s", 9}, {"th/s", 12}, {"ph/s", 15}, {"eh/s", 18}};
  for (const auto& [name, exponent] : kUnits) {
    if (u == name) return exponent;
  }
  return std::nullopt;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// Appends decimal digits to `value`; nullopt on int64 overflow.
std::optional<int64_t> accumulate(int64_t value, std::string_view digits) {
  for (const char c : digits) {
    const int d = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

// The decimal `dec` times 10^`exponent`, in the form decimal_text.hpp computes with.
DecimalText as_decimal_text(const Decimal& dec, int exponent) {
  std::string_view digits(dec.digits.data(), dec.int_len + dec.frac_len);
  int64_t scale = static_cast<int64_t>(exponent) - static_cast<int64_t>(dec.frac_len);
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == '0') {
    digits.remove_suffix(1);
    ++scale;
  }
  return {.negative = dec.negative && !digits.empty(),
          .digits = std::string(digits),
          .exponent = digits.empty() ? 0 : scale};
}

// The double nearest to the decimal `dec` times 10^`exponent`.
std::optional<double> to_double(const Decimal& dec, int exponent) {
  const DecimalText value = as_decimal_text(dec, exponent);
  if (value.digits.size() > 19) return std::nullopt;  // more precision than the page ever shows
  return decimal_to_double(value);
}

std::optional<double> hashrate_hs(std::string_view text, std::optional<DecimalMark> mark) {
  std::string_view unit;
  const std::optional<Decimal> dec = read_amount(text, mark, unit);
  if (!dec) return std::nullopt;
  const std::optional<int> unit_exponent = hashrate_unit_exponent(unit);
  if (!unit_exponent) return std::nullopt;
  return to_double(*dec, *unit_exponent);
}

std::optional<int64_t> btc_sat(std::string_view text, std::optional<DecimalMark> mark) {
  std::string_view unit;
  const std::optional<Decimal> dec = read_amount(text, mark, unit);
  if (!dec || (!unit.empty() && !iequals_ascii(unit, "btc"))) return std::nullopt;
  // A fraction of a satoshi is refused, never rounded silently.
  return decimal_to_integer(as_decimal_text(*dec, 0), 8, Rounding::exact);
}

bool has_digit(std::string_view s) {
  for (const char c : s) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

}  // namespace

size_t space_length(std::string_view t) {
  if (t.empty()) return 0;
  const auto b = [&](size_t i) { return static_cast<unsigned char>(t[i]); };
  switch (t[0]) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
      return 1;
    default:
      break;
  }
  if (t.size() >= 2 && b(0) == 0xC2 && b(1) == 0xA0) return 2;
  if (t.size() >= 3 && b(0) == 0xE2 && b(1) == 0x80 && (b(2) == 0x89 || b(2) == 0xAF)) return 3;
  return 0;
}

std::string_view trim_space(std::string_view text) {
  while (size_t n = space_length(text)) text.remove_prefix(n);
  while (!text.empty()) {
    size_t n = 0;
    if (static_cast<unsigned char>(text.back()) < 0x80) {
      n = space_length(text.substr(text.size() - 1));
    } else if (text.ends_with("\u00A0")) {
      n = 2;
    } else if (text.ends_with("\u2009") || text.ends_with("\u202F")) {
      n = 3;
    }
    if (n == 0) break;
    text.remove_suffix(n);
  }
  return text;
}

std::optional<DecimalMark> implied_decimal_mark(std::string_view text) {
  bool has_mark = false;  // a plain loop: find_first_of(".,") is a memchr per character
  for (const char c : text) has_mark = has_mark || c == '.' || c == ',';
  if (!has_mark) return std::nullopt;
  const auto [number, unit] = number_text::split_unit(text);
  if (has_digit(unit)) return std::nullopt;  // a date, a time, a version: not one number
  const std::optional<NumberText> t = number_text::split_groups(number);
  if (!t) return std::nullopt;
  const bool dot = number_text::integer_groups(*t, Sep::dot).has_value();
  const bool comma = number_text::integer_groups(*t, Sep::comma).has_value();
  if (dot == comma) return std::nullopt;
  return dot ? DecimalMark::dot : DecimalMark::comma;
}

std::optional<double> parse_hashrate_hs(std::string_view text, DecimalMark mark) {
  return hashrate_hs(text, mark);
}

std::optional<double> parse_hashrate_hs(std::string_view text) {
  return hashrate_hs(text, std::nullopt);
}

std::optional<int64_t> parse_btc_sat(std::string_view text, DecimalMark mark) {
  return btc_sat(text, mark);
}

std::optional<int64_t> parse_btc_sat(std::string_view text) {
  return btc_sat(text, std::nullopt);
}

std::optional<int64_t> parse_count(std::string_view text) {
  const std::optional<NumberText> t = number_text::split_groups(trim_space(text));
  if (!t || t->negative) return std::nullopt;
  const std::optional<Decimal> dec = number_text::read_decimal(*t, std::nullopt);
  if (!dec) return std::nullopt;
  return accumulate(0, dec->int_digits());
}

std::string format_btc(int64_t sat) {
  return format_fixed_point(sat, 8);
}

}  // namespace kz
