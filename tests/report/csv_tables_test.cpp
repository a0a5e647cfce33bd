#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "report/csv_export.hpp"
#include "report/history_cache_fixture.hpp"
#include "support/report/python_csv.hpp"

// Each table exported from generated caches and read back by Python's csv module: every field
// equals the text expected from the stored row, amounts exact to the satoshi.
namespace kz {
namespace {

using namespace std::chrono;
using Rows = std::vector<std::vector<std::string>>;

class CsvTablesTest : public test::HistoryCacheTest {};

const TimePoint kFrom = sys_days{2026y / November / 1} + 6h;
const TimePoint kTo = sys_days{2026y / November / 8} + 6h;
const ReportWindow kWindow{kFrom, kTo};

const std::vector<std::string> kAccounts = {"KZPool_001", "pool, \"quoted\"", "ферма", " lead\ttab",
                                            "antpool_7"};
const std::vector<int64_t> kAmounts = {
    1, 2'100'000'000'000'000, 0, -1, -123'456'789, 99'999'999, 100'000'000, 123'456'789'012};

std::string btc_text(int64_t sat) {
  const bool negative = sat < 0;
  const uint64_t m = negative ? uint64_t{0} - static_cast<uint64_t>(sat) : uint64_t(sat);
  std::string fraction = std::to_string(m % 100'000'000);
  return (negative ? "-" : "") + std::to_string(m / 100'000'000) + "." +
         std::string(8 - fraction.size(), '0') + fraction;
}

// Whole GH/s as TH/s with 3 decimals.
std::string ths_text(int64_t ghs) {
  std::string fraction = std::to_string(ghs % 1000);
  return std::to_string(ghs / 1000) + "." + std::string(3 - fraction.size(), '0') + fraction;
}

Rows body(const Rows& rows) {
  return Rows(rows.begin() + (rows.empty() ? 0 : 1), rows.end());
}

TEST_F(CsvTablesTest, IncomeDaysOfTheWindowsDatesByAccountWithExactBtc) {
  std::mt19937 random(3);
  SQLite::Transaction transaction(db());
  Rows expected;
  std::vector<std::string> accounts = kAccounts;
  std::shuffle(accounts.begin(), accounts.end(), random);
  for (const std::string& account : accounts) {
    const std::string source = account.starts_with("antpool") ? "antpool" : "btcpool";
    const int64_t pool = add_pool(account, source);
    for (int day = -3; day < 12; ++day) {
      const std::string date = format_utc(sys_days{2026y / November / 1} + days{day}).substr(0, 10);
      auto pick = [&] { return kAmounts[std::uniform_int_distribution<size_t>(0, 7)(random)]; };
      const int64_t total = pick();
      const bool split = std::uniform_int_distribution<int>(0, 1)(random) == 1;
      const std::optional<int64_t> pps = split ? std::optional(pick()) : std::nullopt;
      const std::optional<int64_t> fpps = split ? std::nullopt : std::optional(pick());
      const int64_t ghs = std::uniform_int_distribution<int64_t>(0, 999'999'999)(random);
      const bool has_hashrate = day % 3 != 0;
      add_income(pool, date, total,
                 has_hashrate ? std::optional<double>(double(ghs)) : std::nullopt, pps,
                 pps ? std::optional(total - *pps) : std::nullopt, fpps);
      // Dates 2026-11-01 .. 2026-11-08: the window ends at 06:00 on the 8th.
      if (day < 0 || day > 7) continue;
      expected.push_back({account, source, date, btc_text(total), pps ? btc_text(*pps) : "",
                          pps ? btc_text(total - *pps) : "", fpps ? btc_text(*fpps) : "",
                          has_hashrate ? ths_text(ghs) : ""});
    }
  }
  transaction.commit();
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  const Rows rows = test::read_csv_with_python(export_csv(db(), CsvTable::income, kWindow));
  EXPECT_EQ(body(rows), expected);
}

TEST_F(CsvTablesTest, PaymentsInTheWindowByAccountAndTime) {
  std::mt19937 random(5);
  std::vector<std::tuple<std::string, TimePoint, std::vector<std::string>, int64_t>> expected;
  for (const std::string& account : kAccounts) {
    const int64_t pool = add_pool(account);
    const std::vector<TimePoint> moments = {kFrom - 1s, kFrom, kFrom + 1s, kFrom + 50h,
                                            kTo - 1s,   kTo,   kTo + 1s};
    for (size_t i = 0; i < moments.size(); ++i) {
      const int64_t sat = kAmounts[std::uniform_int_distribution<size_t>(0, 7)(random)];
      const std::string id = "pay " + std::to_string(i) + ",\"x\"";
      const std::string address = i % 2 ? "bc1qфыва\r\n" : "";
      const std::string tx = " tx\t" + std::to_string(i);
      add_payment(pool, id, moments[i], sat, address, tx);
      if (moments[i] < kFrom || moments[i] >= kTo) continue;
      expected.emplace_back(account, moments[i],
                            std::vector<std::string>{account, "btcpool", format_utc(moments[i]),
                                                     btc_text(sat), address, tx, id},
                            sat);
    }
  }
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  Rows rows;
  std::vector<int64_t> sats;
  for (const auto& e : expected) {
    rows.push_back(std::get<2>(e));
    sats.push_back(std::get<3>(e));
  }
  const Rows got = test::read_csv_with_python(export_csv(db(), CsvTable::payments, kWindow));
  ASSERT_EQ(body(got), rows);
  for (size_t i = 0; i < expected.size(); ++i) {
    // The amount read back as an integer of satoshis: exactly 8 decimals, equal to the stored.
    std::string amount = body(got)[i][3];
    const size_t dot = amount.find('.');
    ASSERT_NE(dot, std::string::npos);
    EXPECT_EQ(amount.size() - dot - 1, 8u) << amount;
    amount.erase(dot, 1);
    EXPECT_EQ(std::stoll(amount), sats[i]) << body(got)[i][3];
  }
}

TEST_F(CsvTablesTest, AlertsOpenDuringTheWindowWithTheirDurations) {
  std::mt19937 random(9);
  std::vector<std::tuple<std::string, TimePoint, std::vector<std::string>>> expected;
  for (const std::string& account : kAccounts) {
    const int64_t pool = add_pool(account);
    int n = 0;
    for (TimePoint opened : {kFrom - 5h, kFrom - 1s, kFrom + 3h, kTo - 1s, kTo}) {
      for (std::optional<TimePoint> resolved :
           {std::optional(kFrom), std::optional(kFrom + 1s), std::optional(kTo + 1h),
            std::optional<TimePoint>()}) {
        if (resolved && *resolved <= opened) continue;
        const std::string subject = "rig " + std::to_string(n++);
        const std::string message = "hashrate fell,\r\n\"by\" 50 %, ферма";
        const TimePoint seen = resolved.value_or(kTo + 5h) - 1s;
        const std::string severity = n % 2 ? "high" : "medium";
        add_alert(pool, "worker_offline", subject, severity, message, opened, seen, resolved);
        if (opened >= kTo || (resolved && *resolved <= kFrom)) continue;
        expected.emplace_back(
            account, opened,
            std::vector<std::string>{
                account, "btcpool", "worker_offline", subject, severity, format_utc(opened),
                format_utc(seen), resolved ? format_utc(*resolved) : "",
                resolved ? std::to_string((*resolved - opened).count()) : "", message});
      }
    }
  }
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  Rows rows;
  for (const auto& e : expected) rows.push_back(std::get<2>(e));
  EXPECT_EQ(body(test::read_csv_with_python(export_csv(db(), CsvTable::alerts, kWindow))), rows);
}

// Workers of full lists: uptime percent rounded half up to 2 decimals, the average of whole GH/s
// values as TH/s; rows by account, then worker name.
TEST_F(CsvTablesTest, WorkersWithUptimePercentAndAverageHashrate) {
  std::mt19937 random(11);
  SQLite::Transaction transaction(db());
  Rows expected;
  std::vector<std::string> accounts = kAccounts;
  std::sort(accounts.begin(), accounts.end());
  for (const std::string& account : accounts) {
    const int64_t pool = add_pool(account);
    const std::vector<std::string> names = {"b\"rig\"", "a,rig", "ферма 1", " sp", "z"};
    std::vector<int64_t> online(names.size()), ghs_sum(names.size());
    std::vector<std::optional<TimePoint>> last(names.size());
    const int snapshots = 7;  // 7 samples: percents like 14.29 and 85.71 need rounding
    for (int s = 0; s < snapshots; ++s) {
      const TimePoint at = kFrom + hours{s};
      std::vector<test::SampleRow> rows;
      for (size_t w = 0; w < names.size(); ++w) {
        const bool on = std::uniform_int_distribution<int>(0, 2)(random) != 0;
        // Multiples of 7 GH/s: the average is whole GH/s, so its text is exact.
        const int64_t ghs = on ? 7 * std::uniform_int_distribution<int64_t>(0, 50'000)(random) : 0;
        rows.push_back({names[w], on, double(ghs)});
        online[w] += on;
        ghs_sum[w] += ghs;
        if (on) last[w] = at;
      }
      add_snapshot(pool, TimePointMs{at}, 1, rows);
    }
    std::vector<size_t> order(names.size());
    for (size_t w = 0; w < order.size(); ++w) order[w] = w;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return names[a] < names[b]; });
    for (size_t w : order) {
      const int64_t hundredths = (online[w] * 20'000 / snapshots + 1) / 2;
      std::string fraction = std::to_string(hundredths % 100);
      expected.push_back({account, "btcpool", names[w], std::to_string(snapshots),
                          std::to_string(hundredths / 100) + "." +
                              std::string(2 - fraction.size(), '0') + fraction,
                          ths_text(ghs_sum[w] / snapshots), last[w] ? format_utc(*last[w]) : ""});
    }
  }
  transaction.commit();
  EXPECT_EQ(body(test::read_csv_with_python(export_csv(db(), CsvTable::workers, kWindow))),
            expected);
}

}  // namespace
}  // namespace kz
