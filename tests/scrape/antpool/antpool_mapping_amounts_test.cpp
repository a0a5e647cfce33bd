// Mapping Antpool's coin amounts and pool figures: paymentHistoryV2 (recv and payout), account.htm
// and poolStats.htm, samples of ../shared/antpool-api.md §5 copied here, and generated variants.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "scrape/antpool/antpool_mapping.hpp"
#include "scrape/antpool/antpool_test_values.hpp"

namespace kz {
namespace {

using nlohmann::json;
using test::as_json;
using test::btc_text;
using test::exact;
using test::expect_no_data;
using test::nearest;

const std::vector<std::string> kRecvAmounts = {"ppsAmount",    "pplnsAmount",    "soloAmount",
                                               "ppappsAmount", "ppapplnsAmount", "fppsBlockAmount",
                                               "fppsFeeAmount"};

TEST(AntpoolMappingAmounts, RecvSample) {
  const IncomeRow income = map_income_row(exact(
      R"({"timestamp":"2024-04-30 00:00:00","hashrate":"1.24 PH/s","hashrate_unit":"1240000000000000",
  "ppsAmount":"0","pplnsAmount":"0","soloAmount":"0","ppappsAmount":"0","ppapplnsAmount":"0",
  "fppsBlockAmount":"0.01811230","fppsFeeAmount":"0.00102345"})"));
  EXPECT_EQ(income.date, "2024-04-30");
  EXPECT_EQ(income.total_income_sat, 1811230 + 102345);
  EXPECT_EQ(income.fpps_sat, 1811230 + 102345);
  EXPECT_EQ(income.pps_sat, 0);
  EXPECT_EQ(income.pplns_sat, 0);
  EXPECT_EQ(income.hashrate_hs, 1.24e15);
}

TEST(AntpoolMappingAmounts, RecvTotalIsTheExactSumOfEveryAmount) {
  // 0.1 + 0.2 BTC is 30,000,000 sat exactly, whatever a double would say.
  const IncomeRow tenths = map_income_row(
      exact(R"({"timestamp":"2024-04-30","ppsAmount":0.1,"fppsBlockAmount":"0.2"})"));
  EXPECT_EQ(tenths.total_income_sat, 30'000'000);
  EXPECT_EQ(tenths.pps_sat, 10'000'000);
  EXPECT_EQ(tenths.fpps_sat, 20'000'000);
  EXPECT_FALSE(tenths.pplns_sat.has_value());
  EXPECT_FALSE(tenths.hashrate_hs.has_value());

  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::string text = R"({"timestamp":"2024-05-)" + std::to_string(10 + i % 20) + R"( 00:00:00")";
    int64_t total = 0;
    int64_t fpps = 0;
    for (const std::string& field : kRecvAmounts) {
      if (rng() % 4 == 0) continue;  // some fields absent
      const auto sat = static_cast<int64_t>(rng() % 2'000'000'000ULL);
      total += sat;
      if (field.rfind("fpps", 0) == 0) fpps += sat;
      text += ",\"" + field + "\":" + as_json(btc_text(sat), rng() % 2 == 0);
    }
    if (total == 0) text += R"(,"ppsAmount":"0")";
    const auto unknown = static_cast<int64_t>(rng() % 1000);  // a later *Amount field counts too
    total += unknown;
    text += R"(,"newSchemeAmount":")" + btc_text(unknown) + "\"}";
    const IncomeRow income = map_income_row(exact(text));
    EXPECT_EQ(income.total_income_sat, total) << text;
    EXPECT_EQ(income.date, "2024-05-" + std::to_string(10 + i % 20));
    if (text.find("fpps") != std::string::npos) {
      EXPECT_EQ(income.fpps_sat, fpps) << text;
    }
  }
}

TEST(AntpoolMappingAmounts, RecvHashrateFromEitherField) {
  const auto hashrate = [](const std::string& members) {
    return map_income_row(exact(R"({"timestamp":"2024-04-30","ppsAmount":"0")" + members + "}"))
        .hashrate_hs;
  };
  EXPECT_EQ(hashrate(R"(,"hashrate_unit":1240000000000000)"), 1.24e15);
  EXPECT_EQ(hashrate(R"(,"hashrate_unit":"","hashrate":"1.25 PH/s")"), nearest("1.25", 15));
  EXPECT_EQ(hashrate(R"(,"hashrate":"980.5 th/s")"), nearest("980.5", 12));
  EXPECT_FALSE(hashrate("").has_value());
  expect_no_data([&] { hashrate(R"(,"hashrate_unit":"-5")"); }, "recv", "hashrate_unit");
  expect_no_data([&] { hashrate(R"(,"hashrate":"1.25 PB")"); }, "recv", "hashrate");
}

TEST(AntpoolMappingAmounts, RecvRefusals) {
  const std::string e = "paymentHistoryV2.htm (recv)";
  expect_no_data([] { map_income_row(json{{"ppsAmount", "0.1"}}); }, "recv", "timestamp");
  expect_no_data(
      [] {
        map_income_row(json{{"timestamp", "30/04/2024"}, {"ppsAmount", "0.1"}});
      },
      e, "timestamp");
  expect_no_data([] { map_income_row(json{{"timestamp", "2024-04-30"}}); }, e, "Amount");
  for (const std::string bad : {"-0.1", "0.123456789", "abc", "1,5"}) {
    expect_no_data(
        [&] {
          map_income_row(json{{"timestamp", "2024-04-30"}, {"soloAmount", bad}});
        },
        e, "soloAmount");
  }
}

TEST(AntpoolMappingAmounts, PayoutSampleAndIds) {
  const json rows = exact(R"([
 {"timestamp":"2024-05-01 00:00:00","walletAddress":"bc1qexamplefakeaddr00000000000000000000",
  "txId":"1b910dec3051e3ac8449332060684f1ed300e66c3402a44e774e8206abe3575b","amount":"0.10050000"},
 {"id":77,"timestamp":"2024-04-24 12:30:05","walletAddress":"bc1q","txId":"","amount":0.10012}])");
  const PaymentRow first = map_payment_row(rows[0]);
  EXPECT_EQ(first.payment_id, "1b910dec3051e3ac8449332060684f1ed300e66c3402a44e774e8206abe3575b");
  EXPECT_EQ(first.tx, first.payment_id);
  EXPECT_EQ(first.amount_sat, 10'050'000);
  EXPECT_EQ(first.address, "bc1qexamplefakeaddr00000000000000000000");
  EXPECT_EQ(first.paid_at_unix, 1714521600);  // 2024-05-01T00:00:00Z
  const PaymentRow second = map_payment_row(rows[1]);
  EXPECT_EQ(second.payment_id, "77");
  EXPECT_EQ(second.tx, "");
  EXPECT_EQ(second.amount_sat, 10'012'000);
  EXPECT_EQ(second.paid_at_unix, 1714521600 - 7 * 86400 + 12 * 3600 + 30 * 60 + 5);
  const std::string e = "paymentHistoryV2.htm (payout)";
  expect_no_data(
      [] {
        map_payment_row(json{{"timestamp", "2024-05-01"}, {"amount", "1"}});
      },
      e, "txId");
  expect_no_data(
      [] {
        map_payment_row(json{{"txId", "t"}, {"timestamp", "2024-05-01"}});
      },
      e, "amount");
  expect_no_data(
      [] {
        map_payment_row(json{{"txId", "t"}, {"timestamp", "2024-05-01"}, {"amount", "-1"}});
      },
      e, "amount");
}

TEST(AntpoolMappingAmounts, AccountBalanceAsStringsOrNumbers) {
  const AccountBalance sample = map_account_balance(exact(
      R"({"earn24Hours":"0.01234567","earnTotal":"3.45678901","paidOut":"3.40000000",
 "balance":"0.05678901","settleTime":"2024-05-01"})"));
  EXPECT_EQ(sample.earn_24h_sat, 1'234'567);
  EXPECT_EQ(sample.earn_total_sat, 345'678'901);
  EXPECT_EQ(sample.paid_out_sat, 340'000'000);
  EXPECT_EQ(sample.balance_sat, 5'678'901);
  EXPECT_EQ(sample.settle_date, "2024-05-01");
  std::mt19937_64 rng(2);
  for (int i = 0; i < 100; ++i) {
    const auto sat = static_cast<int64_t>(rng() % 100'000'000'000ULL);
    const std::string v = as_json(btc_text(sat), i % 2 == 0);
    const AccountBalance b =
        map_account_balance(exact(R"({"earn24Hours":)" + v + R"(,"earnTotal":)" + v +
                                  R"(,"paidOut":)" + v + R"(,"balance":)" + v + "}"));
    EXPECT_EQ(b.balance_sat, sat);
    EXPECT_EQ(b.earn_total_sat, sat);
    EXPECT_EQ(b.paid_out_sat, sat);
    EXPECT_EQ(b.earn_24h_sat, sat);
    EXPECT_FALSE(b.settle_date.has_value());
  }
  for (const std::string field : {"balance", "earnTotal", "paidOut", "earn24Hours"}) {
    json data = {{"earn24Hours", "0"}, {"earnTotal", "0"}, {"paidOut", "0"}, {"balance", "0"}};
    data.erase(field);
    expect_no_data([&] { map_account_balance(data); }, "account.htm", field);
    data[field] = "0.000000015";
    expect_no_data([&] { map_account_balance(data); }, "account.htm", field);
  }
}

TEST(AntpoolMappingAmounts, PoolStatsSampleInMegahashes) {
  for (bool quoted : {true, false}) {
    const auto q = [&](const std::string& text) { return as_json(text, quoted); };
    const PoolStats stats = map_pool_stats(exact(
        R"({"poolHashrate":)" + q("98765432109876") + R"(,"activeWorkerNumber":)" + q("512345") +
        R"(,"poolStatus":"Alive","networkDiff":)" + q("83148355189239") + R"(,"estimateTime":)" +
        q("3670") + R"(,"currentRound":)" + q("1250") + R"(,"totalShareNumber":)" +
        q("9012345678") + R"(,"totalBlockNumber":)" + q("123456") + "}"));
    EXPECT_EQ(stats.pool_hashrate_hs, nearest("98765432109876", 6));
    EXPECT_EQ(stats.active_workers, 512345);
    EXPECT_EQ(stats.pool_status, "Alive");
    EXPECT_EQ(stats.network_difficulty, "83148355189239");
    EXPECT_EQ(stats.estimate_time_s, 3670);
    EXPECT_EQ(stats.current_round_s, 1250);
    EXPECT_EQ(stats.total_shares, 9012345678);
    EXPECT_EQ(stats.total_blocks, 123456);
  }
  EXPECT_EQ(map_pool_stats(exact(R"({"poolHashrate":"1.5"})")).pool_hashrate_hs, 1.5e6);
  expect_no_data([] { map_pool_stats(json::object()); }, "poolStats.htm", "poolHashrate");
  expect_no_data(
      [] {
        map_pool_stats(json{{"poolHashrate", "1"}, {"networkDiff", "-1"}});
      },
      "poolStats.htm", "networkDiff");
  expect_no_data(
      [] {
        map_pool_stats(json{{"poolHashrate", "1"}, {"estimateTime", "x"}});
      },
      "poolStats.htm", "estimateTime");
}

}  // namespace
}  // namespace kz
