#include "scrape/observer_parser.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace kz {
namespace {

std::string read_file(const std::string& name) {
  std::ifstream in(std::string(KZ_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Truth files give TH/s as shown on the page; compare at that precision.
void expect_ths(double hs, const nlohmann::json& truth_ths, const std::string& what) {
  const double want = truth_ths.get<double>();
  EXPECT_NEAR(hs / 1e12, want, std::abs(want) * 1e-9 + 1e-12) << what;
}

void expect_matches_truth(const ObserverPage& page, const nlohmann::json& truth) {
  EXPECT_EQ(page.locale, truth["locale"]);
  expect_ths(page.current_hashrate_hs, truth["current_hashrate_ths"], "current");
  ASSERT_TRUE(page.avg_hashrate_24h_hs);
  expect_ths(*page.avg_hashrate_24h_hs, truth["avg_hashrate_24h_ths"], "avg");
  EXPECT_EQ(page.online_workers, truth["online_workers"]);
  EXPECT_EQ(page.offline_workers, truth["offline_workers"]);
  EXPECT_EQ(page.balance_sat, truth["balance_sat"].get<int64_t>());
  EXPECT_EQ(page.last_income_sat, truth["last_income_sat"].get<int64_t>());
  EXPECT_EQ(page.skipped_rows, 0);
  ASSERT_EQ(page.workers.size(), truth["workers"].size());
  for (size_t i = 0; i < page.workers.size(); ++i) {
    const WorkerRow& w = page.workers[i];
    const nlohmann::json& t = truth["workers"][i];
    EXPECT_EQ(w.name, t["name"]);
    EXPECT_EQ(w.status == WorkerStatus::online ? "online" : "offline", t["status"]) << w.name;
    expect_ths(w.hashrate_10m_hs, t["hashrate_10m_ths"], w.name);
    expect_ths(w.hashrate_1h_hs, t["hashrate_1h_ths"], w.name);
    expect_ths(w.hashrate_24h_hs, t["hashrate_24h_ths"], w.name);
    EXPECT_EQ(w.last_share_local, t["last_share"].get<std::string>()) << w.name;
  }
  ASSERT_EQ(page.income.size(), truth["earnings"].size());
  for (size_t i = 0; i < page.income.size(); ++i) {
    const nlohmann::json& t = truth["earnings"][i];
    EXPECT_EQ(page.income[i].date, t["date"]);
    EXPECT_EQ(page.income[i].total_income_sat, t["total_income_sat"].get<int64_t>());
    ASSERT_TRUE(page.income[i].hashrate_hs);
    expect_ths(*page.income[i].hashrate_hs, t["hashrate_ths"], page.income[i].date);
  }
  std::vector<std::string> offline;
  for (const WorkerRow& w : page.workers) {
    if (w.status == WorkerStatus::offline) offline.push_back(w.name);
  }
  std::sort(offline.begin(), offline.end());
  EXPECT_EQ(offline, truth["offline_names"].get<std::vector<std::string>>());
}

TEST(ObserverSamples, Russian200MatchesTruth) {
  const ObserverPage page = parse_observer_page(read_file("observer_ru_200.html"));
  expect_matches_truth(page, nlohmann::json::parse(read_file("observer_ru_200.truth.json")));
  EXPECT_TRUE(page.workers_complete());
}

TEST(ObserverSamples, English60MatchesTruth) {
  const ObserverPage page = parse_observer_page(read_file("observer_en_60.html"));
  expect_matches_truth(page, nlohmann::json::parse(read_file("observer_en_60.truth.json")));
  EXPECT_TRUE(page.workers_complete());
}

TEST(ObserverSamples, ShellIsNoData) {
  ASSERT_TRUE(nlohmann::json::parse(read_file("observer_shell.truth.json"))["shell"].get<bool>());
  try {
    parse_observer_page(read_file("observer_shell.html"));
    FAIL() << "a shell page parsed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    EXPECT_NE(std::string(e.what()).find("no summary cards and no workers table"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kz
