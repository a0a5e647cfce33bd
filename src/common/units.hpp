#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kz {

// Length in bytes of the space character at the start of `text` (ASCII
// whitespace, NBSP U+00A0, thin space U+2009, narrow NBSP U+202F), or 0.
size_t space_length(std::string_view text);

// `text` without leading and trailing spaces as defined by space_length().
std::string_view trim_space(std::string_view text);

// Which of '.' and ',' separates a number's integer part from its fraction.
enum class DecimalMark { dot, comma };

// The number syntax shared by the functions below. With a given mark, that
// character is the decimal mark; it occurs at most once, between the integer
// part and its fraction, and is followed and preceded by a digit. The other
// one of '.' / ',', spaces (see space_length()) and apostrophes (' and U+2019)
// are group separators: an integer part of several groups uses one kind of
// separator throughout, its first group has 1-3 digits and does not start with
// '0', every later group has exactly 3 digits. The fraction is not grouped.
// A leading '-' or Unicode minus U+2212 is read as a minus sign; a negative
// hashrate, BTC amount or count is nullopt, never its absolute value (also
// "-0"). The text may carry a unit after the number, with or without a space.

// What the number at the start of `text` (a value as shown, unit allowed:
// "1,234.5 TH/s") says by itself about the decimal mark: the one mark under
// which the number is well-formed, when it is well-formed under exactly one.
// So, for a text whose rest after the number holds no digit:
//  - both '.' and ',' present: the last one is decimal ("1,234.5", "1.234,5");
//  - one of them repeated: it groups, so the other is decimal ("1,234,567");
//  - one of them once: decimal when followed by a digit count other than 3
//    ("1,5", "1.2345"), after a leading "0" group ("0,123"), after a first
//    group longer than 3 digits ("1234,567"), or after groups separated by
//    spaces or apostrophes ("1 234,567", "1'234.567");
//  - otherwise ambiguous, nullopt: "1,234", "123.456", "1 234", "12", "0".
// Also nullopt when `text` is no well-formed number ("1.2.3,4,5", "v1.5",
// "22.11.2026", "11/22/2026", "10:33"). Cheap: without '.' or ',' it returns
// at once.
std::optional<DecimalMark> implied_decimal_mark(std::string_view text);

// "38.384 PH/s", "1,234 TH/s" (dot: 1234 TH/s), "1 234,567 TH/s" (comma),
// "181.037TH/s", "0 H/s" -> H/s. Units H/s .. EH/s, any letter case, Cyrillic
// look-alikes ("ТН/с") accepted; a unit is required. The result is the double
// nearest to the exact decimal value (at most 19 significant digits), so
// "137.937 TH/s" is exactly 137937e9. Malformed (see above) or negative:
// nullopt.
std::optional<double> parse_hashrate_hs(std::string_view text, DecimalMark mark);

// "0.01864218BTC", "0.01864218 BTC", "0.01864218", "1 234,5 BTC" (comma)
// -> satoshis. More than 8 decimals only if the extra digits are zeros;
// negative values, overflow and anything else give nullopt. Integer
// arithmetic only.
std::optional<int64_t> parse_btc_sat(std::string_view text, DecimalMark mark);

// Without a mark, for callers that read one value alone: the decimal mark is
// the last of '.' and ',' when both occur; a single '.' or ',' is decimal
// ("1,234 TH/s" is 1.234 TH/s); a repeated one groups. Prefer the overloads
// above with the page's mark (see kz::decide_decimal_mark).
std::optional<double> parse_hashrate_hs(std::string_view text);
std::optional<int64_t> parse_btc_sat(std::string_view text);

// A non-negative integer with optional group separators of one kind ("1 234",
// "1,234", "1.234.567", "1'234", NBSP, U+202F, U+2009); no fraction.
std::optional<int64_t> parse_count(std::string_view text);

// 1864218 -> "0.01864218": always 8 decimals, exact.
std::string format_btc(int64_t sat);

}  // namespace kz
