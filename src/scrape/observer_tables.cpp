#include "scrape/observer_tables.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "common/units.hpp"

namespace kz::observer {
namespace {

using html::Node;

// Reads the cells of data rows; a row is used only when it is complete.
class RowReader {
 public:
  RowReader(html::TextWalker& walker, size_t eof) : walker_(walker), eof_(eof) {}

  // False when the row was cut off by the end of the input.
  bool load(const Node* row) {
    html::row_cells(row, cells_);
    if (buffers_.size() < cells_.size()) buffers_.resize(cells_.size());
    return html::complete(row, eof_);
  }
  // The cell's text, valid until the next load(), or nullopt when the row lacks it.
  std::optional<std::string_view> cell(int column) {
    if (column < 0 || static_cast<size_t>(column) >= cells_.size()) return std::nullopt;
    std::string& buffer = buffers_[static_cast<size_t>(column)];
    walker_.text(cells_[static_cast<size_t>(column)], buffer);
    return buffer;
  }

 private:
  html::TextWalker& walker_;
  size_t eof_;
  std::vector<const Node*> cells_;
  std::vector<std::string> buffers_;  // one per column, reused from row to row
};

void read_workers(const TableLayout& t, RowReader& reader, ObserverPage& page) {
  page.workers.reserve(t.rows.size());  // `names` points into the rows: no reallocation
  std::unordered_set<std::string_view> names;
  names.reserve(t.rows.size());
  for (const Node* row : t.rows) {
    if (!reader.load(row)) {
      ++page.skipped_rows;
      continue;
    }
    const auto name = reader.cell(t.at(Column::name));
    const auto status_text = reader.cell(t.at(Column::status));
    const auto h10 = reader.cell(t.at(Column::hashrate_10m));
    const auto h1 = reader.cell(t.at(Column::hashrate_1h));
    const auto h24 = reader.cell(t.at(Column::hashrate_24h));
    if (!name || name->empty() || !status_text || !h10 || !h1 || !h24 || names.contains(*name)) {
      ++page.skipped_rows;
      continue;
    }
    const auto status = parse_status(*status_text);
    const auto hs10 = parse_hashrate_hs(*h10);
    const auto hs1 = parse_hashrate_hs(*h1);
    const auto hs24 = parse_hashrate_hs(*h24);
    if (!status || !hs10 || !hs1 || !hs24) {
      ++page.skipped_rows;
      continue;
    }
    WorkerRow& w = page.workers.emplace_back();
    w.name = std::string(*name);
    w.status = *status;
    w.hashrate_10m_hs = *hs10;
    w.hashrate_1h_hs = *hs1;
    w.hashrate_24h_hs = *hs24;
    if (const auto share = reader.cell(t.at(Column::last_share))) {
      w.last_share_local = parse_share_time(*share);
    }
    names.insert(w.name);
  }
}

int income_hashrate_column(const TableLayout& t) {
  int best = -1;
  for (const Column c : {Column::hashrate, Column::hashrate_24h, Column::hashrate_1h}) {
    if (t.at(c) >= 0 && (best < 0 || t.at(c) < best)) best = t.at(c);
  }
  return best;
}

void read_income(const TableLayout& t, RowReader& reader, ObserverPage& page) {
  const int hashrate_column = income_hashrate_column(t);
  std::unordered_set<std::string> dates;
  for (const Node* row : t.rows) {
    if (!reader.load(row)) {
      ++page.skipped_rows;
      continue;
    }
    const auto date_text = reader.cell(t.at(Column::date));
    const auto income_text = reader.cell(t.at(Column::income));
    const auto hashrate_text = reader.cell(hashrate_column);
    auto date = date_text ? parse_income_date(*date_text) : std::nullopt;
    const auto sat = income_text ? parse_btc_sat(*income_text) : std::nullopt;
    const auto hs = hashrate_text ? parse_hashrate_hs(*hashrate_text) : std::nullopt;
    const bool hashrate_ok = hashrate_column < 0 || hs.has_value();
    if (!date || !sat || !hashrate_ok || !dates.insert(*date).second) {
      ++page.skipped_rows;
      continue;
    }
    page.income.push_back(
        IncomeRow{.date = std::move(*date), .total_income_sat = *sat, .hashrate_hs = hs});
  }
}

}  // namespace

TableLayout read_table(const Node* table, html::TextWalker& walker) {
  TableLayout layout;
  layout.table = table;
  layout.column.fill(-1);
  std::vector<const Node*> rows;
  const Node* header = html::table_rows(table, rows);
  if (!header) return layout;
  std::vector<const Node*> cells;
  html::row_cells(header, cells);
  std::string text, normalized;
  for (size_t i = 0; i < cells.size(); ++i) {
    walker.text(cells[i], text);
    normalize_label(text, normalized);
    layout.russian_headers = layout.russian_headers || has_cyrillic(normalized);
    int& slot = layout.column[static_cast<size_t>(classify_header(normalized))];
    if (slot < 0) slot = static_cast<int>(i);
  }
  for (const Node* row : rows) {
    if (row != header && html::has_cell(row, GUMBO_TAG_TD)) layout.rows.push_back(row);
  }
  return layout;
}

bool is_workers_table(const TableLayout& t) {
  return t.at(Column::name) >= 0 && t.at(Column::status) >= 0 && t.at(Column::hashrate_10m) >= 0 &&
         t.at(Column::hashrate_1h) >= 0 && t.at(Column::hashrate_24h) >= 0;
}

bool is_income_table(const TableLayout& t) {
  return t.at(Column::date) >= 0 && t.at(Column::income) >= 0;
}

DataTables read_data_tables(const std::vector<const Node*>& tables, html::TextWalker& walker,
                            size_t eof, ObserverPage& page) {
  DataTables data;
  RowReader reader(walker, eof);
  bool have_income = false;
  for (const Node* table : tables) {
    TableLayout t = read_table(table, walker);
    if (!data.have_workers && is_workers_table(t)) {
      data.have_workers = true;
      read_workers(t, reader, page);
    } else if (!have_income && is_income_table(t)) {
      have_income = true;
      read_income(t, reader, page);
    } else {
      continue;
    }
    data.nodes.push_back(table);
    data.layouts.push_back(std::move(t));
  }
  return data;
}

}  // namespace kz::observer
