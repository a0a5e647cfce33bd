#pragma once

#include <string_view>
#include <vector>

#include "common/units.hpp"

namespace kz {

// The decimal mark a locale writes: comma for Russian and Kazakh ("ru",
// "ru-RU", "kk_KZ", any case), dot for "en" and anything else (also "").
DecimalMark locale_decimal_mark(std::string_view locale);

// The page's decimal mark, decided once for the whole page. `values` are the
// value texts of the page's cards and numeric cells; texts that are no number
// ("ONLINE", "22.11.2026 10:33") say nothing. In order:
// - the mark its unambiguous numbers imply (implied_decimal_mark): "0.01864218
//   BTC" and "1,234.5" a point, "0,5" and "1 234,5" a comma;
// - without any, the locale's convention (locale_decimal_mark), except that a
//   comma locale ("ru") groups digits with spaces, never with '.', so there a
//   '.' is decimal: btcpool.kz's Russian page writes "137.937 TH/s" in en-US
//   style. On such a page a '.' next to a decimal comma, or next to an
//   ambiguous "1,234", is a contradiction.
// Throws kz::Error(ExitCode::no_data) naming two values when the page's
// numbers contradict each other; never guesses. Cost: one pass, no allocation.
DecimalMark decide_decimal_mark(const std::vector<std::string_view>& values,
                                std::string_view locale);

}  // namespace kz
