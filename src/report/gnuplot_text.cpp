#include "report/gnuplot_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace kz::gnuplot {

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = ' ';
  }
  return out;
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : printable(text)) {
    if (c == '\'') {
      out += "''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

namespace {

// "<whole>.<fraction with `digits` digits>" of |value| / 10^digits, with the sign of value.
std::string fixed_point(int64_t value, int digits) {
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  // Negate in unsigned arithmetic so INT64_MIN stays exact.
  const bool negative = value < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  const uint64_t unsigned_scale = static_cast<uint64_t>(scale);
  std::string fraction = std::to_string(magnitude % unsigned_scale);
  fraction.insert(0, static_cast<std::size_t>(digits) - fraction.size(), '0');
  return (negative ? "-" : "") + std::to_string(magnitude / unsigned_scale) + "." + fraction;
}

}  // namespace

std::string btc(int64_t satoshis) {
  return fixed_point(satoshis, 8);
}

std::string epoch_seconds(int64_t milliseconds) {
  return fixed_point(milliseconds, 3);
}

}  // namespace kz::gnuplot
