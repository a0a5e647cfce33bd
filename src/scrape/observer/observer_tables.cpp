#include "scrape/observer/observer_tables.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/error.hpp"
#include "scrape/observer/observer_values.hpp"
#include "scrape/observer/table_grid.hpp"

namespace kz::observer {
namespace {

using html::Node;

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

bool has_data_cell(const Node* tr) {
  return html::has_cell(tr, GUMBO_TAG_TD);
}

// Reads the cells of data rows by grid column; a row is used only when it is complete.
class RowReader {
 public:
  RowReader(html::TableGrid& grid, html::TextWalker& walker, size_t eof)
      : grid_(grid), walker_(walker), eof_(eof) {}

  // False when the row was cut off by the end of the input.
  bool complete() const { return html::complete(grid_.row(), eof_); }

  // A placeholder such as "No workers": the row's only cell, spanning two or
  // more columns and more than half of the header's, and nothing from above.
  bool placeholder(size_t header_columns) const {
    const auto& own = grid_.own_cells();
    return own.size() == 1 && own[0].span >= 2 && own[0].span * 2 > header_columns &&
           !grid_.covered_from_above();
  }

  // The text under the header of grid columns [first, first + span), into
  // `out`: the one cell there that holds text, or "" when none does. False
  // when no cell covers those columns or two cells with text do.
  bool cell(int first, int span, std::string& out, bool exact = false) {
    out.clear();
    if (first < 0) return false;
    const Node* found = nullptr;
    const Node* last = nullptr;
    bool any = false;
    for (int c = first; c < first + span; ++c) {
      const Node* cell = grid_.at(static_cast<size_t>(c));
      if (!cell || cell == last) continue;
      last = cell;
      any = true;
      if (span > 1 && !walker_.has_text(cell)) continue;
      if (found) return false;
      found = cell;
    }
    if (found) exact ? walker_.exact_text(found, out) : walker_.text(found, out);
    return any;
  }
  bool cell(const TableLayout& t, Column c, std::string& out, bool exact = false) {
    return cell(t.at(c), t.span_of(c), out, exact);
  }

 private:
  html::TableGrid& grid_;
  html::TextWalker& walker_;
  size_t eof_;
};

// Walks `t`'s data rows in grid order, calling `read(reader, row_number)` for
// each complete one; placeholder rows are passed over, cut off rows counted.
template <class Read>
void for_each_data_row(const TableLayout& t, html::TextWalker& walker, size_t eof, int& skipped,
                       Read read) {
  html::TableGrid grid(t.table);
  RowReader reader(grid, walker, eof);
  int number = 0;
  while (grid.next()) {
    if (grid.is_header(grid.index()) || !has_data_cell(grid.row())) continue;
    if (reader.placeholder(t.columns)) continue;
    ++number;
    if (!reader.complete()) {
      ++skipped;
      continue;
    }
    read(reader, number);
  }
}

void collect_workers(const TableLayout& t, html::TextWalker& walker, size_t eof, TableTexts& out) {
  // Names holding U+FFFD, by the first row showing them. Only those can have
  // been made equal by decoding; other repeats are left to read_workers.
  std::unordered_map<std::string, int> lossy_names;
  out.workers.reserve(t.rows.size());
  std::string share;
  for_each_data_row(t, walker, eof, out.skipped_rows, [&](RowReader& reader, int number) {
    WorkerTexts& w = out.workers.emplace_back();
    w.row = number;
    const bool have_share = reader.cell(t, Column::last_share, share);
    if (!reader.cell(t, Column::name, w.name, true) || w.name.empty() ||
        !reader.cell(t, Column::status, w.status) ||
        !reader.cell(t, Column::hashrate_10m, w.hashrate_10m) ||
        !reader.cell(t, Column::hashrate_1h, w.hashrate_1h) ||
        !reader.cell(t, Column::hashrate_24h, w.hashrate_24h)) {
      out.workers.pop_back();
      ++out.skipped_rows;
      return;
    }
    if (w.name.find(kReplacementCharacter) != std::string::npos) {
      const auto [it, inserted] = lossy_names.try_emplace(w.name, number);
      if (!inserted) {
        throw Error(ExitCode::no_data,
                    "page has no usable data: workers table rows " + std::to_string(it->second) +
                        " and " + std::to_string(number) + " have the same name " +
                        quoted(w.name, 100) +
                        " with U+FFFD in it: the page's bytes did not fit its character set, "
                        "and decoding made two distinct names one");
      }
    }
    if (have_share) w.last_share = share;
  });
}

// The income table's hashrate: the leftmost of a plain, 24 h or 1 h hashrate column.
Column income_hashrate_column(const TableLayout& t) {
  Column best = Column::unknown;
  for (const Column c : {Column::hashrate, Column::hashrate_24h, Column::hashrate_1h}) {
    if (t.at(c) >= 0 && (best == Column::unknown || t.at(c) < t.at(best))) best = c;
  }
  return best;
}

void collect_income(const TableLayout& t, html::TextWalker& walker, size_t eof, TableTexts& out) {
  const Column hashrate = income_hashrate_column(t);
  out.income.reserve(t.rows.size());
  for_each_data_row(t, walker, eof, out.skipped_rows, [&](RowReader& reader, int number) {
    IncomeTexts& r = out.income.emplace_back();
    r.row = number;
    std::string hs;
    const bool have_hs = hashrate != Column::unknown && reader.cell(t, hashrate, hs);
    if (!reader.cell(t, Column::date, r.date) || !reader.cell(t, Column::income, r.income) ||
        (hashrate != Column::unknown && !have_hs)) {
      out.income.pop_back();
      ++out.skipped_rows;
      return;
    }
    if (have_hs) r.hashrate = std::move(hs);
  });
}

// The distinct header cells above each grid column, top to bottom.
std::vector<std::vector<const Node*>> header_cells(html::TableGrid& grid) {
  std::vector<std::vector<const Node*>> above;
  while (grid.next() && grid.index() < grid.header_first() + grid.header_count()) {
    if (!grid.is_header(grid.index())) continue;
    if (above.size() < grid.columns()) above.resize(grid.columns());
    for (size_t c = 0; c < above.size(); ++c) {
      const Node* cell = grid.at(c);
      if (cell && (above[c].empty() || above[c].back() != cell)) above[c].push_back(cell);
    }
  }
  return above;
}

}  // namespace

TableLayout read_table(const Node* table, html::TextWalker& walker) {
  TableLayout layout;
  layout.table = table;
  layout.column.fill(-1);
  layout.span.fill(0);
  html::TableGrid grid(table);
  const std::vector<std::vector<const Node*>> above = header_cells(grid);
  layout.columns = above.size();
  std::string joined, text, normalized;
  for (size_t first = 0; first < above.size();) {
    size_t end = first + 1;  // columns under the same header cells form one column
    while (end < above.size() && above[end] == above[first]) ++end;
    joined.clear();
    for (const Node* cell : above[first]) {
      if (above.size() > 1 && !above.front().empty() && !above.back().empty() &&
          cell == above.front().front() && cell == above.back().front()) {
        continue;  // a caption over all columns ("Workers") names no column
      }
      walker.text(cell, text);
      if (!text.empty()) joined += (joined.empty() ? "" : " ") + text;
    }
    normalize_label(joined, normalized);
    layout.russian_headers = layout.russian_headers || has_cyrillic(normalized);
    Column role = classify_header(normalized);
    if (role == Column::unknown && above[first].size() > 1) {
      // A caption row above the headers ("Income (last 7 days)") can hide the
      // role of the cell right above the column.
      walker.text(above[first].back(), text);
      role = classify_header(normalize_label(text));
    }
    const auto r = static_cast<size_t>(role);
    if (layout.column[r] < 0) {
      layout.column[r] = static_cast<int>(first);
      layout.span[r] = static_cast<int>(end - first);
    }
    first = end;
  }
  for (size_t r = 0; r < grid.rows(); ++r) {
    if (!grid.is_header(r) && has_data_cell(grid.row_at(r))) layout.rows.push_back(grid.row_at(r));
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

TableTexts collect_tables(const std::vector<const Node*>& tables, html::TextWalker& walker,
                          size_t eof) {
  TableTexts out;
  bool have_income = false;
  for (const Node* table : tables) {
    TableLayout t = read_table(table, walker);
    if (!out.have_workers && is_workers_table(t)) {
      out.have_workers = true;
      collect_workers(t, walker, eof, out);
    } else if (!have_income && is_income_table(t)) {
      have_income = true;
      collect_income(t, walker, eof, out);
    } else {
      continue;
    }
    out.nodes.push_back(table);
    out.layouts.push_back(std::move(t));
  }
  return out;
}

TableTexts read_data_tables(const std::vector<const Node*>& tables, html::TextWalker& walker,
                            size_t eof, ObserverPage& page) {
  TableTexts texts = collect_tables(tables, walker, eof);
  page.skipped_rows += texts.skipped_rows;
  const DecimalMark mark = page_decimal_mark({}, texts, "");
  read_workers(texts.workers, mark, page);
  read_income(texts.income, mark, page);
  return texts;
}

}  // namespace kz::observer
