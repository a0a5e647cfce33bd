#pragma once

// The second step of reading an observer page: converting the texts collected
// from its cards and tables (observer_tables.hpp, observer_parser.cpp) to
// values, with the parse functions of common/units.hpp, page_text.hpp and page_dates.hpp.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/observer/observer_tables.hpp"
#include "scrape/observer/page_text.hpp"

namespace kz::observer {

// The texts of the values after each card's labels (by Card), in page order.
using CardTexts = std::array<std::vector<std::string>, kCardCount>;

// The page's decimal mark (see decide_decimal_mark), from the texts of its
// hashrate and BTC cards and of the tables' hashrate and income cells; `locale`
// is the language of the page's labels ("ru", "en"). Throws
// kz::Error(ExitCode::no_data) naming two values that contradict each other.
DecimalMark page_decimal_mark(const CardTexts& cards, const TableTexts& tables,
                              std::string_view locale);

// Whether the card is optional: 24 h average, balance, last income.
bool is_optional(Card card);

// Fills the page's cards, numbers read with `mark`, each from the first of its texts that reads; an
// optional card showing a placeholder ("-", "—", "n/a") is found without a
// value. Returns which cards were found. Throws kz::Error(ExitCode::no_data)
// naming the card and its text when a card has texts and none reads.
std::array<bool, kCardCount> read_cards(const CardTexts& texts, DecimalMark mark,
                                        ObserverPage& page);

// Appends the rows that read to page.workers (hashrates in H/s, last share as
// local time); a row with an unreadable status or hashrate, or repeating the
// name of a row read before it, is counted in page.skipped_rows.
void read_workers(const std::vector<WorkerTexts>& rows, DecimalMark mark, ObserverPage& page);

// Appends the rows that read to page.income (date ISO, BTC in satoshis); an
// unreadable row or a repeated date is counted in page.skipped_rows.
void read_income(const std::vector<IncomeTexts>& rows, DecimalMark mark, ObserverPage& page);

}  // namespace kz::observer
