#include "scrape/observer/table_grid.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>

namespace kz::html {
namespace {

constexpr size_t kToGroupEnd = std::numeric_limits<size_t>::max();

// HTML's "rules for parsing non-negative integers": leading whitespace, an
// optional '+', digits; whatever follows the digits is ignored.
std::optional<size_t> non_negative(std::string_view s) {
  size_t i = 0;
  while (i < s.size() &&
         (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r')) {
    ++i;
  }
  if (i < s.size() && s[i] == '+') ++i;
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
  size_t v = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    v = std::min<size_t>(v * 10 + static_cast<size_t>(s[i] - '0'), 1'000'000);
  }
  return v;
}

// colspan: 1..1000, 1 when absent, zero or unreadable.
size_t colspan_of(const Node* cell) {
  const auto v = non_negative(attribute(cell, "colspan"));
  return !v || *v == 0 ? 1 : std::min<size_t>(*v, 1000);
}

// rowspan: 0..65534 (0: to the end of the row group), 1 when absent or unreadable.
size_t rowspan_of(const Node* cell) {
  const auto v = non_negative(attribute(cell, "rowspan"));
  return !v ? 1 : std::min<size_t>(*v, 65534);
}

bool is_cell(const Node* n) {
  return is_element(n, GUMBO_TAG_TD) || is_element(n, GUMBO_TAG_TH);
}

bool all_header_cells(const Node* tr) {
  const GumboVector& kids = tr->v.element.children;
  bool any = false;
  for (size_t i = 0; i < kids.length; ++i) {
    if (is_element(child(kids, i), GUMBO_TAG_TD)) return false;
    any = any || is_element(child(kids, i), GUMBO_TAG_TH);
  }
  return any;
}

// The cell of `cells` (sorted by column) covering `column`, or nullptr.
const Node* covering(const std::vector<PlacedCell>& cells, size_t column) {
  auto it = std::upper_bound(cells.begin(), cells.end(), column,
                             [](size_t c, const PlacedCell& p) { return c < p.column; });
  while (it != cells.begin()) {  // overlapping cells (a table model error) are rare
    --it;
    if (it->column + it->span > column) return it->cell;
    if (it->column + 1000 <= column) break;
  }
  return nullptr;
}

}  // namespace

TableGrid::TableGrid(const Node* table) {
  const GumboVector& kids = table->v.element.children;
  const Node* thead = nullptr;
  for (size_t i = 0; i < kids.length && !thead; ++i) {
    if (is_element(child(kids, i), GUMBO_TAG_THEAD)) thead = child(kids, i);
  }
  size_t group = 0;
  const auto add_section = [&](const Node* section) {
    const GumboVector& section_rows = section->v.element.children;
    for (size_t j = 0; j < section_rows.length; ++j) {
      if (is_element(child(section_rows, j), GUMBO_TAG_TR)) {
        rows_.push_back({child(section_rows, j), group});
      }
    }
    ++group;
  };
  if (thead) add_section(thead);
  header_count_ = rows_.size();
  bool direct_rows = false;  // a run of <tr> directly in <table> is one group
  for (size_t i = 0; i < kids.length; ++i) {
    const Node* c = child(kids, i);
    if (is_element(c, GUMBO_TAG_TR)) {
      rows_.push_back({c, group});
      direct_rows = true;
      continue;
    }
    if (direct_rows) ++group;
    direct_rows = false;
    if (c != thead && (is_element(c, GUMBO_TAG_THEAD) || is_element(c, GUMBO_TAG_TBODY) ||
                       is_element(c, GUMBO_TAG_TFOOT))) {
      add_section(c);
    }
  }
  if (header_count_ > 0 || rows_.empty()) {
    header_count_ = std::min(header_count_, kMaxHeaderRows);
    return;
  }
  for (size_t r = 0; r < rows_.size(); ++r) {
    if (!all_header_cells(rows_[r].tr)) {
      if (header_count_ > 0) break;
      continue;
    }
    if (header_count_ == 0) header_first_ = r;
    ++header_count_;
  }
  if (header_count_ == 0) header_count_ = 1;  // the first row names the columns
  header_count_ = std::min(header_count_, kMaxHeaderRows);
}

void TableGrid::rewind() {
  current_ = static_cast<size_t>(-1);
  columns_ = 0;
  own_.clear();
  spans_.clear();
}

bool TableGrid::next() {
  ++current_;  // wraps from "before row 0" to 0
  own_.clear();
  if (current_ >= rows_.size()) {
    current_ = rows_.size();
    return false;
  }
  if (current_ > 0 && rows_[current_ - 1].group != rows_[current_].group) spans_.clear();
  std::erase_if(spans_, [&](const PlacedCell& p) { return p.end_row <= current_; });

  const GumboVector& kids = row()->v.element.children;
  size_t x = 0;
  size_t k = 0;  // spans_ before k lie left of x
  for (size_t i = 0; i < kids.length; ++i) {
    const Node* cell = child(kids, i);
    if (!is_cell(cell)) continue;
    for (;;) {  // the first slot no cell from above covers
      while (k < spans_.size() && spans_[k].column + spans_[k].span <= x) ++k;
      if (k >= spans_.size() || spans_[k].column > x) break;
      x = spans_[k].column + spans_[k].span;
    }
    if (x >= kMaxGridColumns) break;
    const size_t colspan = std::min(colspan_of(cell), kMaxGridColumns - x);
    const size_t rowspan = rowspan_of(cell);
    own_.push_back({cell, x, colspan, current_, rowspan == 0 ? kToGroupEnd : current_ + rowspan});
    x += colspan;
    columns_ = std::max(columns_, x);
  }
  for (const PlacedCell& p : spans_) columns_ = std::max(columns_, p.column + p.span);

  bool reaches_down = false;
  for (const PlacedCell& p : own_) reaches_down = reaches_down || p.end_row > current_ + 1;
  if (reaches_down) {
    merged_.clear();
    for (const PlacedCell& p : own_) {
      if (p.end_row > current_ + 1) merged_.push_back(p);
    }
    const size_t old_size = spans_.size();
    spans_.insert(spans_.end(), merged_.begin(), merged_.end());
    std::inplace_merge(
        spans_.begin(), spans_.begin() + static_cast<std::ptrdiff_t>(old_size), spans_.end(),
        [](const PlacedCell& a, const PlacedCell& b) { return a.column < b.column; });
  }
  return true;
}

bool TableGrid::covered_from_above() const {
  for (const PlacedCell& p : spans_) {
    if (p.row < current_) return true;
  }
  return false;
}

const Node* TableGrid::at(size_t column) const {
  if (const Node* own = covering(own_, column)) return own;
  return covering(spans_, column);
}

}  // namespace kz::html
