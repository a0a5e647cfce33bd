// The rows kzupload sends for Antpool pools, without a server.
#include "upload/antpool_rows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "upload/row_mapping.hpp"

namespace kz {
namespace {

TEST(AntpoolRows, EachSourceHasItsAccountTypeDevicePrefixAndIncomeSource) {
  EXPECT_EQ(pool_source("antpool"), PoolSource::antpool);
  for (const char* other : {"btcpool", "", "Antpool", "antpool "}) {
    EXPECT_EQ(pool_source(other), PoolSource::btcpool) << other;
  }
  const AccountLabels labels{"antpool_001", {}, {}, {}, {}};
  const IncomeDay day{"2026-11-21", 1'864'218, 1};
  for (const auto& [source, type, prefix, income] :
       {std::tuple{PoolSource::btcpool, "kzpool", "KZ_", "KZ Pool"},
        std::tuple{PoolSource::antpool, "antpool", "AP_", "Antpool"}}) {
    EXPECT_EQ(nlohmann::json::parse(account_row(labels, std::nullopt, source))["account_type"],
              type);
    for (const std::string worker : {"w1", "rig 01 a", "a.b c"}) {
      std::string expected = prefix + std::string("antpool_001_") + worker;
      std::replace(expected.begin(), expected.end(), ' ', '_');
      EXPECT_EQ(device_id("antpool_001", worker, source), expected);
    }
    EXPECT_EQ(nlohmann::json::parse(income_row("antpool_001", day, source))["source"], income);
  }
}

TEST(AntpoolRows, ACallKeepsEveryOutcomeFieldAndAnEmptyErrorIsNull) {
  ApiCallState call;
  call.account_name = "antpool_001";
  call.nonce = 1'764'000'000'123;
  call.endpoint = "userWorkerList.htm";
  call.called_at = "2026-11-22T10:40:00.123Z";
  call.tier = 2;
  for (const auto& [status, code, ms, error] :
       {std::tuple<std::optional<int64_t>, std::optional<int64_t>, std::optional<int64_t>,
                   std::optional<std::string>>{200, 0, 85, ""},
        {200, -7, 91, "Signature error"},
        {std::nullopt, std::nullopt, 30'000, "network error"},
        {std::nullopt, std::nullopt, std::nullopt, std::nullopt}}) {
    call.http_status = status;
    call.api_code = code;
    call.duration_ms = ms;
    call.error = error;
    const auto json = nlohmann::json::parse(api_call_row(call));
    EXPECT_EQ(json["nonce"], call.nonce);
    EXPECT_EQ(json["called_at"], call.called_at);
    EXPECT_EQ(json["tier"], 2);
    EXPECT_EQ(json["response_status"].is_null(), !status);
    if (status) {
      EXPECT_EQ(json["response_status"], *status);
    }
    EXPECT_EQ(json["api_code"].is_null(), !code);
    EXPECT_EQ(json["response_time_ms"].is_null(), !ms);
    const bool no_error = !error || error->empty();
    EXPECT_EQ(json["error_message"].is_null(), no_error);
    if (!no_error) {
      EXPECT_EQ(json["error_message"], *error);
    }
  }
}

TEST(AntpoolRows, PoolStatsRoundToTerahashAndKeepTheDifficultyText) {
  PoolStatsState stats;
  stats.coin = "BTC";
  stats.fetched_at = "2026-11-22T10:40:00.123Z";
  stats.pool_status = "Alive";
  for (int k = 0; k < 20; ++k) {
    stats.pool_hashrate_ths = 123'456'789.0 + k * 0.25;
    stats.network_difficulty = std::to_string(83'148'355'189'239LL + k) + (k % 2 ? ".5" : "");
    const std::string text = pool_stats_row(stats);
    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["pool_hashrate"], static_cast<int64_t>(std::llround(stats.pool_hashrate_ths)));
    EXPECT_EQ(json["network_difficulty"], stats.network_difficulty);
    EXPECT_FALSE(pool_stats_unfit(stats)) << *pool_stats_unfit(stats);
  }
  for (const double bad : {std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(), 1e19, -1e19}) {
    stats.pool_hashrate_ths = bad;
    const auto reason = pool_stats_unfit(stats);
    ASSERT_TRUE(reason) << bad;
    EXPECT_TRUE(reason->starts_with("pool_hashrate ")) << *reason;
  }
}

}  // namespace
}  // namespace kz
