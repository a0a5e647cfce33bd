#include <gtest/gtest.h>

#include "scrape/page_json.hpp"
#include "scrape/btcpool_api/pool_api_client.hpp"
#include "scrape/btcpool_api/pool_api_fixture.hpp"
#include "scrape/btcpool_api/pool_api_mapping.hpp"

namespace kz::test {
namespace {

TEST_F(PoolApiTest, MapsTheSummaryExactly) {
  serve_fleet(20);
  const ObserverPage page = fetch();
  EXPECT_EQ(page.online_workers, 18);
  EXPECT_EQ(page.offline_workers, 2);
  EXPECT_EQ(page.current_hashrate_hs, 38384e12);
  EXPECT_EQ(page.avg_hashrate_24h_hs, 37000e12);
  EXPECT_EQ(page.balance_sat, 15744);
  EXPECT_TRUE(page.workers_complete());
  EXPECT_EQ(page.skipped_rows, 0);
}

TEST_F(PoolApiTest, FetchesEveryPageOfWorkers) {
  serve_fleet(250);
  const ObserverPage page = fetch(100);
  ASSERT_EQ(page.workers.size(), 250u);
  std::vector<std::string> offsets;
  for (const ApiCall& call : api_.calls()) {
    if (call.method != "workers") continue;
    offsets.push_back(call.query.at("offset"));
    EXPECT_EQ(call.query.at("limit"), "100");
    EXPECT_EQ(call.query.at("v"), "1");
    EXPECT_EQ(call.query.at("currency"), "BTC");
  }
  EXPECT_EQ(offsets, (std::vector<std::string>{"0", "100", "200"}));
  EXPECT_EQ(page.workers[249].name, "w249");
}

TEST_F(PoolApiTest, AFullLastPageNeedsNoExtraCall) {
  serve_fleet(200);
  EXPECT_EQ(fetch(100).workers.size(), 200u);
  EXPECT_EQ(api_.call_count("workers"), 2);
}

TEST_F(PoolApiTest, MapsWorkersWithRejectRateAndLastActive) {
  serve_fleet(12);
  const ObserverPage page = fetch(5);
  const WorkerRow& offline = page.workers[0];
  EXPECT_EQ(offline.name, "w0");
  EXPECT_EQ(offline.status, WorkerStatus::offline);
  EXPECT_EQ(offline.reject_rate, 0.0);
  const WorkerRow& online = page.workers[11];
  EXPECT_EQ(online.status, WorkerStatus::online);
  EXPECT_EQ(online.hashrate_10m_hs, 100'011e9);
  EXPECT_EQ(online.hashrate_24h_hs, 100'011e9);
  EXPECT_EQ(online.reject_rate, 0.0012);
  EXPECT_EQ(online.last_share_unix, 1'795'000'011);
  EXPECT_FALSE(online.last_share_local);
}

TEST_F(PoolApiTest, NeverActiveWorkerHasNoLastShare) {
  serve_fleet(1);
  api_.set_rows("workers", {api_worker(7, "fresh", false, "0", 0, "0.00000000")});
  const ObserverPage page = fetch();
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_FALSE(page.workers[0].last_share_unix);
  EXPECT_EQ(page.workers[0].hashrate_1h_hs, 0);
}

TEST_F(PoolApiTest, ProfitHistoryIsTheLast30DaysAtThePoolsDateWithTheSplit) {
  serve_fleet(3);
  const ObserverPage page = fetch(7);  // 30 days in pages of 7
  for (const ApiCall& call : api_.calls()) {
    if (call.method != "profit_history") continue;
    EXPECT_EQ(call.query.at("from"), "2026-10-24");
    EXPECT_EQ(call.query.at("to"), "2026-11-22");
  }
  EXPECT_EQ(api_.call_count("profit_history"), 5);
  ASSERT_EQ(page.income.size(), 30u);
  const IncomeRow& newest = page.income.front();
  EXPECT_EQ(newest.date, "2026-11-22");
  EXPECT_EQ(newest.total_income_sat, 11000);
  EXPECT_EQ(newest.pps_sat, 10000);
  EXPECT_EQ(newest.pplns_sat, 1000);
  EXPECT_EQ(newest.hashrate_hs, 137937e9);
  EXPECT_EQ(page.income.back().date, "2026-10-24");
  EXPECT_EQ(page.last_income_sat, 11000);
}

TEST_F(PoolApiTest, PoolDateFollowsTheOffset) {
  serve_fleet(1);
  now_ = std::chrono::sys_days{std::chrono::year{2026} / 11 / 21} + std::chrono::hours(20);
  fetch();  // 20:00 UTC is 01:00 the next day at +05:00
  EXPECT_EQ(api_.calls().back().method, "payment_history");
  for (const ApiCall& call : api_.calls()) {
    if (call.method == "profit_history") {
      EXPECT_EQ(call.query.at("to"), "2026-11-22");
    }
  }
}

TEST_F(PoolApiTest, MapsPayments) {
  serve_fleet(1, 5);
  const ObserverPage page = fetch(2);
  ASSERT_EQ(page.payments.size(), 5u);
  EXPECT_EQ(page.payments[4].payment_id, "904");
  EXPECT_EQ(page.payments[4].amount_sat, 500'004);
  EXPECT_EQ(page.payments[4].address, "bc1qexample4");
  EXPECT_EQ(page.payments[4].tx, "tx4");
  EXPECT_EQ(page.payments[4].paid_at_unix, 1'794'000'000 + 4 * 86'400);
  EXPECT_EQ(api_.call_count("payment_history"), 3);
}

TEST_F(PoolApiTest, TheKeyTravelsOnlyInTheHeader) {
  serve_fleet(1);
  fetch();
  for (const ApiCall& call : api_.calls()) {
    EXPECT_EQ(call.key, kApiKey);
    for (const auto& [name, value] : call.query) {
      EXPECT_EQ(value.find(kApiKey), std::string::npos) << name;
    }
  }
}

TEST_F(PoolApiTest, RepeatedWorkerNamesKeepTheFirst) {
  serve_fleet(1);
  api_.set_rows("workers", {api_worker(1, "a", true, "5", 1, "0.1"),
                            api_worker(2, "a", false, "6", 1, "0.2")});
  const ObserverPage page = fetch();
  ASSERT_EQ(page.workers.size(), 1u);
  EXPECT_EQ(page.workers[0].hashrate_10m_hs, 5);
  EXPECT_EQ(page.skipped_rows, 1);
}

TEST_F(PoolApiTest, NumbersAreAcceptedWhereStringsAreDocumented) {
  serve_fleet(1);
  nlohmann::json worker = api_worker(1, "n", true, "5", 1, "0.5");
  worker["worker_id"] = 1;
  worker["last_active"] = 1'795'000'000;
  worker["hashrate_10min"] = 123456789;
  api_.set_rows("workers", {worker});
  const ObserverPage page = fetch();
  EXPECT_EQ(page.workers.at(0).hashrate_10m_hs, 123456789);
  EXPECT_EQ(page.workers.at(0).last_share_unix, 1'795'000'000);
}

TEST_F(PoolApiTest, TransientErrorsAreRetried) {
  serve_fleet(3);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method == "workers" && call.index < 2) return ApiReply{503, "busy"};
    return std::nullopt;
  });
  EXPECT_EQ(fetch().workers.size(), 3u);
  EXPECT_EQ(api_.call_count("workers"), 3);
}

}  // namespace
}  // namespace kz::test

namespace kz::test {
namespace {

TEST_F(PoolApiTest, DryRunJsonShowsWhatOnlyTheApiGives) {
  serve_fleet(2, 1);
  const nlohmann::json j = page_to_json(fetch());
  EXPECT_EQ(j["workers"][1]["reject_rate"], 0.0012);
  EXPECT_EQ(j["workers"][1]["last_share_utc"], "2026-11-18T11:06:41Z");
  EXPECT_EQ(j["earnings"][0]["pps_sat"], 10000);
  EXPECT_EQ(j["earnings"][0]["pplns_sat"], 1000);
  EXPECT_EQ(j["payments"][0]["amount_btc"], "0.00500000");
  EXPECT_EQ(j["payments"][0]["paid_at"],
            format_utc(TimePoint{std::chrono::seconds{1'794'000'000}}));
  // A page's JSON keeps its shape.
  const nlohmann::json page = page_to_json(ObserverPage{});
  EXPECT_FALSE(page.contains("payments"));
}

}  // namespace
}  // namespace kz::test
