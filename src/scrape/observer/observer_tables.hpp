#pragma once

// The observer page's data tables: which of the page's tables hold workers and
// daily income (by their header text on the table's grid, see table_grid.hpp),
// and the texts of their rows. Reading happens in two steps: the rows' texts
// are collected first (collect_tables), then converted to values
// (observer_values.hpp), so that a page-wide decision on how numbers are
// written can sit between the two.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "scrape/observer/html_tree.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/observer/page_text.hpp"

namespace kz::observer {

inline constexpr size_t kColumns = static_cast<size_t>(Column::income) + 1;

// A table's columns, from its header rows. A column's role comes from the text
// of every header cell above it, top to bottom ("Hashrate" over "10 min" reads
// "hashrate 10 min"); a header cell spanning several grid columns gives its
// role to all of them.
struct TableLayout {
  const html::Node* table = nullptr;
  std::array<int, kColumns> column{};   // first grid column by Column, -1 when absent
  std::array<int, kColumns> span{};     // grid columns under that header cell
  size_t columns = 0;                   // grid width of the header
  std::vector<const html::Node*> rows;  // candidate data rows: after the header, with a <td>
  bool russian_headers = false;
  int at(Column c) const { return column[static_cast<size_t>(c)]; }
  int span_of(Column c) const { return span[static_cast<size_t>(c)]; }
};

TableLayout read_table(const html::Node* table, html::TextWalker& walker);

bool is_workers_table(const TableLayout& t);
bool is_income_table(const TableLayout& t);

// One workers table row as text. `row` counts the table's data rows from 1.
struct WorkerTexts {
  int row = 0;
  std::string name;  // as shown (html::TextWalker::exact_text)
  std::string status, hashrate_10m, hashrate_1h, hashrate_24h;
  std::optional<std::string> last_share;
};

struct IncomeTexts {
  int row = 0;
  std::string date, income;
  std::optional<std::string> hashrate;  // nullopt: the table has no hashrate column
};

struct TableTexts {
  std::vector<TableLayout> layouts;      // the workers and income tables, in page order
  std::vector<const html::Node*> nodes;  // their <table> elements
  bool have_workers = false;
  std::vector<WorkerTexts> workers;
  std::vector<IncomeTexts> income;
  // Rows dropped before conversion: cut off (not ending before `eof`, see
  // html::Document::end_of_input) or lacking a required cell or a name. A
  // placeholder row (one cell spanning more than half the columns, such as
  // "No workers") is no data row and is not counted.
  int skipped_rows = 0;
};

// Collects the rows of the first workers table and the first income table
// among `tables` (in page order). Throws kz::Error(ExitCode::no_data) when two
// workers rows have the same name containing U+FFFD: decoding the page made
// distinct names equal.
TableTexts collect_tables(const std::vector<const html::Node*>& tables, html::TextWalker& walker,
                          size_t eof);

// Both steps (collect_tables, then read_workers and read_income of
// observer_values.hpp) into `page`; rows dropped in either step are counted in
// page.skipped_rows.
TableTexts read_data_tables(const std::vector<const html::Node*>& tables, html::TextWalker& walker,
                            size_t eof, ObserverPage& page);

}  // namespace kz::observer
