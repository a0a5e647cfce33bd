// Pages that broke the parser (issue 9), each with the result its first line states.

#include <gtest/gtest.h>

#include <string>

#include "scrape/observer/observer_parser.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

ObserverPage parse_case(const std::string& name) {
  return parse_observer_page(test::read_test_data("cases/" + name + ".html"));
}

const WorkerRow* worker(const ObserverPage& page, const std::string& name) {
  for (const WorkerRow& w : page.workers) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

TEST(ObserverCases, BrInCellsSeparatesDateAndTime) {
  const ObserverPage page = parse_case("br_in_cells");
  EXPECT_EQ(page.skipped_rows, 0);
  ASSERT_EQ(page.workers.size(), 2u);
  const WorkerRow* w1 = worker(page, "w1");
  ASSERT_NE(w1, nullptr);
  EXPECT_EQ(w1->last_share_local, "2026-11-22T10:33:25");
  ASSERT_EQ(page.income.size(), 2u);
  EXPECT_EQ(page.income[0].date, "2026-11-21");
  EXPECT_EQ(page.income[0].total_income_sat, 16375);
  EXPECT_EQ(page.income[1].date, "2026-11-20");
}

TEST(ObserverCases, ReactSsrCommentsInsideLabelsAndValues) {
  const ObserverPage page = parse_case("react_ssr_comment_split_text");
  EXPECT_EQ(page.current_hashrate_hs, 38.384e15);
  ASSERT_TRUE(page.avg_hashrate_24h_hs);
  EXPECT_EQ(*page.avg_hashrate_24h_hs, 38.185e15);
  EXPECT_EQ(page.online_workers, 198);
  EXPECT_EQ(page.offline_workers, 2);
  EXPECT_EQ(page.balance_sat, 1864218);
  EXPECT_EQ(page.last_income_sat, 1570138);
  EXPECT_EQ(page.skipped_rows, 0);
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.workers[0].name, "w1");
  EXPECT_EQ(page.workers[0].hashrate_10m_hs, 150.5e12);
  EXPECT_EQ(page.workers[0].hashrate_1h_hs, 151e12);
  EXPECT_EQ(page.workers[0].hashrate_24h_hs, 152e12);
  EXPECT_EQ(page.workers[0].last_share_local, "2026-11-22T10:33:25");
  ASSERT_EQ(page.income.size(), 1u);
  EXPECT_EQ(page.income[0].date, "2026-11-21");
  EXPECT_EQ(page.income[0].total_income_sat, 1570138);
}

TEST(ObserverCases, TwoRowHeaderWithColspan) {
  const ObserverPage page = parse_case("colspan_two_row_header");
  EXPECT_EQ(page.skipped_rows, 0);
  ASSERT_EQ(page.workers.size(), 2u);
  EXPECT_EQ(page.workers[0].name, "w1");
  EXPECT_EQ(page.workers[0].status, WorkerStatus::online);
  EXPECT_EQ(page.workers[0].hashrate_10m_hs, 150e12);
  EXPECT_EQ(page.workers[0].hashrate_1h_hs, 151e12);
  EXPECT_EQ(page.workers[0].hashrate_24h_hs, 152e12);
  EXPECT_EQ(page.workers[0].last_share_local, "2026-11-22T10:33:25");
  EXPECT_EQ(page.workers[1].name, "w2");
  EXPECT_EQ(page.workers[1].status, WorkerStatus::offline);
  EXPECT_EQ(page.workers[1].hashrate_24h_hs, 12e12);
  EXPECT_TRUE(page.workers_complete());
}

TEST(ObserverCases, EmptyTablesPlaceholderRowsAreNoRows) {
  const ObserverPage page = parse_case("empty_table_placeholder_row");
  EXPECT_EQ(page.workers.size(), 0u);
  EXPECT_EQ(page.income.size(), 0u);
  EXPECT_EQ(page.skipped_rows, 0);
  EXPECT_EQ(page.online_workers, 0);
  EXPECT_EQ(page.offline_workers, 0);
  EXPECT_EQ(page.balance_sat, 0);
  EXPECT_FALSE(page.last_income_sat.has_value());
}

TEST(ObserverCases, EnglishCommaGroupsThousandsWithoutAFraction) {
  const ObserverPage page = parse_case("en_comma_thousands_no_fraction");
  EXPECT_EQ(page.current_hashrate_hs, 1234e12);
  EXPECT_EQ(page.avg_hashrate_24h_hs, 1233.5e12);
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.workers[0].hashrate_1h_hs, 1024e9);
  EXPECT_EQ(page.workers[0].hashrate_10m_hs, 137.25e12);
}

}  // namespace
}  // namespace kz
