#include "upload/row_mapping.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace kz {
namespace {

TEST(RowMapping, DeviceIdReplacesSpaces) {
  EXPECT_EQ(device_id("KZPool_001", "rig 01 a"), "KZ_KZPool_001_rig_01_a");
  EXPECT_EQ(device_id("KZ Pool", "w1"), "KZ_KZ_Pool_w1");
}

TEST(RowMapping, UsDate) {
  EXPECT_EQ(us_date("2026-11-02"), "11/02/2026");
  EXPECT_EQ(us_date("2026-01-31"), "01/31/2026");
  EXPECT_EQ(us_date("11/02/2026"), "11/02/2026");
}

TEST(RowMapping, RoundsTerahashToNearest) {
  EXPECT_EQ(round_ths(38384.0), 38384);
  EXPECT_EQ(round_ths(38384.499), 38384);
  EXPECT_EQ(round_ths(38384.5), 38385);
  EXPECT_EQ(round_ths(0.4), 0);
  EXPECT_EQ(round_ths(-2.5), -3);
  EXPECT_EQ(round_ths(2147483647.4), 2147483647);
  EXPECT_EQ(round_ths(4e18), 4'000'000'000'000'000'000);
}

// llround of these is undefined (1e30 used to be sent as -9223372036854775808).
TEST(RowMapping, RoundingRefusesValuesWithNoIntegerForm) {
  for (double ths :
       {1e30, -1e30, 9223372036854775808.0, -9223372036854775808.0, 1e300,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()}) {
    try {
      const int64_t sent = round_ths(ths);
      ADD_FAILURE() << ths << " rounded to " << sent;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::internal) << ths;
    }
  }
}

TEST(RowMapping, BtcIsAnExactDecimalLiteral) {
  const std::string text = JsonObject().btc("a", 1864218).btc("b", 2'100'000'000'000'000).str();
  EXPECT_EQ(text, R"({"a":0.01864218,"b":21000000.00000000})");
  EXPECT_TRUE(nlohmann::json::accept(text));
}

TEST(RowMapping, StringsAreEscaped) {
  const std::string text =
      JsonObject().string("k", "a \"quoted\"\\ name\n\xd1\x80\xd0\xb8\xd0\xb3").str();
  EXPECT_EQ(nlohmann::json::parse(text)["k"], "a \"quoted\"\\ name\n\xd1\x80\xd0\xb8\xd0\xb3");
  EXPECT_TRUE(nlohmann::json::accept(JsonObject().string("k", "bad \xff utf8").str()));
}

TEST(RowMapping, BatchKeepsTheLastRowPerKey) {
  Batch batch;
  batch.add("a", R"({"k":1})");
  batch.add("b", R"({"k":2})");
  batch.add("a", R"({"k":3})");
  EXPECT_EQ(batch.size(), 2U);
  EXPECT_EQ(batch.replaced(), 1U);
  EXPECT_EQ(batch.body(), R"([{"k":3},{"k":2}])");
  EXPECT_EQ(Batch().body(), "[]");
}

SnapshotRow snapshot() {
  SnapshotRow s;
  s.id = 7;
  s.scraped_at = "2026-11-22T10:40:00Z";
  s.hashrate_current_ths = 38384.5;
  s.hashrate_24h_ths = 37000.2;
  s.online_workers = 190;
  s.offline_workers = 10;
  s.balance_sat = 1864218;
  s.last_income_sat = 123456789;
  s.workers_1h_sum_ths = 38000.7;
  return s;
}

TEST(RowMapping, HashrateRow) {
  EXPECT_EQ(hashrate_row("KZPool_001", snapshot()),
            R"({"account_name":"KZPool_001","timestamp":"2026-11-22T10:40:00Z",)"
            R"("hashrate_10m":38385,"hashrate_1h":38001,"hashrate_1d":37000,)"
            R"("worker_count":200,"active_workers":190,"reject_rate":null})");
  SnapshotRow partial = snapshot();
  partial.workers_1h_sum_ths.reset();
  partial.hashrate_24h_ths.reset();
  const auto json = nlohmann::json::parse(hashrate_row("KZPool_001", partial));
  EXPECT_TRUE(json["hashrate_1h"].is_null());
  EXPECT_TRUE(json["hashrate_1d"].is_null());
}

TEST(RowMapping, AccountRowLeavesUnknownValuesOut) {
  AccountLabels labels{"KZPool_001", "Client A", "Acme", "KZ", "Ekibastuz"};
  EXPECT_EQ(account_row(labels, snapshot()),
            R"({"account_name":"KZPool_001","coin_type":"BTC","is_active":true,)"
            R"("account_type":"kzpool","company":"Acme","site":"Ekibastuz",)"
            R"("group_name":"Client A","balance":0.01864218,"earn_24_hours":1.23456789,)"
            R"("updated_at":"2026-11-22T10:40:00Z"})");
  SnapshotRow no_balance = snapshot();
  no_balance.balance_sat.reset();
  AccountLabels bare;
  bare.account = "KZPool_001";
  const auto json = nlohmann::json::parse(account_row(bare, no_balance));
  EXPECT_FALSE(json.contains("balance"));
  EXPECT_FALSE(json.contains("company"));
  EXPECT_FALSE(json.contains("group_name"));
  EXPECT_EQ(nlohmann::json::parse(account_row(bare, std::nullopt)).size(), 4U);
}

// The hashrates columns are PostgreSQL integers: after rounding, |value| <= 2,147,483,647.
TEST(RowMapping, UnrepresentableNamesTheColumnTheValueAndTheLimit) {
  constexpr double kMax = 2147483647.0;
  EXPECT_FALSE(unrepresentable(snapshot()));
  struct Case {
    double ths;
    bool fits;
  };
  const std::vector<Case> cases = {
      {kMax, true},
      {kMax + 0.49, true},
      {kMax + 0.5, false},
      {kMax + 1, false},
      {-kMax, true},
      {-kMax - 0.49, true},
      {-kMax - 0.5, false},
      {-kMax - 1, false},
      {kMax - 1, true},
      {0, true},
      {2.147e9, true},
      {2.148e9, false},
      {1e30, false},
      {-1e30, false},
      {1e300, false},
      {std::numeric_limits<double>::infinity(), false},
      {std::numeric_limits<double>::quiet_NaN(), false},
  };
  using Field = std::optional<double> SnapshotRow::*;
  const std::vector<std::pair<const char*, Field>> optional_columns = {
      {"hashrate_1h", &SnapshotRow::workers_1h_sum_ths},
      {"hashrate_1d", &SnapshotRow::hashrate_24h_ths}};
  for (const Case& c : cases) {
    std::vector<std::pair<const char*, SnapshotRow>> rows;
    SnapshotRow current = snapshot();
    current.hashrate_current_ths = c.ths;
    rows.emplace_back("hashrate_10m", current);
    for (const auto& [column, field] : optional_columns) {
      SnapshotRow row = snapshot();
      row.*field = c.ths;
      rows.emplace_back(column, row);
    }
    for (const auto& [column, row] : rows) {
      const auto reason = unrepresentable(row);
      EXPECT_EQ(!reason, c.fits) << column << " " << c.ths;
      if (c.fits) {
        // What is sent is the rounded value itself.
        const auto json = nlohmann::json::parse(hashrate_row("A", row));
        EXPECT_EQ(json[column].get<int64_t>(), static_cast<int64_t>(std::round(c.ths)));
        continue;
      }
      if (!reason) continue;
      EXPECT_NE(reason->find(column), std::string::npos) << *reason;
      if (std::isfinite(c.ths)) {
        EXPECT_NE(reason->find("2147483647"), std::string::npos) << *reason;
        char digits[32];
        const std::string value(digits, std::to_chars(digits, digits + 32, c.ths).ptr);
        EXPECT_NE(reason->find(value), std::string::npos) << *reason;
      } else {
        EXPECT_NE(reason->find("not a finite number"), std::string::npos) << *reason;
      }
    }
  }
}

TEST(RowMapping, UnrepresentableWorkerCounts) {
  constexpr int64_t kMax = 2147483647;
  for (int64_t online : {int64_t{0}, int64_t{1}, kMax - 1, kMax, kMax + 1, int64_t{1} << 40}) {
    for (int64_t offline : {int64_t{0}, int64_t{1}, kMax, kMax + 1}) {
      SnapshotRow row = snapshot();
      row.online_workers = online;
      row.offline_workers = offline;
      const auto reason = unrepresentable(row);
      EXPECT_EQ(!reason, online + offline <= kMax) << online << " + " << offline;
      if (!reason) continue;
      const char* column = online > kMax ? "active_workers" : "worker_count";
      EXPECT_NE(reason->find(column), std::string::npos) << *reason;
      EXPECT_NE(reason->find("2147483647"), std::string::npos) << *reason;
    }
  }
}

TEST(RowMapping, DeviceRowUsesTheAssignedDeviceId) {
  AccountLabels labels{"KZPool_001", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  DeviceState device{3, "rig 01", "2026-11-20T08:00:00Z", true, "2026-11-22T10:40:00.000Z", true};
  EXPECT_EQ(nlohmann::json::parse(device_row(labels, device, false))["device_id"],
            "KZ_KZPool_001_rig_01");
  device.device_id = "KZ_KZPool_001_rig_01_3fa9c2";
  const auto json = nlohmann::json::parse(device_row(labels, device, false));
  EXPECT_EQ(json["device_id"], "KZ_KZPool_001_rig_01_3fa9c2");
  EXPECT_EQ(json["worker_name"], "rig 01");
}

TEST(RowMapping, DeviceRowSendsCreatedAtOnlyWhenAsked) {
  AccountLabels labels{"KZPool_001", std::nullopt, std::nullopt, "Kazakhstan", "Site 1"};
  DeviceState device{3, "rig 01", "2026-11-20T08:00:00Z", true, "2026-11-22T10:40:00Z", true};
  EXPECT_EQ(device_row(labels, device, false),
            R"({"device_id":"KZ_KZPool_001_rig_01","serial_number":"rig 01",)"
            R"("account_name":"KZPool_001","worker_name":"rig 01","device_type":"ASIC",)"
            R"("status":"online","site":"Site 1","location":"Kazakhstan",)"
            R"("updated_at":"2026-11-22T10:40:00Z"})");
  device.online = false;
  const auto json = nlohmann::json::parse(device_row(labels, device, true));
  EXPECT_EQ(json["created_at"], "2026-11-20T08:00:00Z");
  EXPECT_EQ(json["status"], "offline");
}

TEST(RowMapping, IncomeRow) {
  EXPECT_EQ(income_row("KZPool_001", {"2026-11-21", 1864218, 3}),
            R"({"account_name":"KZPool_001","date":"11/21/2026","btc_amount":0.01864218,)"
            R"("source":"KZ Pool","transaction_type":"mining_reward"})");
}

TEST(RowMapping, AlertRowIsKeyedByItsOccurrence) {
  AlertState alert{5,
                   "worker_offline",
                   "rig 7",
                   "medium",
                   "rig 7 is offline",
                   "2026-11-22T10:40:00Z",
                   std::nullopt,
                   1};
  const auto open = nlohmann::json::parse(alert_row("KZPool_001", alert));
  EXPECT_EQ(open["alert_key"], "KZPool_001|worker_offline|rig 7|2026-11-22T10:40:00Z");
  EXPECT_EQ(open["resolved"], false);
  EXPECT_TRUE(open["resolved_at"].is_null());
  EXPECT_EQ(open["created_at"], "2026-11-22T10:40:00Z");
  alert.resolved_at = "2026-11-22T11:00:00Z";
  const auto resolved = nlohmann::json::parse(alert_row("KZPool_001", alert));
  EXPECT_EQ(resolved["alert_key"], open["alert_key"]);
  EXPECT_EQ(resolved["resolved"], true);
  EXPECT_EQ(resolved["resolved_at"], "2026-11-22T11:00:00Z");
}

}  // namespace
}  // namespace kz
