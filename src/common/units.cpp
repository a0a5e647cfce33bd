#include "common/units.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace kz {
namespace {

constexpr size_t kMaxDigits = 40;
constexpr size_t kMaxGroups = 16;
constexpr int64_t kSatPerBtc = 100'000'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The digits of a decimal number, integer part first, without separators.
struct Decimal {
  std::array<char, kMaxDigits> digits{};
  size_t int_len = 0;
  size_t frac_len = 0;
  std::string_view int_digits() const { return {digits.data(), int_len}; }
  std::string_view frac_digits() const { return {digits.data() + int_len, frac_len}; }
};

enum class Fraction { allowed, forbidden };

std::optional<Decimal> parse_decimal(std::string_view s, Fraction fraction) {
  struct Group {
    size_t start = 0;
    size_t len = 0;
  };
  std::array<Group, kMaxGroups> groups{};
  std::array<char, kMaxGroups> seps{};  // seps[i] separates groups[i] and groups[i + 1]
  size_t n_groups = 0;
  size_t i = 0;
  while (true) {
    if (n_groups == kMaxGroups || i >= s.size() || !is_digit(s[i])) return std::nullopt;
    Group& g = groups[n_groups++];
    g.start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    g.len = i - g.start;
    if (i == s.size()) break;
    if (s[i] == '.' || s[i] == ',') {
      seps[n_groups - 1] = s[i];
      ++i;
    } else if (size_t n = space_length(s.substr(i)); n > 0) {
      seps[n_groups - 1] = ' ';
      i += n;
    } else {
      return std::nullopt;
    }
  }
  const size_t n_seps = n_groups - 1;
  size_t dots = 0, commas = 0;
  size_t last_dot = 0, last_comma = 0;
  for (size_t k = 0; k < n_seps; ++k) {
    if (seps[k] == '.') {
      ++dots;
      last_dot = k;
    } else if (seps[k] == ',') {
      ++commas;
      last_comma = k;
    }
  }
  std::optional<size_t> decimal_sep;
  if (fraction == Fraction::allowed) {
    if (dots > 0 && commas > 0) {
      const bool dot_last = last_dot > last_comma;
      if ((dot_last ? dots : commas) != 1) return std::nullopt;
      decimal_sep = dot_last ? last_dot : last_comma;
    } else if (dots == 1) {
      decimal_sep = last_dot;
    } else if (commas == 1) {
      decimal_sep = last_comma;
    }
    if (decimal_sep && *decimal_sep != n_seps - 1) return std::nullopt;
  }
  const size_t int_groups = decimal_sep ? n_groups - 1 : n_groups;
  if (int_groups > 1) {
    if (groups[0].len > 3) return std::nullopt;
    for (size_t k = 1; k < int_groups; ++k) {
      if (groups[k].len != 3) return std::nullopt;
    }
  }
  Decimal out;
  size_t n = 0;
  for (size_t k = 0; k < n_groups; ++k) {
    if (n + groups[k].len > kMaxDigits) return std::nullopt;
    for (size_t j = 0; j < groups[k].len; ++j) out.digits[n++] = s[groups[k].start + j];
    if (k + 1 == int_groups) out.int_len = n;
  }
  out.frac_len = n - out.int_len;
  return out;
}

// Length of the leading run of digits, '.', ',' and spaces.
size_t numeric_prefix_length(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (is_digit(s[i]) || s[i] == '.' || s[i] == ',') {
      ++i;
    } else if (size_t n = space_length(s.substr(i)); n > 0) {
      i += n;
    } else {
      break;
    }
  }
  return i;
}

// Splits "1 234,5 TH/s" into the number and the unit.
std::pair<std::string_view, std::string_view> split_unit(std::string_view text) {
  text = trim_space(text);
  const size_t n = numeric_prefix_length(text);
  return {trim_space(text.substr(0, n)), trim_space(text.substr(n))};
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
    for (size_t len = 1; len <= 3 && len <= text.size(); ++len) {
      if (space_length(text.substr(text.size() - len)) == len) n = len;
    }
    if (n == 0) break;
    text.remove_suffix(n);
  }
  return text;
}

std::optional<double> parse_hashrate_hs(std::string_view text) {
  const auto [number, unit] = split_unit(text);
  const std::optional<int> unit_exponent = hashrate_unit_exponent(unit);
  if (!unit_exponent) return std::nullopt;
  const std::optional<Decimal> dec = parse_decimal(number, Fraction::allowed);
  if (!dec) return std::nullopt;
  std::string_view digits(dec->digits.data(), dec->int_len + dec->frac_len);
  int exponent = *unit_exponent - static_cast<int>(dec->frac_len);
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == '0') {
    digits.remove_suffix(1);
    ++exponent;
  }
  if (digits.empty()) return 0.0;
  if (digits.size() > 19) return std::nullopt;  // more precision than the page ever shows
  uint64_t mantissa = 0;
  for (const char c : digits) mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
  // A whole number that fits 64 bits converts with a single rounding.
  for (; exponent > 0 && mantissa <= std::numeric_limits<uint64_t>::max() / 10; --exponent) {
    mantissa *= 10;
  }
  // Powers of ten up to 1e22 are exact doubles, so one multiplication or
  // division rounds once and exact values stay exact.
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const auto m = static_cast<double>(mantissa);
  if (exponent >= 0 && exponent <= 22) return m * kPow10[exponent];
  if (exponent < 0 && exponent >= -22) return m / kPow10[-exponent];
  return m * std::pow(10.0, exponent);
}

std::optional<int64_t> parse_btc_sat(std::string_view text) {
  const auto [number, unit] = split_unit(text);
  if (!unit.empty() && !iequals_ascii(unit, "btc")) return std::nullopt;
  const std::optional<Decimal> dec = parse_decimal(number, Fraction::allowed);
  if (!dec) return std::nullopt;
  const std::optional<int64_t> whole = accumulate(0, dec->int_digits());
  if (!whole) return std::nullopt;
  int64_t frac = 0;
  size_t i = 0;
  for (const char c : dec->frac_digits()) {
    if (i++ < 8) {
      frac = frac * 10 + (c - '0');
    } else if (c != '0') {
      return std::nullopt;  // a fraction of a satoshi: never round silently
    }
  }
  for (; i < 8; ++i) frac *= 10;
  if (*whole > (std::numeric_limits<int64_t>::max() - frac) / kSatPerBtc) return std::nullopt;
  return *whole * kSatPerBtc + frac;
}

std::optional<int64_t> parse_count(std::string_view text) {
  const std::optional<Decimal> dec = parse_decimal(trim_space(text), Fraction::forbidden);
  if (!dec) return std::nullopt;
  return accumulate(0, dec->int_digits());
}

std::string format_btc(int64_t sat) {
  const uint64_t magnitude =
      sat < 0 ? uint64_t{0} - static_cast<uint64_t>(sat) : static_cast<uint64_t>(sat);
  const auto per_btc = static_cast<uint64_t>(kSatPerBtc);
  std::string frac = std::to_string(magnitude % per_btc);
  frac.insert(0, 8 - frac.size(), '0');
  return (sat < 0 ? "-" : "") + std::to_string(magnitude / per_btc) + "." + frac;
}

}  // namespace kz
