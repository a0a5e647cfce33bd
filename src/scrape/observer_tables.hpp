#pragma once

// The observer page's data tables: which of the page's tables hold workers and
// daily income (by their header text), and the rows read from them.

#include <array>
#include <cstddef>
#include <vector>

#include "scrape/html_tree.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/page_text.hpp"

namespace kz::observer {

inline constexpr size_t kColumns = static_cast<size_t>(Column::income) + 1;

// A table's columns, from its header row.
struct TableLayout {
  const html::Node* table = nullptr;
  std::array<int, kColumns> column{};   // cell index by Column, -1 when absent
  std::vector<const html::Node*> rows;  // data rows
  bool russian_headers = false;
  int at(Column c) const { return column[static_cast<size_t>(c)]; }
};

TableLayout read_table(const html::Node* table, html::TextWalker& walker);

bool is_workers_table(const TableLayout& t);
bool is_income_table(const TableLayout& t);

struct DataTables {
  std::vector<TableLayout> layouts;      // the workers and income tables, in page order
  std::vector<const html::Node*> nodes;  // their <table> elements
  bool have_workers = false;
};

// Reads the first workers table and the first income table among `tables`
// (in page order) into `page`. A row is used only when it is complete (ends
// before `eof`, see html::Document::end_of_input) and reads; other data rows
// are counted in page.skipped_rows.
DataTables read_data_tables(const std::vector<const html::Node*>& tables, html::TextWalker& walker,
                            size_t eof, ObserverPage& page);

}  // namespace kz::observer
