#pragma once

#include <optional>
#include <string_view>

namespace kz {

// Antpool's value texts (../shared/antpool-api.md §5.4, §6). Each reads the exact decimal and
// converts without going through another double, so a hashrate is never truncated. Negative
// values, group separators, ',' decimals and any other text are nullopt (never a guess).

// "116.34 TH/s", "116.34TH/s", "0.00 h/s": a decimal, optional spaces, and a unit from H/s to
// EH/s in any letter case -> H/s. "0" (zero without a unit) is 0; any other unit-less number is
// nullopt, as its unit is unknown.
std::optional<double> antpool_hashrate_hs(std::string_view text);

// A plain decimal `text` in a unit 10^`power` H/s ("412345678.90" MH/s: power 6) -> H/s.
std::optional<double> antpool_scaled_hs(std::string_view text, int power);

// "0.03%", "0.03 %" -> 0.0003 (a fraction); "0" -> 0. A number without '%' is nullopt.
std::optional<double> antpool_percent_fraction(std::string_view text);

}  // namespace kz
