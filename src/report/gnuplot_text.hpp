#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Text that goes into a gnuplot script: strings, numbers and times.
namespace kz::gnuplot {

// `text` with each control character (newline, tab, ...) replaced by a space: what a chart
// can show of a name.
std::string printable(std::string_view text);

// `text` as a single-quoted gnuplot string literal: quotes doubled, control characters (a newline
// would end the command) replaced by spaces. Backslashes stay literal inside single quotes. The
// terminals are set `noenhanced`, so _ ^ @ & { } ~ in names are drawn as they are.
std::string quoted(std::string_view text);

// `value` in the C locale, shortest text that reads back as the same double ("1e+15",
// "0.1"); "NaN" for a NaN.
std::string number(double value);

// A time in milliseconds since the epoch as seconds, exactly: 1700000000123 -> "1700000000.123".
std::string epoch_seconds(int64_t milliseconds);

}  // namespace kz::gnuplot
