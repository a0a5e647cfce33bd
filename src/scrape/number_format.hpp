#pragma once

#include <string_view>
#include <vector>

#include "common/units.hpp"

namespace kz {

// The decimal mark a locale writes: comma for Russian and Kazakh ("ru",
// "ru-RU", "kk_KZ", any case), dot for "en" and anything else (also "").
DecimalMark locale_decimal_mark(std::string_view locale);

// The page's decimal mark, decided once for the whole page: the mark its
// unambiguous numbers imply (implied_decimal_mark) when they agree, else the
// locale's convention (locale_decimal_mark), except that on a comma locale's
// page whose ambiguous numbers all use '.' ("137.937 TH/s") the dot is decimal:
// such locales group digits with spaces, never with '.'. The page's own numbers win over
// its locale: a page labelled "ru" that shows "0.01761204BTC" writes a decimal
// dot. `values` are the value texts of the page's cards and numeric cells;
// texts that are no number ("ONLINE", "22.11.2026 10:33") are no evidence.
// Throws kz::Error(ExitCode::no_data) naming two values when the page's
// numbers contradict each other ("... "1,234.5 TH/s" has a decimal point but
// "0,5 BTC" a decimal comma"); never guesses. Cost: one pass, no allocation.
DecimalMark decide_decimal_mark(const std::vector<std::string_view>& values,
                                std::string_view locale);

}  // namespace kz
