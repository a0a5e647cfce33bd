#include "scrape/antpool/antpool_units.hpp"

#include <array>
#include <cctype>
#include <string>

#include "common/decimal_text.hpp"

namespace kz {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The leading run of digits and '.' (the number) and what follows it, trimmed.
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
    ++end;
  }
  return {text.substr(0, end), trim(text.substr(end))};
}

std::optional<DecimalText> non_negative(std::string_view text) {
  auto value = parse_decimal_text(text);
  if (!value || value->negative) return std::nullopt;
  return value;
}

std::optional<double> scaled(DecimalText value, int power) {
  value.exponent += power;
  return decimal_to_double(value);
}

bool is_zero(const DecimalText& value) {
  return value.digits.empty();
}

// 10^power of "H/s", "KH/s" ... "EH/s" in any case; nullopt for anything else.
std::optional<int> unit_power(std::string_view unit) {
  static constexpr std::array<char, 7> kPrefixes = {'\0', 'K', 'M', 'G', 'T', 'P', 'E'};
  std::string upper(unit);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < kPrefixes.size(); ++i) {
    const std::string name = kPrefixes[i] == '\0' ? "H/S" : std::string(1, kPrefixes[i]) + "H/S";
    if (upper == name) return static_cast<int>(3 * i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> antpool_hashrate_hs(std::string_view text) {
  const auto [number, unit] = split_number(trim(text));
  const auto value = non_negative(number);
  if (!value) return std::nullopt;
  if (unit.empty()) return is_zero(*value) ? std::optional<double>(0.0) : std::nullopt;
  const auto power = unit_power(unit);
  if (!power) return std::nullopt;
  return scaled(*value, *power);
}

std::optional<double> antpool_scaled_hs(std::string_view text, int power) {
  const auto value = non_negative(trim(text));
  if (!value) return std::nullopt;
  return scaled(*value, power);
}

std::optional<double> antpool_percent_fraction(std::string_view text) {
  const auto [number, rest] = split_number(trim(text));
  const auto value = non_negative(number);
  if (!value) return std::nullopt;
  if (rest.empty()) return is_zero(*value) ? std::optional<double>(0.0) : std::nullopt;
  if (rest != "%") return std::nullopt;
  return scaled(*value, -2);
}

}  // namespace kz
