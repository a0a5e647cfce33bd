// The table model at the level of the observer tables (issue 9, kind 3):
// generated header shapes, body colspans, placeholder rows, the two steps.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scrape/observer/html_fixtures.hpp"
#include "scrape/observer/observer_tables.hpp"
#include "scrape/observer/observer_values.hpp"
#include "support/page_generator.hpp"

namespace kz::observer {
namespace {

using html::Node;

using test::collect_tables;
using test::page_html;
using test::row;
using test::table;

// --- the table model: header shapes generated here ---

// One header group of the generated workers table: a label over `subs`
// (grouped columns) or over `width` columns of its own.
struct Group {
  std::string label;
  std::vector<std::string> subs;
  size_t width = 1;
  std::vector<Column> roles;  // one per grid column, in order
};

std::string share_text(const WorkerRow& w) {
  if (!w.last_share_local) return "-";
  std::string s = *w.last_share_local;
  s[10] = ' ';
  return s;
}

// A workers table whose header has the shape `seed` picks: grouped or flat
// hashrate headers, a caption row over everything, rowspan or empty cells
// above single columns, an icon column under the name's header, headers in
// <thead> or in leading rows of <th>, columns in any order; body rows may
// merge equal neighbouring hashrates into one cell with colspan.
std::string generated_workers_table(const ObserverPage& model, uint32_t seed, bool ru) {
  std::mt19937 rng(seed);
  std::vector<Group> groups;
  const bool icon = rng() % 2;
  groups.push_back({ru ? "Воркер" : "Worker",
                    {},
                    icon ? 2u : 1u,
                    icon ? std::vector<Column>{Column::unknown, Column::name}
                         : std::vector<Column>{Column::name}});
  groups.push_back({ru ? "Статус" : "Status", {}, 1, {Column::status}});
  const bool grouped = rng() % 3 != 0;
  const std::vector<std::string> periods = ru ? std::vector<std::string>{"10 мин", "1 ч", "24 ч"}
                                              : std::vector<std::string>{"10 min", "1 h", "24 h"};
  const std::vector<Column> hashrate_roles = {Column::hashrate_10m, Column::hashrate_1h,
                                              Column::hashrate_24h};
  const std::string hashrate = ru ? "Хешрейт" : "Hashrate";
  if (grouped) {
    groups.push_back({hashrate, periods, 3, hashrate_roles});
  } else {
    for (size_t i = 0; i < 3; ++i) {
      groups.push_back({hashrate + " " + periods[i], {}, 1, {hashrate_roles[i]}});
    }
  }
  groups.push_back({ru ? "Последний шар" : "Last share", {}, 1, {Column::last_share}});
  if (rng() % 2) groups.push_back({"#", {}, 1, {Column::unknown}});
  std::shuffle(groups.begin(), groups.end(), rng);

  const bool caption = rng() % 3 == 0, thead = rng() % 2, rowspan = rng() % 2;
  size_t total = 0;
  for (const Group& g : groups) total += g.width;
  std::string head;
  if (caption) head += "<tr><th colspan=" + std::to_string(total) + ">Workers</th></tr>";
  head += "<tr>";
  for (const Group& g : groups) {
    const std::string span = g.width > 1 ? " colspan=" + std::to_string(g.width) : "";
    if (!grouped || !g.subs.empty() || rowspan) {
      head +=
          "<th" + span + (grouped && g.subs.empty() ? " rowspan=2" : "") + ">" + g.label + "</th>";
    } else {
      head += "<th" + span + "></th>";  // the label goes in the row below
    }
  }
  head += "</tr>";
  if (grouped) {
    head += "<tr>";
    for (const Group& g : groups) {
      for (const std::string& sub : g.subs) head += "<th>" + sub + "</th>";
      if (g.subs.empty() && !rowspan) {
        head += "<th" + (g.width > 1 ? " colspan=" + std::to_string(g.width) : "") + ">" + g.label +
                "</th>";
      }
    }
    head += "</tr>";
  }
  std::string body;
  for (const WorkerRow& w : model.workers) {
    body += "<tr>";
    for (const Group& g : groups) {
      for (size_t i = 0; i < g.roles.size(); ++i) {
        const Column role = g.roles[i];
        std::string text;
        switch (role) {
          case Column::name:
            text = test::escape_html(w.name);
            break;
          case Column::status:
            text = w.status == WorkerStatus::online ? "ONLINE" : "OFFLINE";
            break;
          case Column::hashrate_10m:
            if (i + 1 < g.roles.size() && w.hashrate_1h_hs == w.hashrate_10m_hs && rng() % 2) {
              body += "<td colspan=2>" + test::format_hashrate(w.hashrate_10m_hs, {}) + "</td>";
              ++i;
              continue;
            }
            text = test::format_hashrate(w.hashrate_10m_hs, {});
            break;
          case Column::hashrate_1h:
            text = test::format_hashrate(w.hashrate_1h_hs, {});
            break;
          case Column::hashrate_24h:
            text = test::format_hashrate(w.hashrate_24h_hs, {});
            break;
          case Column::last_share:
            text = share_text(w);
            break;
          default:
            text = g.label == "#" ? "1" : "<svg><path d=\"M0\"/></svg>";
        }
        body += "<td>" + text + "</td>";
      }
    }
    body += "</tr>";
  }
  return "<table>" + (thead ? "<thead>" + head + "</thead><tbody>" : "<tbody>" + head) + body +
         "</tbody></table>";
}

TEST(ObserverTables, GeneratedHeaderShapesFindEveryColumn) {
  const ObserverPage model = test::make_model(12, 31);
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    const std::string markup = page_html({generated_workers_table(model, seed, seed % 2 == 0)});
    SCOPED_TRACE(markup.substr(0, 1200));
    const html::Document doc(markup);
    std::vector<const Node*> tables;
    collect_tables(doc.root(), tables);
    ASSERT_EQ(tables.size(), 1u);
    html::TextWalker walker;
    ObserverPage page;
    const TableTexts data = read_data_tables(tables, walker, doc.end_of_input(), page);
    ASSERT_TRUE(data.have_workers);
    EXPECT_EQ(data.layouts[0].russian_headers, seed % 2 == 0);
    EXPECT_EQ(page.skipped_rows, 0);
    ASSERT_EQ(page.workers.size(), model.workers.size());
    for (size_t i = 0; i < model.workers.size(); ++i) {
      const WorkerRow& got = page.workers[i];
      const WorkerRow& want = model.workers[i];
      EXPECT_EQ(got.name, want.name);
      EXPECT_EQ(got.status, want.status);
      EXPECT_EQ(got.hashrate_10m_hs, want.hashrate_10m_hs);
      EXPECT_EQ(got.hashrate_1h_hs, want.hashrate_1h_hs);
      EXPECT_EQ(got.hashrate_24h_hs, want.hashrate_24h_hs);
      EXPECT_EQ(got.last_share_local, want.last_share_local);
    }
  }
}

TEST(ObserverTables, TwoCellsWithTextUnderOneHeaderIsNoValue) {
  const std::string markup = page_html({table(
      "<tr><th colspan=2>Worker</th><th>Status</th><th>10m</th><th>1h</th><th>24h</th></tr>" +
      row({"a", "b", "Online", "1 TH/s", "1 TH/s", "1 TH/s"}) +
      row({"", "w2", "Online", "1 TH/s", "1 TH/s", "1 TH/s"}))});
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  html::TextWalker walker;
  ObserverPage page;
  read_data_tables(tables, walker, doc.end_of_input(), page);
  ASSERT_EQ(page.workers.size(), 1u);  // "a b" would be a guess
  EXPECT_EQ(page.workers[0].name, "w2");
  EXPECT_EQ(page.skipped_rows, 1);
}

// --- placeholder rows of empty tables ---

TEST(ObserverTables, PlaceholderRowsAreNoRows) {
  const std::string workers_header = row(
      {"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h", "Last share"}, "th");
  const std::string income_header = row({"Date", "Total income", "Hashrate"}, "th");
  const std::string worker_row = row({"w1", "Online", "1 TH/s", "2 TH/s", "3 TH/s", "-"});
  for (const std::string text :
       {"No workers", "Нет воркеров", "No data", "Нет данных", "", "<div><svg></svg>Empty</div>"}) {
    for (const size_t span : {6u, 5u, 4u, 1000u}) {
      for (const bool thead : {true, false}) {
        SCOPED_TRACE(text + " colspan " + std::to_string(span) + (thead ? " thead" : ""));
        const auto placeholder = [&](size_t columns) {
          return "<tr><td colspan=" + std::to_string(std::min(span, columns)) + ">" + text +
                 "</td></tr>";
        };
        const auto wrap = [&](const std::string& head, const std::string& rows) {
          return thead ? "<table><thead>" + head + "</thead><tbody>" + rows + "</tbody></table>"
                       : table(head + rows);
        };
        // Alone, or after a data row.
        const std::string markup =
            page_html({wrap(workers_header, (span == 5 ? worker_row : "") + placeholder(6)),
                       wrap(income_header, placeholder(span == 4 ? 2 : 3))});
        const html::Document doc(markup);
        std::vector<const Node*> tables;
        collect_tables(doc.root(), tables);
        html::TextWalker walker;
        ObserverPage page;
        const TableTexts data = read_data_tables(tables, walker, doc.end_of_input(), page);
        EXPECT_TRUE(data.have_workers);
        EXPECT_EQ(page.workers.size(), span == 5 ? 1u : 0u);
        EXPECT_EQ(page.income.size(), 0u);
        EXPECT_EQ(page.skipped_rows, 0);
      }
    }
  }
}

TEST(ObserverTables, ARowSpanningFewColumnsIsABrokenRow) {
  const std::string markup = page_html({table(
      row({"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h", "Last share"},
          "th") +
      "<tr><td colspan=3>w1 Online</td><td>1 TH/s</td></tr>" +
      "<tr><td colspan=2>w2</td><td>Online</td><td>1 TH/s</td><td>1 TH/s</td><td>1 TH/s</td>"
      "</tr>")});
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  html::TextWalker walker;
  ObserverPage page;
  read_data_tables(tables, walker, doc.end_of_input(), page);
  EXPECT_EQ(page.workers.size(), 0u);
  EXPECT_EQ(page.skipped_rows, 2);  // "w2" also reads as the status: unreadable, not guessed
}

TEST(ObserverTables, AWideCellBesideARowspanIsNoPlaceholder) {
  const std::string markup = page_html({table(
      row({"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h"}, "th") +
      "<tr><td rowspan=2>w1</td><td>Online</td><td>1 TH/s</td><td>1 TH/s</td><td>1 TH/s</td></tr>"
      "<tr><td colspan=4>Online</td></tr>")});
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  html::TextWalker walker;
  ObserverPage page;
  read_data_tables(tables, walker, doc.end_of_input(), page);
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.skipped_rows, 1);  // the second row repeats w1 and its hashrates do not read
}

// --- two steps: texts first, values after ---

TEST(ObserverTables, TextsAreCollectedBeforeConversion) {
  const std::string markup = page_html({
      table(row({"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h"}, "th") +
            row({" a\tb ", "Online", "1<!-- -->,5 TH/s", "2 TH/s", "x"}) +
            row({"c", "Offline", "0 H/s", "0 H/s", "5 GH/s"})),
      table(row({"Date", "Income"}, "th") + row({"11/22/2026<br>12:00:00 AM", "0.5<br>BTC"})),
  });
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  html::TextWalker walker;
  const TableTexts texts = observer::collect_tables(tables, walker, doc.end_of_input());
  ASSERT_EQ(texts.workers.size(), 2u);
  EXPECT_EQ(texts.workers[0].row, 1);
  EXPECT_EQ(texts.workers[0].name, "a\tb");
  EXPECT_EQ(texts.workers[0].hashrate_10m, "1,5 TH/s");
  EXPECT_EQ(texts.workers[0].hashrate_24h, "x");
  EXPECT_EQ(texts.workers[0].last_share, std::nullopt);
  EXPECT_EQ(texts.workers[1].row, 2);
  ASSERT_EQ(texts.income.size(), 1u);
  EXPECT_EQ(texts.income[0].date, "11/22/2026 12:00:00 AM");
  EXPECT_EQ(texts.income[0].income, "0.5 BTC");
  EXPECT_EQ(texts.income[0].hashrate, std::nullopt);
  EXPECT_EQ(texts.skipped_rows, 0);

  ObserverPage page;
  read_workers(texts.workers, DecimalMark::dot, page);
  read_income(texts.income, DecimalMark::dot, page);
  ASSERT_EQ(page.workers.size(), 1u);  // "x" does not read
  EXPECT_EQ(page.workers[0].name, "c");
  EXPECT_EQ(page.skipped_rows, 1);
  ASSERT_EQ(page.income.size(), 1u);
  EXPECT_EQ(page.income[0].total_income_sat, 50'000'000);
}

}  // namespace
}  // namespace kz::observer
