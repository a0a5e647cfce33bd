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

// "38.384 PH/s", "38,384 PH/s", "1 234,567 TH/s", "181.037TH/s", "0 H/s" -> H/s.
// Units H/s .. EH/s, any letter case, Cyrillic look-alikes ("ТН/с") accepted.
// The value is computed from the exact decimal digits (integer mantissa times a
// power of ten), so "137.937 TH/s" is exactly 137937e9. Decimal separator: the
// last of '.' and ',' when both occur; a single '.' or ',' is decimal; a
// repeated one is a thousands separator. Spaces are thousands separators, and
// every thousands group must have three digits. A unit is required.
std::optional<double> parse_hashrate_hs(std::string_view text);

// "0.01864218BTC", "0.01864218 BTC", "0.01864218", "0,01864218 BTC",
// "1 234.5 BTC" -> satoshis. More than 8 decimals only if the extra digits are
// zeros; negative values, overflow and anything else give nullopt. Integer
// arithmetic only.
std::optional<int64_t> parse_btc_sat(std::string_view text);

// A non-negative integer with optional thousands separators ("1 234", "1,234").
std::optional<int64_t> parse_count(std::string_view text);

// 1864218 -> "0.01864218": always 8 decimals, exact.
std::string format_btc(int64_t sat);

}  // namespace kz
