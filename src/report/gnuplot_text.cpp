#include "report/gnuplot_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/decimal_text.hpp"

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

std::string epoch_seconds(int64_t milliseconds) {
  return format_fixed_point(milliseconds, 3);
}

}  // namespace kz::gnuplot
