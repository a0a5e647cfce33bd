// The fake Antpool's endpoints: shapes, units and paging per spec §5, on generated accounts.

#include <cmath>
#include <random>
#include <set>

#include "scrape/antpool/antpool_server_fixture.hpp"

namespace kz::test {
namespace {

// `n` workers with hashrates spread over every unit from H/s to EH/s (and some zeros), each
// status, distinct names.
std::vector<AntpoolWorker> generated_workers(unsigned seed, int n) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> exponent(0, 18.9);
  auto rate = [&] { return random() % 10 == 0 ? 0.0 : std::pow(10.0, exponent(random)); };
  std::vector<AntpoolWorker> workers;
  for (int i = 0; i < n; ++i) {
    AntpoolWorker w;
    w.name = "sub.w" + std::to_string(i);
    w.hashrate_10m_hs = rate();
    w.hashrate_1h_hs = rate();
    w.hashrate_1d_hs = rate();
    w.status = static_cast<int>(random() % 3) + 1;
    w.reject_ratio =
        std::to_string(random() % 100) + "." + std::to_string(random() % 90 + 10) + "%";
    w.share_last_time_ms = 1'714'557'312'000 + static_cast<int64_t>(random() % 100'000'000);
    workers.push_back(w);
  }
  return workers;
}

// The hashrate text reads back to the value within the rounding of its two decimals, in the
// unit that puts it in [1, 1000).
void expect_hashrate_text(const nlohmann::json& text, double hs) {
  ASSERT_TRUE(text.is_string()) << text;
  const std::string s = text.get<std::string>();
  const auto space = s.find(' ');
  ASSERT_NE(space, std::string::npos) << s;
  const double read = hashrate_hs_of(s);
  const double unit = hashrate_hs_of("1 " + s.substr(space + 1));
  ASSERT_GE(read, 0) << s;
  ASSERT_GT(unit, 0) << s;
  EXPECT_EQ(s.find('.') + 3, space) << s << ": two decimals";
  EXPECT_NEAR(read, hs, 0.0051 * unit) << s << " for " << hs;
  const double number = read / unit;
  if (hs >= 1 || unit > 1) {
    EXPECT_GE(number, 0.995) << s;
  }
  EXPECT_LT(number, 1000.0) << s;
}

TEST_F(AntpoolServerTest, AccountOverviewSumsTheWorkersInHsWithMixedTypes) {
  for (int n : {0, 1, 7, 200}) {
    const auto workers = generated_workers(static_cast<unsigned>(n), n);
    server_.set_workers("siteA_sub01", workers);
    server_.set_amounts("siteA_sub01", "0.04321000", "5.12345678", "0.01987654");
    const auto d = data("accountOverview.htm", {{"coin", "BTC"}, {"userId", "siteA_sub01"}});
    double h10m = 0, h1h = 0, h1d = 0;
    int active = 0, inactive = 0, invalid = 0;
    for (const auto& w : workers) {
      h10m += w.hashrate_10m_hs, h1h += w.hashrate_1h_hs, h1d += w.hashrate_1d_hs;
      active += w.status == 1, inactive += w.status == 2, invalid += w.status == 3;
    }
    const std::vector<std::pair<std::string, double>> sums = {
        {"hsLast10m", h10m}, {"hsLast1h", h1h}, {"hsLast1d", h1d}};
    for (const auto& [field, sum] : sums) {
      const std::string text = d[field].get<std::string>();
      EXPECT_EQ(text.find_first_not_of("0123456789"), std::string::npos) << field << " " << text;
      EXPECT_NEAR(std::stod(text), sum, 1 + sum * 1e-15) << field;
    }
    EXPECT_EQ(d["userId"], "siteA_sub01");
    EXPECT_EQ(d["totalWorkerNum"], n);                        // a number
    EXPECT_EQ(d["activeWorkerNum"], std::to_string(active));  // a string
    EXPECT_EQ(d["inactiveWorkerNum"], std::to_string(inactive));
    EXPECT_EQ(d["invalidWorkerNum"], invalid);
    EXPECT_EQ(d["unpaidAmount"], "0.04321000");
    EXPECT_EQ(d["totalAmount"], "5.12345678");
    EXPECT_EQ(d["yesterdayAmount"], "0.01987654");
  }
}

TEST_F(AntpoolServerTest, UserWorkerListPagesEveryWorkerOnceInItsShapeAndUnits) {
  for (int n : {0, 1, 10, 11, 123, 250}) {
    const auto workers = generated_workers(static_cast<unsigned>(100 + n), n);
    server_.set_workers("siteA_sub01", workers);
    for (int status : {0, 1, 2, 3}) {
      std::map<std::string, const AntpoolWorker*> expected;
      for (const auto& w : workers) {
        if (status == 0 || w.status == status) expected[w.name] = &w;
      }
      for (int page_size : {1, 10, 50, 200}) {
        if ((n > 11 && page_size == 1) || (n > 123 && page_size == 10)) continue;  // enough
        std::set<std::string> seen;
        int total_page = 1;
        for (int page = 1; page <= total_page; ++page) {
          const auto d = data("userWorkerList.htm", {{"coinType", "BTC"},
                                                     {"userId", "siteA_sub01"},
                                                     {"workerStatus", std::to_string(status)},
                                                     {"page", std::to_string(page)},
                                                     {"pageSize", std::to_string(page_size)}});
          EXPECT_EQ(d["coinType"], "BTC");
          EXPECT_EQ(d["userId"], "siteA_sub01");
          const auto& result = d["result"];
          total_page = result["totalPage"].get<int>();
          EXPECT_EQ(total_page, (static_cast<int>(expected.size()) + page_size - 1) / page_size);
          EXPECT_EQ(result["page"], page);
          EXPECT_EQ(result["pageSize"], page_size);
          EXPECT_EQ(result["totalRecord"], expected.size());
          EXPECT_LE(result["rows"].size(), static_cast<size_t>(page_size));
          for (const auto& row : result["rows"]) {
            const std::string name = row["workerId"];
            ASSERT_TRUE(expected.count(name)) << name;
            EXPECT_TRUE(seen.insert(name).second) << name << " twice";
            const AntpoolWorker& w = *expected[name];
            expect_hashrate_text(row["hsLast10min"], w.hashrate_10m_hs);
            expect_hashrate_text(row["hsLast1h"], w.hashrate_1h_hs);
            expect_hashrate_text(row["hsLast1d"], w.hashrate_1d_hs);
            EXPECT_EQ(row["rejectRatio"], w.reject_ratio);
            EXPECT_EQ(row["shareLastTime"], std::to_string(w.share_last_time_ms));
            EXPECT_EQ(row["workerStatus"], w.status);  // a number
          }
        }
        EXPECT_EQ(seen.size(), expected.size()) << "n " << n << " status " << status;
      }
    }
  }
}

TEST_F(AntpoolServerTest, HashrateTextsPickTheUnitAtEachBoundary) {
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0.00 H/s"},           {0.5, "0.50 H/s"},
      {999.994, "999.99 H/s"},   {999.996, "1.00 KH/s"},
      {1000, "1.00 KH/s"},       {118.42e12, "118.42 TH/s"},
      {999.999e12, "1.00 PH/s"}, {1.24e15, "1.24 PH/s"},
      {2.5e18, "2.50 EH/s"},     {12345.6e18, "12345.60 EH/s"}};
  std::vector<AntpoolWorker> workers;
  for (size_t i = 0; i < cases.size(); ++i) {
    workers.push_back(antpool_worker("w" + std::to_string(i), cases[i].first, true));
  }
  server_.set_workers("siteA", workers);
  const auto rows = data("userWorkerList.htm", {{"pageSize", "50"}})["result"]["rows"];
  ASSERT_EQ(rows.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(rows[i]["hsLast10min"], cases[i].second) << cases[i].first;
    EXPECT_EQ(rows[i]["hsLast1d"], cases[i].second);
  }
}

TEST_F(AntpoolServerTest, WorkerListDefaultsCapsAndThePageOneQuirk) {
  server_.set_workers("siteA", generated_workers(7, 450));
  const auto first = data("userWorkerList.htm")["result"];  // defaults: page 1, pageSize 10
  EXPECT_EQ(first["page"], 1);
  EXPECT_EQ(first["pageSize"], 10);
  EXPECT_EQ(first["totalPage"], 45);
  const auto capped = data("userWorkerList.htm", {{"pageSize", "1000"}})["result"];
  EXPECT_EQ(capped["pageSize"], 200);
  EXPECT_EQ(capped["totalPage"], 3);
  EXPECT_EQ(capped["rows"].size(), 200u);
  for (int past : {4, 5, 99}) {
    const auto quirk =
        data("userWorkerList.htm", {{"pageSize", "200"}, {"page", std::to_string(past)}});
    EXPECT_EQ(quirk["result"]["page"], 1) << past;
    EXPECT_EQ(quirk["result"]["rows"], capped["rows"]);
  }
  for (const char* bad : {"5", "-1", "x", "4", "01x"}) {
    EXPECT_EQ(call("userWorkerList.htm", {{"workerStatus", bad}})["code"], -2) << bad;
  }
  EXPECT_EQ(call("userWorkerList.htm", {{"page", "0"}})["code"], -2);
  EXPECT_EQ(call("userWorkerList.htm", {{"pageSize", "abc"}})["code"], -2);
}

// `n` days, newest first from 2024-05-30 back.
std::vector<AntpoolRecvDay> generated_recv(int n) {
  using namespace std::chrono;
  std::vector<AntpoolRecvDay> days;
  for (int i = 0; i < n; ++i) {
    const year_month_day date{sys_days{2024y / May / 30} - std::chrono::days{i}};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u 00:00:00", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    AntpoolRecvDay day;
    day.timestamp = text;
    day.hashrate_hs = 1.0e15 + i * 1.7e13;
    day.fpps_block = "0.0" + std::to_string(1811230 + i);
    day.fpps_fee = "0.00" + std::to_string(102345 + i);
    day.pps = i % 2 ? "0.00000001" : "0";
    days.push_back(day);
  }
  return days;
}

TEST_F(AntpoolServerTest, PaymentHistoryPagesRecvAndPayoutsWithTheQuirk) {
  for (int n : {0, 3, 24, 50, 51, 130}) {
    const auto days = generated_recv(n);
    std::vector<AntpoolPayout> payouts;
    for (int i = 0; i < n; ++i) {
      payouts.push_back({"2024-05-01 00:00:00", "bc1qexample" + std::to_string(i),
                         std::string(64, static_cast<char>('a' + i % 6)),
                         "0.1005" + std::to_string(i)});
    }
    server_.set_recv("siteA", days);
    server_.set_payouts("siteA", payouts);
    for (const std::string type : {"recv", "payout"}) {
      for (int page_size : {2, 20, 50}) {
        if (n > 24 && page_size == 2) continue;  // enough requests
        const int total_page = (n + page_size - 1) / page_size;
        size_t row = 0;
        for (int page = 1; page <= total_page + 1; ++page) {
          const auto d = data("paymentHistoryV2.htm", {{"coin", "BTC"},
                                                       {"type", type},
                                                       {"pageEnable", "1"},
                                                       {"page", std::to_string(page)},
                                                       {"pageSize", std::to_string(page_size)}});
          EXPECT_EQ(d["totalPage"], total_page);
          EXPECT_EQ(d["totalRecord"], n);
          EXPECT_EQ(d["pageSize"], page_size);
          EXPECT_EQ(d["page"], page > total_page ? 1 : page) << type << " " << page;  // quirk
          if (page > total_page) {
            EXPECT_EQ(d["rows"].size(), static_cast<size_t>(std::min(n, page_size)));
            continue;
          }
          for (const auto& r : d["rows"]) {
            if (type == "recv") {
              const AntpoolRecvDay& day = days[row++];
              EXPECT_EQ(r["timestamp"], day.timestamp);
              expect_hashrate_text(r["hashrate"], day.hashrate_hs);
              EXPECT_NEAR(std::stod(r["hashrate_unit"].get<std::string>()), day.hashrate_hs, 0.5);
              EXPECT_EQ(r["fppsBlockAmount"], day.fpps_block);
              EXPECT_EQ(r["fppsFeeAmount"], day.fpps_fee);
              EXPECT_EQ(r["ppsAmount"], day.pps);
              EXPECT_EQ(r["pplnsAmount"], "0");
              EXPECT_FALSE(r.contains("amount"));
            } else {
              const AntpoolPayout& p = payouts[row++];
              EXPECT_EQ(r["timestamp"], p.timestamp);
              EXPECT_EQ(r["walletAddress"], p.wallet_address);
              EXPECT_EQ(r["txId"], p.tx_id);
              EXPECT_EQ(r["amount"], p.amount);
            }
          }
        }
        EXPECT_EQ(row, static_cast<size_t>(n)) << type << " pageSize " << page_size;
      }
    }
  }
  const auto capped = data("paymentHistoryV2.htm", {{"type", "recv"}, {"pageSize", "51"}});
  EXPECT_EQ(capped["pageSize"], 50);
  EXPECT_EQ(capped["rows"].size(), 50u);
  EXPECT_EQ(data("paymentHistoryV2.htm", {{"type", "payout"}})["pageSize"], 10);
  EXPECT_EQ(data("paymentHistoryV2.htm", {{"pageEnable", "0"}})["rows"].size(), 130u);
  EXPECT_EQ(call("paymentHistoryV2.htm", {{"type", "earnings"}})["code"], -2);
}

TEST_F(AntpoolServerTest, AccountHashrateAndPoolStatsInTheirUnits) {
  const auto a = generated_workers(3, 40), b = generated_workers(4, 25);
  server_.set_workers("siteA", a);
  server_.set_workers("siteA_sub01", b);
  server_.set_amounts("siteA", "0.05678901", "3.45678901", "0.01234567", "3.40000000");
  server_.set_recv("siteA", generated_recv(2));
  const auto account = data("account.htm", {{"coin", "BTC"}});
  EXPECT_EQ(account["balance"], "0.05678901");
  EXPECT_EQ(account["earnTotal"], "3.45678901");
  EXPECT_EQ(account["earn24Hours"], "0.01234567");
  EXPECT_EQ(account["paidOut"], "3.40000000");
  EXPECT_EQ(account["settleTime"], "2024-05-30");

  double h10m = 0, h1d = 0, pool = 0;
  int active = 0, pool_active = 0;
  for (const auto& w : a)
    h10m += w.hashrate_10m_hs, h1d += w.hashrate_1d_hs, active += w.status == 1;
  for (const auto& w : b) pool += w.hashrate_10m_hs, pool_active += w.status == 1;
  pool += h10m, pool_active += active;
  const auto hashrate = data("hashrate.htm", {{"coin", "BTC"}});
  EXPECT_NEAR(std::stod(hashrate["last10m"].get<std::string>()), h10m / 1e6, 0.006 + h10m * 1e-21);
  EXPECT_NEAR(std::stod(hashrate["last1d"].get<std::string>()), h1d / 1e6, 0.006 + h1d * 1e-21);
  EXPECT_EQ(hashrate["totalWorkers"], 40);
  EXPECT_EQ(hashrate["activeWorkers"], active);
  EXPECT_TRUE(hashrate.contains("dupelicate"));

  const auto stats = data("poolStats.htm", {{"coin", "BTC"}});
  EXPECT_NEAR(std::stod(stats["poolHashrate"].get<std::string>()), pool / 1e6, 0.5 + pool * 1e-21);
  EXPECT_EQ(stats["activeWorkerNumber"], std::to_string(pool_active));
  EXPECT_EQ(stats["poolStatus"], "Alive");
  EXPECT_TRUE(stats["estimateTime"].is_number());
  EXPECT_TRUE(stats["networkDiff"].is_string());
}

}  // namespace
}  // namespace kz::test
