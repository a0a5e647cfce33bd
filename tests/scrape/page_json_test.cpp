#include "scrape/page_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scrape/observer/observer_parser.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

ObserverPage small_page() {
  ObserverPage p;
  p.locale = "ru";
  p.current_hashrate_hs = 38384e12;
  p.online_workers = 2;
  p.offline_workers = 1;
  p.balance_sat = 1864218;
  p.workers.push_back(
      {"kz01x001", WorkerStatus::online, 137937e9, 151034e9, 144859e9, "2026-11-22T10:33:25"});
  p.workers.push_back({"kz01x002", WorkerStatus::offline, 0, 0, 88868e9, std::nullopt});
  p.income.push_back({"2026-11-21", 1703869, std::nullopt});
  p.skipped_rows = 1;
  return p;
}

TEST(PageJson, ShapeOfTheTruthFilesWithExactBtcStrings) {
  const nlohmann::json j = page_to_json(small_page());
  EXPECT_EQ(j["locale"], "ru");
  EXPECT_EQ(j["current_hashrate_ths"].get<double>(), 38384.0);
  EXPECT_TRUE(j["avg_hashrate_24h_ths"].is_null());
  EXPECT_EQ(j["online_workers"], 2);
  EXPECT_EQ(j["offline_workers"], 1);
  EXPECT_EQ(j["balance_sat"], 1864218);
  EXPECT_EQ(j["balance_btc"], "0.01864218");
  EXPECT_TRUE(j["last_income_sat"].is_null());
  EXPECT_TRUE(j["last_income_btc"].is_null());
  EXPECT_EQ(j["workers_complete"], false);  // 2 rows, 3 workers on the cards
  EXPECT_EQ(j["skipped_rows"], 1);
  ASSERT_EQ(j["workers"].size(), 2u);
  EXPECT_EQ(j["workers"][0]["name"], "kz01x001");
  EXPECT_EQ(j["workers"][0]["status"], "online");
  EXPECT_EQ(j["workers"][0]["hashrate_10m_ths"].get<double>(), 137.937);
  EXPECT_EQ(j["workers"][0]["last_share"], "2026-11-22T10:33:25");
  EXPECT_EQ(j["workers"][1]["status"], "offline");
  EXPECT_EQ(j["workers"][1]["hashrate_24h_ths"].get<double>(), 88.868);
  EXPECT_TRUE(j["workers"][1]["last_share"].is_null());
  ASSERT_EQ(j["earnings"].size(), 1u);
  EXPECT_EQ(j["earnings"][0]["date"], "2026-11-21");
  EXPECT_EQ(j["earnings"][0]["total_income_sat"], 1703869);
  EXPECT_EQ(j["earnings"][0]["total_income_btc"], "0.01703869");
  EXPECT_TRUE(j["earnings"][0]["hashrate_ths"].is_null());
}

// Each scheme's part of a day's income is printed when known, and only then.
TEST(PageJson, EarningsCarryEachSchemesPartWhenKnown) {
  for (int known = 0; known < 8; ++known) {
    SCOPED_TRACE(known);
    ObserverPage page = small_page();
    IncomeRow& row = page.income.front();
    const int64_t pps = 1000 + known, pplns = 2000 + known, fpps = 3000 + known;
    if (known & 1) row.pps_sat = pps;
    if (known & 2) row.pplns_sat = pplns;
    if (known & 4) row.fpps_sat = fpps;
    const nlohmann::json day = page_to_json(page)["earnings"][0];
    EXPECT_EQ(day.contains("pps_sat"), (known & 1) != 0);
    EXPECT_EQ(day.contains("pplns_sat"), (known & 2) != 0);
    EXPECT_EQ(day.contains("fpps_sat"), (known & 4) != 0);
    EXPECT_EQ(day.value("pps_sat", int64_t{-1}), (known & 1) ? pps : -1);
    EXPECT_EQ(day.value("pplns_sat", int64_t{-1}), (known & 2) ? pplns : -1);
    EXPECT_EQ(day.value("fpps_sat", int64_t{-1}), (known & 4) ? fpps : -1);
  }
}

TEST(PageJson, ParsedSampleAgreesWithItsTruthFile) {
  const nlohmann::json got =
      page_to_json(parse_observer_page(test::read_test_data("observer_en_60.html")));
  const nlohmann::json truth =
      nlohmann::json::parse(test::read_test_data("observer_en_60.truth.json"));
  for (const char* key :
       {"locale", "online_workers", "offline_workers", "balance_sat", "last_income_sat"}) {
    EXPECT_EQ(got[key], truth[key]) << key;
  }
  EXPECT_EQ(got["balance_btc"], "0.00173296");
  EXPECT_EQ(got["workers_complete"], true);
  ASSERT_EQ(got["workers"].size(), truth["workers"].size());
  for (size_t i = 0; i < got["workers"].size(); ++i) {
    EXPECT_EQ(got["workers"][i]["name"], truth["workers"][i]["name"]);
    EXPECT_EQ(got["workers"][i]["last_share"], truth["workers"][i]["last_share"]);
    // hs / 1e12 of an exact H/s value is the double nearest to the shown TH/s.
    EXPECT_EQ(got["workers"][i]["hashrate_1h_ths"], truth["workers"][i]["hashrate_1h_ths"]);
  }
  EXPECT_EQ(got["earnings"][0]["date"], truth["earnings"][0]["date"]);
}

}  // namespace
}  // namespace kz
