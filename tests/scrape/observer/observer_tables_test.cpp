#include "scrape/observer/observer_tables.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scrape/observer/html_fixtures.hpp"

namespace kz::observer {
namespace {

using html::Node;

using test::collect_tables;
using test::page_html;
using test::row;
using test::table;

TEST(ObserverTables, LayoutFromTheHeaderRow) {
  const html::Document doc(
      "<html><body><table><thead>" +
      row({"Воркер", "Хешрейт 24 ч", "Статус", "Хешрейт 10 мин", "Воркер", "Хешрейт 1 ч"}) +
      "</thead><tbody>" + row({"w1", "1 TH/s"}) + row({"x"}, "th") + row({"w2", "2 TH/s"}) +
      "</tbody></table></body></html>");
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  ASSERT_EQ(tables.size(), 1u);
  html::TextWalker walker;
  const TableLayout t = read_table(tables[0], walker);
  EXPECT_EQ(t.table, tables[0]);
  EXPECT_TRUE(t.russian_headers);
  EXPECT_EQ(t.at(Column::name), 0);  // the first of two
  EXPECT_EQ(t.at(Column::hashrate_24h), 1);
  EXPECT_EQ(t.at(Column::status), 2);
  EXPECT_EQ(t.at(Column::hashrate_10m), 3);
  EXPECT_EQ(t.at(Column::hashrate_1h), 5);
  EXPECT_EQ(t.at(Column::date), -1);
  EXPECT_EQ(t.rows.size(), 2u);  // not the header, not the row of <th> only
  EXPECT_TRUE(is_workers_table(t));
  EXPECT_FALSE(is_income_table(t));
}

TEST(ObserverTables, ReadsTheFirstWorkersAndIncomeTables) {
  const std::string workers_header = row(
      {"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h", "Last share"}, "th");
  const std::string markup = page_html({
      table(row({"Plan", "Price"}, "th") + row({"a", "b"})),
      table(row({"Date", "Total income", "Hashrate"}, "th") +
            row({"2026-11-21", "0.001 BTC", "10 PH/s"}) +
            row({"2026-11-21", "0.002 BTC", "10 PH/s"}) +  // repeated date
            row({"2026-11-20", "0.003 BTC", "-"}) +        // unreadable hashrate
            row({"11/19/2026", "0.004 BTC", "1 EH/s"})),
      table(workers_header +
            row({"w1", "Online", "1 TH/s", "2 TH/s", "3 TH/s", "2026-11-22 10:39:03"}) +
            row({"w1", "Online", "1 TH/s", "2 TH/s", "3 TH/s"}) +  // repeated name
            row({"w2", "Offline", "0 H/s", "0 H/s", "5 GH/s"}) +
            row({"w3", "Asleep", "1 TH/s", "1 TH/s", "1 TH/s"}) +  // unreadable status
            row({"w4", "Online", "1 TH/s"})),                      // missing cells
      table(workers_header + row({"other", "Online", "1 TH/s", "1 TH/s", "1 TH/s"})),
      table(row({"Day", "Earnings"}, "th") + row({"2026-11-18", "1 BTC"})),
  });
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  ASSERT_EQ(tables.size(), 5u);
  html::TextWalker walker;
  ObserverPage page;
  const TableTexts data = read_data_tables(tables, walker, doc.end_of_input(), page);

  EXPECT_TRUE(data.have_workers);
  ASSERT_EQ(data.nodes.size(), 2u);
  EXPECT_EQ(data.nodes[0], tables[1]);  // page order: income first
  EXPECT_EQ(data.nodes[1], tables[2]);
  ASSERT_EQ(data.layouts.size(), 2u);
  EXPECT_EQ(data.layouts[0].table, tables[1]);
  EXPECT_FALSE(data.layouts[0].russian_headers);

  ASSERT_EQ(page.income.size(), 2u);
  EXPECT_EQ(page.income[0].date, "2026-11-21");
  EXPECT_EQ(page.income[0].total_income_sat, 100000);
  ASSERT_TRUE(page.income[0].hashrate_hs);
  EXPECT_DOUBLE_EQ(*page.income[0].hashrate_hs, 10e15);
  EXPECT_EQ(page.income[1].date, "2026-11-19");
  ASSERT_TRUE(page.income[1].hashrate_hs);
  EXPECT_DOUBLE_EQ(*page.income[1].hashrate_hs, 1e18);

  ASSERT_EQ(page.workers.size(), 2u);
  EXPECT_EQ(page.workers[0].name, "w1");
  EXPECT_EQ(page.workers[0].status, WorkerStatus::online);
  EXPECT_DOUBLE_EQ(page.workers[0].hashrate_24h_hs, 3e12);
  EXPECT_EQ(page.workers[0].last_share_local, "2026-11-22T10:39:03");
  EXPECT_EQ(page.workers[1].name, "w2");
  EXPECT_EQ(page.workers[1].status, WorkerStatus::offline);
  EXPECT_EQ(page.workers[1].last_share_local, std::nullopt);
  EXPECT_EQ(page.skipped_rows, 5);
}

TEST(ObserverTables, CutOffRowsAreSkipped) {
  const std::string markup =
      "<html><body><table>" +
      row({"Worker", "Status", "Hashrate 10 min", "Hashrate 1 h", "Hashrate 24 h"}, "th") +
      row({"w1", "Online", "1 TH/s", "2 TH/s", "3 TH/s"}) +
      "<tr><td>w2</td><td>Online</td><td>1 TH/s</td><td>2 TH/s</td><td>3 TH/s";
  const html::Document doc(markup);
  std::vector<const Node*> tables;
  collect_tables(doc.root(), tables);
  ASSERT_EQ(tables.size(), 1u);
  html::TextWalker walker;
  ObserverPage page;
  const TableTexts data = read_data_tables(tables, walker, doc.end_of_input(), page);
  EXPECT_TRUE(data.have_workers);
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.workers[0].name, "w1");
  EXPECT_EQ(page.skipped_rows, 1);
}

}  // namespace
}  // namespace kz::observer
