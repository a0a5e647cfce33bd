// Mapping Antpool's answers (samples of ../shared/antpool-api.md §5, copied here) and generated
// variants of every value form: units, letter case, spaces, strings vs numbers, empty, missing.

#include "scrape/antpool/antpool_mapping.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "scrape/antpool/antpool_test_values.hpp"

namespace kz {
namespace {

using nlohmann::json;
using test::as_json;
using test::btc_text;
using test::exact;
using test::expect_no_data;
using test::nearest;

constexpr const char* kOverview =
    R"({"userId":"siteA_sub01","hsLast10m":"1254300000000000",
 "hsLast1h":"1248000000000000","hsLast1d":"1239876543210000","totalWorkerNum":12,
 "activeWorkerNum":11,"inactiveWorkerNum":1,"invalidWorkerNum":0,"totalAmount":"5.12345678",
 "unpaidAmount":"0.04321000","yesterdayAmount":"0.01987654"})";

TEST(AntpoolMapping, AccountOverviewSample) {
  const ObserverPage page = map_account_overview(exact(kOverview));
  EXPECT_EQ(page.current_hashrate_hs, 1254300000000000.0);
  EXPECT_EQ(page.avg_hashrate_24h_hs, 1239876543210000.0);
  EXPECT_EQ(page.online_workers, 11);
  EXPECT_EQ(page.offline_workers, 1);
  EXPECT_EQ(page.balance_sat, 4321000);
  EXPECT_EQ(page.last_income_sat, 1987654);
  EXPECT_EQ(page.worker_list, WorkerList::none);
  EXPECT_TRUE(page.workers.empty());
  EXPECT_FALSE(page.workers_complete());
}

TEST(AntpoolMapping, AccountOverviewValuesAsStringsOrNumbers) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200; ++i) {
    const std::string hs = std::to_string(rng() % 100'000'000'000'000'000ULL);
    const int64_t sat = static_cast<int64_t>(rng() % 10'000'000'000ULL);
    const std::string amount = btc_text(sat);
    const auto active = rng() % 300;
    const bool quoted = (i % 2) == 0;
    const json data =
        exact(R"({"hsLast10m":)" + as_json(hs, quoted) + R"(,"hsLast1d":)" + as_json(hs, !quoted) +
              R"(,"activeWorkerNum":)" + as_json(std::to_string(active), quoted) +
              R"(,"inactiveWorkerNum":)" + as_json("3", !quoted) + R"(,"unpaidAmount":)" +
              as_json(amount, quoted) + "}");
    const ObserverPage page = map_account_overview(data);
    EXPECT_EQ(page.current_hashrate_hs, nearest(hs, 0)) << hs;
    EXPECT_EQ(page.avg_hashrate_24h_hs, nearest(hs, 0)) << hs;
    EXPECT_EQ(page.online_workers, static_cast<int64_t>(active));
    EXPECT_EQ(page.offline_workers, 3);
    EXPECT_EQ(page.balance_sat, sat) << amount;
    EXPECT_FALSE(page.last_income_sat.has_value());
  }
}

TEST(AntpoolMapping, AccountOverviewRefusesMissingOrBadValues) {
  const std::string e = "accountOverview.htm";
  for (const std::string field : {"hsLast10m", "activeWorkerNum", "inactiveWorkerNum"}) {
    json data = exact(kOverview);
    data.erase(field);
    expect_no_data([&] { map_account_overview(data); }, e, field);
  }
  const std::vector<std::pair<std::string, std::string>> bad = {{"hsLast10m", "-1"},
                                                                {"hsLast10m", "12 TH/s"},
                                                                {"hsLast1d", "abc"},
                                                                {"activeWorkerNum", "1.5"},
                                                                {"inactiveWorkerNum", "-2"},
                                                                {"unpaidAmount", "-0.1"},
                                                                {"unpaidAmount", "0.000000001"},
                                                                {"yesterdayAmount", "1,5"},
                                                                {"unpaidAmount", "0x10"}};
  for (const auto& [field, value] : bad) {
    json data = exact(kOverview);
    data[field] = value;
    expect_no_data([&] { map_account_overview(data); }, e, field);
  }
  // Extra zero decimals are still exact.
  json data = exact(kOverview);
  data["unpaidAmount"] = "0.0432100000000";
  EXPECT_EQ(map_account_overview(data).balance_sat, 4321000);
}

constexpr const char* kWorkerRows =
    R"([{"workerId":"siteA_sub01.r12s07","hsLast10min":"118.42 TH/s","hsLast1h":"117.90 TH/s",
  "hsLast1d":"116.05 TH/s","rejectRatio":"0.02%","shareLastTime":"1714557312000","workerStatus":1},
 {"workerId":"siteA_sub01.r12s08","hsLast10min":"0.00 H/s","hsLast1h":"0.00 H/s",
  "hsLast1d":"54.21 TH/s","rejectRatio":"0.00%","shareLastTime":"1714512001000","workerStatus":2}])";

TEST(AntpoolMapping, WorkerListSample) {
  const json rows = exact(kWorkerRows);
  const auto first = map_worker_row(rows[0]);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->name, "siteA_sub01.r12s07");
  EXPECT_EQ(first->status, WorkerStatus::online);
  EXPECT_EQ(first->hashrate_10m_hs, nearest("118.42", 12));
  EXPECT_EQ(first->hashrate_1h_hs, nearest("117.90", 12));
  EXPECT_EQ(first->hashrate_24h_hs, nearest("116.05", 12));
  EXPECT_EQ(first->reject_rate, nearest("0.02", -2));
  EXPECT_EQ(first->last_share_unix, 1714557312);
  const auto second = map_worker_row(rows[1]);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, WorkerStatus::offline);
  EXPECT_EQ(second->hashrate_10m_hs, 0.0);
  EXPECT_EQ(second->hashrate_24h_hs, nearest("54.21", 12));
  EXPECT_EQ(second->reject_rate, 0.0);
  EXPECT_EQ(second->last_share_unix, 1714512001);
}

TEST(AntpoolMapping, WorkerHashrateInEveryUnitCaseAndSpacing) {
  const std::vector<std::pair<std::string, int>> units = {
      {"H/s", 0}, {"KH/s", 3}, {"MH/s", 6}, {"GH/s", 9}, {"TH/s", 12}, {"PH/s", 15}, {"EH/s", 18}};
  std::mt19937_64 rng(7);
  int checked = 0;
  for (const auto& [unit, power] : units) {
    for (const std::string& spelled : {unit, std::string(), std::string("mixed")}) {
      std::string u = unit;
      if (spelled.empty()) {
        for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (spelled == "mixed") {
        for (size_t i = 0; i < u.size(); i += 2) {
          u[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(u[i])));
        }
      }
      for (const std::string space : {"", " ", "  "}) {
        // A value with up to 6 decimals, never truncated to an integer.
        const std::string value =
            std::to_string(rng() % 100000) + "." + std::to_string(100000 + rng() % 900000);
        const json row = {{"workerId", "w"},
                          {"hsLast10min", value + space + u},
                          {"hsLast1h", value + space + u},
                          {"hsLast1d", value + space + u}};
        const auto worker = map_worker_row(row);
        ASSERT_TRUE(worker.has_value()) << value << space << u;
        EXPECT_EQ(worker->hashrate_10m_hs, nearest(value, power)) << value << space << u;
        EXPECT_EQ(worker->hashrate_1h_hs, worker->hashrate_10m_hs);
        EXPECT_EQ(worker->hashrate_24h_hs, worker->hashrate_10m_hs);
        // Without workerStatus: online iff the 10 min hashrate is above 0.
        EXPECT_EQ(worker->status, WorkerStatus::online);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 7 * 3 * 3);
}

TEST(AntpoolMapping, WorkerZeroEmptyMissingAndRefusedHashrates) {
  for (const std::string zero : {"0", "0.00 H/s", "0 TH/s", "", "0.0PH/s"}) {
    const json row = {{"workerId", "w"}, {"hsLast10min", zero}, {"hsLast1h", zero}};
    const auto worker = map_worker_row(row);
    ASSERT_TRUE(worker.has_value()) << zero;
    EXPECT_EQ(worker->hashrate_10m_hs, 0.0);
    EXPECT_EQ(worker->hashrate_24h_hs, 0.0);  // missing
    EXPECT_EQ(worker->status, WorkerStatus::offline) << "derived, no workerStatus";
  }
  // The exact-number form of a JSON 0 (parse_json_exact) is "0" too.
  EXPECT_EQ(map_worker_row(exact(R"({"workerId":"w","hsLast10min":0})"))->hashrate_10m_hs, 0.0);
  for (const std::string bad : {"5", "12.5", "1,5 TH/s", "-1 TH/s", "1.5 TB/s", "TH/s",
                                "1.2.3 TH/s", "1 234 TH/s", "1e3 TH/s", "1.5 ZH/s"}) {
    expect_no_data(
        [&] {
          map_worker_row(json{{"workerId", "w"}, {"hsLast1h", bad}});
        },
        "userWorkerList.htm", "hsLast1h");
  }
  expect_no_data(
      [] {
        map_worker_row(json{{"hsLast1h", "1 TH/s"}});
      },
      "userWorkerList.htm", "workerId");
  expect_no_data([] { map_worker_row(json{{"workerId", ""}}); }, "userWorkerList.htm", "workerId");
}

TEST(AntpoolMapping, WorkerRejectRatioForms) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50; ++i) {
    const std::string value = std::to_string(rng() % 100) + "." + std::to_string(rng() % 100);
    for (const std::string& form : {value + "%", value + " %"}) {
      const auto worker = map_worker_row(json{{"workerId", "w"}, {"rejectRatio", form}});
      EXPECT_EQ(worker->reject_rate, nearest(value, -2)) << form;
    }
  }
  EXPECT_EQ(map_worker_row(json{{"workerId", "w"}, {"rejectRatio", "0"}})->reject_rate, 0.0);
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}, {"rejectRatio", ""}})->reject_rate);
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}})->reject_rate);
  for (const std::string bad : {"0.03", "abc", "-0.5%", "0.03%%", "%"}) {
    expect_no_data(
        [&] {
          map_worker_row(json{{"workerId", "w"}, {"rejectRatio", bad}});
        },
        "userWorkerList.htm", "rejectRatio");
  }
}

TEST(AntpoolMapping, WorkerShareLastTimeStringOrNumber) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 50; ++i) {
    const int64_t ms = 1'600'000'000'000 + static_cast<int64_t>(rng() % 200'000'000'000ULL);
    for (bool quoted : {true, false}) {
      const json row =
          exact(R"({"workerId":"w","shareLastTime":)" + as_json(std::to_string(ms), quoted) + "}");
      EXPECT_EQ(map_worker_row(row)->last_share_unix, ms / 1000) << ms;
    }
  }
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}, {"shareLastTime", "0"}})->last_share_unix);
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}, {"shareLastTime", ""}})->last_share_unix);
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}})->last_share_unix);
  // Seconds would be read as 1970: refused, never guessed.
  for (const std::string bad : {"1714557312", "-1714557312000", "2024-05-01 10:00:00", "1.5"}) {
    expect_no_data(
        [&] {
          map_worker_row(json{{"workerId", "w"}, {"shareLastTime", bad}});
        },
        "userWorkerList.htm", "shareLastTime");
  }
}

TEST(AntpoolMapping, WorkerStatusGivenOrDerived) {
  const json online = {{"workerId", "w"}, {"hsLast10min", "1 GH/s"}};
  EXPECT_EQ(map_worker_row(online)->status, WorkerStatus::online);
  for (const auto& [status, hashrate, expected] :
       std::vector<std::tuple<std::string, std::string, WorkerStatus>>{
           {"1", "0 H/s", WorkerStatus::online},
           {"2", "5 TH/s", WorkerStatus::offline},
           {"1", "5 TH/s", WorkerStatus::online}}) {
    for (bool quoted : {true, false}) {
      const json row = exact(R"({"workerId":"w","hsLast10min":")" + hashrate +
                             R"(","workerStatus":)" + as_json(status, quoted) + "}");
      EXPECT_EQ(map_worker_row(row)->status, expected) << status << " " << hashrate;
    }
  }
  EXPECT_FALSE(map_worker_row(json{{"workerId", "w"}, {"workerStatus", 3}}).has_value());
  EXPECT_FALSE(map_worker_row(exact(R"({"workerId":"w","workerStatus":"3"})")).has_value());
  for (const std::string bad : {"0", "4", "-1", "x"}) {
    expect_no_data(
        [&] {
          map_worker_row(json{{"workerId", "w"}, {"workerStatus", bad}});
        },
        "userWorkerList.htm", "workerStatus");
  }
}

}  // namespace
}  // namespace kz
