// The table model (issue 9, kind 3): random cell layouts and header shapes,
// generated here, must come back from TableGrid slot for slot.

#include "scrape/observer/table_grid.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "scrape/observer/html_fixtures.hpp"

namespace kz::html {
namespace {

using test::by_id;

const Node* first_table(const Document& doc) {
  return by_id(doc.root(), "t");
}

struct Rect {
  size_t row, column, rows, columns;
};

// A random tiling of a rows x columns grid with rectangles; the cell at slot
// (r, c) is owner[r][c]. About one slot in eight stays empty (no cell).
struct Tiling {
  std::vector<Rect> cells;
  std::vector<std::vector<int>> owner;
};

Tiling random_tiling(size_t rows, size_t columns, std::mt19937& rng) {
  Tiling t;
  t.owner.assign(rows, std::vector<int>(columns, -1));
  for (size_t r = 0; r < rows; ++r) {
    size_t last_cell_end = 0;
    for (size_t c = 0; c < columns; ++c) {
      if (t.owner[r][c] >= 0) continue;
      // An empty slot only at a row's end: HTML cannot leave a hole before a cell.
      bool tail_free = true;
      for (size_t k = c; k < columns; ++k) tail_free = tail_free && t.owner[r][k] < 0;
      if (tail_free && c > last_cell_end && rng() % 8 == 0) break;
      size_t w = 1 + rng() % 3, h = 1 + (rng() % 4 == 0 ? rng() % 3 : 0);
      w = std::min(w, columns - c);
      h = std::min(h, rows - r);
      for (size_t k = 1; k < w; ++k) {
        if (t.owner[r][c + k] >= 0) w = k;
      }
      for (size_t dr = 0; dr < h; ++dr) {
        for (size_t k = 0; k < w; ++k) t.owner[r + dr][c + k] = static_cast<int>(t.cells.size());
      }
      t.cells.push_back({r, c, h, w});
      last_cell_end = c + w;
    }
  }
  return t;
}

std::string render(const Tiling& t, size_t rows, std::mt19937& rng, bool zero_rowspan) {
  std::string html = "<html><body><table id=t><tbody>";
  for (size_t r = 0; r < rows; ++r) {
    html += "<tr>";
    for (size_t c = 0; c < t.owner[r].size(); ++c) {
      const int id = t.owner[r][c];
      if (id < 0) break;
      const Rect& cell = t.cells[static_cast<size_t>(id)];
      if (cell.row != r || cell.column != c) continue;
      html += "<td id=c" + std::to_string(id);
      if (cell.columns > 1 || rng() % 4 == 0) html += " colspan=" + std::to_string(cell.columns);
      if (zero_rowspan && cell.row + cell.rows == rows && cell.rows > 1) {
        html += " rowspan=0";
      } else if (cell.rows > 1) {
        html += " rowspan=\"" + std::to_string(cell.rows) + "\"";
      }
      html += ">" + std::to_string(id) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table></body></html>";
}

TEST(TableGrid, RandomLayoutsComeBackSlotForSlot) {
  std::mt19937 rng(20261122);
  for (int round = 0; round < 300; ++round) {
    const size_t rows = 1 + rng() % 6, columns = 1 + rng() % 7;
    const Tiling t = random_tiling(rows, columns, rng);
    const std::string html = render(t, rows, rng, round % 3 == 0);
    SCOPED_TRACE(html);
    const Document doc(html);
    TableGrid grid(first_table(doc));
    ASSERT_EQ(grid.rows(), rows);
    for (size_t r = 0; r < rows; ++r) {
      ASSERT_TRUE(grid.next());
      EXPECT_EQ(grid.index(), r);
      for (size_t c = 0; c < columns + 2; ++c) {
        const int id = c < columns ? t.owner[r][c] : -1;
        const Node* want = id < 0 ? nullptr : by_id(doc.root(), "c" + std::to_string(id));
        EXPECT_EQ(grid.at(c), want) << "row " << r << " column " << c;
      }
    }
    EXPECT_FALSE(grid.next());
    grid.rewind();
    EXPECT_TRUE(grid.next());
    EXPECT_EQ(grid.index(), 0u);
  }
}

TEST(TableGrid, SpansAreClampedAndStopAtTheRowGroup) {
  const Document doc(
      "<html><body><table id=t><thead><tr><th id=a rowspan=5>A</th><th id=b colspan=0>B</th>"
      "<th id=c colspan=' +2x'>C</th><th id=d colspan=-1>D</th></tr></thead>"
      "<tbody><tr><td id=e rowspan=0>e</td><td id=f colspan=5000>f</td></tr>"
      "<tr><td id=g>g</td></tr></tbody></table></body></html>");
  TableGrid grid(first_table(doc));
  const auto id = [&](const char* s) { return by_id(doc.root(), s); };
  ASSERT_TRUE(grid.next());
  EXPECT_EQ(grid.at(0), id("a"));
  EXPECT_EQ(grid.at(1), id("b"));  // colspan=0 is 1
  EXPECT_EQ(grid.at(2), id("c"));  // " +2x" is 2
  EXPECT_EQ(grid.at(3), id("c"));
  EXPECT_EQ(grid.at(4), id("d"));
  ASSERT_TRUE(grid.next());  // the thead's rowspan ends with the thead
  EXPECT_EQ(grid.at(0), id("e"));
  EXPECT_EQ(grid.at(kMaxGridColumns - 1), id("f"));  // colspan 5000 is 1000, clamped to the grid
  EXPECT_EQ(grid.columns(), kMaxGridColumns);
  EXPECT_FALSE(grid.covered_from_above());
  ASSERT_TRUE(grid.next());
  EXPECT_TRUE(grid.covered_from_above());
  EXPECT_EQ(grid.at(0), id("e"));  // rowspan=0: to the end of the tbody
  EXPECT_EQ(grid.at(1), id("g"));
}

TEST(TableGrid, HeaderRows) {
  struct Case {
    std::string table;
    size_t first, count, rows;
  };
  std::vector<Case> cases = {
      {"<thead><tr><th>a</th></tr><tr><td>b</td></tr></thead><tr><th>c</th></tr>", 0, 2, 3},
      // The first thead comes first, wherever it stands.
      {"<tbody><tr><td>1</td></tr></tbody><thead><tr><th>h</th></tr></thead>", 0, 1, 2},
      {"<tr><th>a</th><th>b</th></tr><tr><th>c</th></tr><tr><th>x</th><td>1</td></tr>", 0, 2, 3},
      {"<tr><td>title</td></tr><tr><th>a</th></tr><tr><th>b</th></tr><tr><td>1</td></tr>", 1, 2, 4},
      {"<tr><td>a</td></tr><tr><td>1</td></tr>", 0, 1, 2},
      {"", 0, 0, 0},
  };
  std::string many;  // more rows of <th> than a header may have
  for (size_t i = 0; i < kMaxHeaderRows + 3; ++i) many += "<tr><th>h</th></tr>";
  cases.push_back({many + "<tr><td>1</td></tr>", 0, kMaxHeaderRows, kMaxHeaderRows + 4});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.table);
    const Document doc("<html><body><table id=t>" + c.table + "</table></body></html>");
    const TableGrid grid(first_table(doc));
    EXPECT_EQ(grid.rows(), c.rows);
    EXPECT_EQ(grid.header_first(), c.first);
    EXPECT_EQ(grid.header_count(), c.count);
  }
}

TEST(TableGrid, ManyRowsOfWideSpansStayCheap) {
  std::string html = "<html><body><table id=t><tr>";
  for (int i = 0; i < 50; ++i) html += "<td rowspan=0 colspan=1000>x</td>";
  html += "</tr>";
  for (int i = 0; i < 20000; ++i) html += "<tr><td colspan=1000>y</td></tr>";
  const Document doc(html + "</table></body></html>");
  TableGrid grid(first_table(doc));
  size_t rows = 0;
  while (grid.next()) {
    ++rows;
    EXPECT_LE(grid.columns(), kMaxGridColumns);
  }
  EXPECT_EQ(rows, 20001u);
}

}  // namespace
}  // namespace kz::html
