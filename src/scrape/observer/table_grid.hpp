#pragma once

// A table's rows laid out on its grid the way the HTML table model does it
// (HTML standard 4.9.12, "Processing model"): colspan and rowspan, rowspan=0 to
// the end of the row group, cells placed in the first free slot. Generic: knows
// nothing about observer pages.

#include <cstddef>
#include <vector>

#include "scrape/observer/html_tree.hpp"

namespace kz::html {

// Cells starting at or past this grid column are left out (the model allows
// colspan up to 1000; wider grids are no data table), and so is a cell's part
// past it.
inline constexpr size_t kMaxGridColumns = 1000;

// At most this many header rows; further rows of <th> cells are neither
// header nor data.
inline constexpr size_t kMaxHeaderRows = 8;

// A cell on the grid: `cell` (<td> or <th>) covers columns [column, column + span).
struct PlacedCell {
  const Node* cell = nullptr;
  size_t column = 0;
  size_t span = 1;
  size_t row = 0;      // the grid row it starts in
  size_t end_row = 0;  // the first grid row it no longer covers
};

// The rows of one <table> (not of nested tables), walked in grid order: the
// rows of the first <thead> first, then the other rows in document order.
// Memory stays O(columns) however many rows there are.
class TableGrid {
 public:
  explicit TableGrid(const Node* table);

  size_t rows() const { return rows_.size(); }
  const Node* row_at(size_t r) const { return rows_[r].tr; }
  // The header: the rows of the first <thead>; without one, the first run of
  // rows whose cells are all <th>; without those, the first row. Rows [first,
  // first + count) in grid order, count at most kMaxHeaderRows.
  size_t header_first() const { return header_first_; }
  size_t header_count() const { return header_count_; }
  bool is_header(size_t r) const { return r >= header_first_ && r < header_first_ + header_count_; }

  // Moves to grid row 0 (or, after that, to the next row); false past the last.
  // Rows are laid out as they are visited.
  bool next();
  // Starts over, before row 0.
  void rewind();

  size_t index() const { return current_; }
  const Node* row() const { return rows_[current_].tr; }
  // The row's own cells, in column order.
  const std::vector<PlacedCell>& own_cells() const { return own_; }
  // The cell covering `column` in the current row: its own, else one reaching
  // down from a row above; nullptr when none.
  const Node* at(size_t column) const;
  // Whether a cell from a row above reaches into the current row.
  bool covered_from_above() const;
  // The grid's width over the rows visited so far.
  size_t columns() const { return columns_; }

 private:
  struct Row {
    const Node* tr;
    size_t group;  // row group: rowspan never reaches past it
  };

  std::vector<Row> rows_;
  size_t header_first_ = 0;
  size_t header_count_ = 0;
  size_t current_ = static_cast<size_t>(-1);
  size_t columns_ = 0;
  std::vector<PlacedCell> own_;    // current row
  std::vector<PlacedCell> above_;  // cells from rows above covering the current row, by column
  std::vector<PlacedCell> spans_;  // cells that reach below their row, by column
  std::vector<PlacedCell> merged_;
};

}  // namespace kz::html
