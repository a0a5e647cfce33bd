#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

// Internal to src/common: the number syntax of units.hpp, read into digit
// groups and checked against a decimal mark. Shared by the parsers there.
namespace kz::number_text {

constexpr size_t kMaxDigits = 40;
constexpr size_t kMaxGroups = 16;
constexpr size_t kMaxLength = 255;  // bytes of a number's text: offsets fit a uint8_t

// The separators between digit groups. `space` stands for every space
// character of space_length(), `apostrophe` for ' and U+2019.
enum class Sep : uint8_t { dot, comma, space, apostrophe };

// A number as written: an optional minus sign, then digit groups joined by
// single separators ("1 234,5" -> "1", "234", "5" joined by space and comma).
// `text` is the caller's string: a NumberText lives no longer than it.
struct NumberText {
  struct Group {
    uint8_t start = 0;
    uint8_t len = 0;
  };
  std::string_view text;
  bool negative = false;
  std::array<Group, kMaxGroups> groups;
  std::array<Sep, kMaxGroups> seps;  // seps[i] joins groups[i] and groups[i + 1]
  size_t n_groups = 0;
};

// "1 234,5" -> its groups; nullopt unless `number` is exactly a number (no
// unit, no outer spaces), or with more than kMaxGroups groups or kMaxLength
// bytes.
std::optional<NumberText> split_groups(std::string_view number);

// How many leading groups of `t` form the integer part when `decimal` is the
// decimal mark (nullopt: no fraction allowed), or nullopt when `t` is not
// well-formed that way (see units.hpp).
std::optional<size_t> integer_groups(const NumberText& t, std::optional<Sep> decimal);

// The decimal mark of a value read alone (the one-argument parsers): the last
// of '.' and ',' when both occur, a single one, or the other of a repeated one.
Sep lone_value_mark(const NumberText& t);

// The digits of a decimal number, integer part first, without separators.
struct Decimal {
  std::array<char, kMaxDigits> digits{};
  size_t int_len = 0;
  size_t frac_len = 0;
  bool negative = false;
  std::string_view int_digits() const { return {digits.data(), int_len}; }
  std::string_view frac_digits() const { return {digits.data() + int_len, frac_len}; }
};

// The digits of `t` read with `decimal` as in integer_groups(); nullopt when
// malformed or longer than kMaxDigits.
std::optional<Decimal> read_decimal(const NumberText& t, std::optional<Sep> decimal);

// Splits "1 234,5 TH/s" into the number and the unit, both trimmed.
std::pair<std::string_view, std::string_view> split_unit(std::string_view text);

}  // namespace kz::number_text
