#include "report/pool_queries.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "report/history_cache_fixture.hpp"

namespace kz {
namespace {

using namespace std::chrono;

class PoolQueriesTest : public test::HistoryCacheTest {};

const TimePoint kFrom = sys_days{2026y / November / 20} + 10h;
const TimePoint kTo = sys_days{2026y / November / 27} + 10h;
const ReportWindow kWindow{kFrom, kTo};

PoolRef pool_ref(SQLite::Database& db, const std::string& account) {
  for (const PoolRef& pool : read_pools(db)) {
    if (pool.account == account) return pool;
  }
  ADD_FAILURE() << "no pool " << account;
  return {};
}

TEST_F(PoolQueriesTest, PoolsAreOrderedByAccountAndNamedByUrlWithoutOne) {
  add_pool("zeta");
  add_pool("Alpha", "antpool");
  add_pool("", "btcpool", "https://btcpool.kz/observer/abc?token=***");
  add_pool("beta");
  const std::vector<PoolRef> pools = read_pools(db());
  std::vector<std::string> accounts;
  for (const PoolRef& pool : pools) accounts.push_back(pool.account);
  std::vector<std::string> sorted = accounts;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(accounts, sorted);
  ASSERT_EQ(pools.size(), 4u);
  const PoolRef alpha = pool_ref(db(), "Alpha");
  EXPECT_EQ(alpha.source, "antpool");
  EXPECT_EQ(alpha.observer_url, "antpool://Alpha");
  EXPECT_EQ(pool_ref(db(), "https://btcpool.kz/observer/abc?token=***").source, "btcpool");
}

TEST_F(PoolQueriesTest, APoolWithoutDataHasAnEmptyHistory) {
  add_pool("empty");
  const PoolHistory history = read_pool_history(db(), pool_ref(db(), "empty"), kWindow);
  EXPECT_EQ(history.pool.account, "empty");
  EXPECT_TRUE(history.points.empty());
  EXPECT_TRUE(history.alerts.empty());
  EXPECT_TRUE(history.income.empty());
  EXPECT_TRUE(history.payments.empty());
  EXPECT_TRUE(history.workers.empty());
}

// Snapshots at and around both edges, in generated order: the window keeps [from, to) to the
// millisecond, converts GH/s to H/s and orders the points by time; another pool's never mix in.
TEST_F(PoolQueriesTest, SnapshotsAreTakenFromTheHalfOpenWindowInHs) {
  const int64_t pool = add_pool("main");
  const int64_t other = add_pool("other");
  std::vector<TimePointMs> times;
  for (TimePointMs edge : {TimePointMs{kFrom}, TimePointMs{kTo}}) {
    for (milliseconds d : {-1000ms, -1ms, 0ms, 1ms, 999ms}) times.push_back(edge + d);
  }
  std::mt19937 random(7);
  for (int i = 0; i < 30; ++i) {
    times.push_back(
        TimePointMs{kFrom} +
        milliseconds{std::uniform_int_distribution<int64_t>(
            -86'400'000, duration_cast<milliseconds>(kTo - kFrom).count() + 86'400'000)(random)});
  }
  std::shuffle(times.begin(), times.end(), random);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::shuffle(times.begin(), times.end(), random);
  std::vector<std::pair<TimePointMs, double>> expected;
  for (TimePointMs at : times) {
    const double ghs = std::uniform_int_distribution<int>(0, 500'000)(random);
    add_snapshot(pool, at, ghs, {}, "all", true, ghs + 1);
    add_snapshot(other, at, 1);
    if (at >= TimePointMs{kFrom} && at < TimePointMs{kTo}) expected.emplace_back(at, ghs);
  }
  std::sort(expected.begin(), expected.end());
  const PoolHistory history = read_pool_history(db(), pool_ref(db(), "main"), kWindow);
  ASSERT_EQ(history.points.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(history.points[i].at, expected[i].first);
    EXPECT_EQ(history.points[i].hashrate_hs, expected[i].second * 1e9);
    EXPECT_EQ(history.points[i].hashrate_24h_hs, (expected[i].second + 1) * 1e9);
  }
}

// Alerts opened and resolved before, at, inside and after both edges: an alert is open over
// [opened_at, resolved_at), so it belongs to the window when it opened before the end and was
// not resolved by the start.
TEST_F(PoolQueriesTest, AlertsOpenDuringTheWindowAreKeptAcrossItsEdges) {
  const int64_t pool = add_pool("main");
  const std::vector<TimePoint> moments = {
      kFrom - 24h, kFrom - 1s, kFrom, kFrom + 1s, kFrom + 48h, kTo - 1s, kTo, kTo + 1s, kTo + 24h};
  struct Expected {
    TimePoint opened;
    std::optional<TimePoint> resolved;
    std::string message;
  };
  std::vector<Expected> expected;
  int n = 0;
  for (size_t o = 0; o < moments.size(); ++o) {
    for (size_t r = o; r <= moments.size(); ++r) {
      const TimePoint opened = moments[o];
      const std::optional<TimePoint> resolved =
          r == moments.size() ? std::nullopt : std::optional(moments[r]);
      if (resolved && *resolved == opened) continue;
      const std::string message = "alert " + std::to_string(n++) + ", \"quoted\"";
      add_alert(pool, "hashrate_drop", "rig " + std::to_string(n), n % 3 ? "high" : "low", message,
                opened, resolved.value_or(kTo + 48h), resolved);
      if (opened < kTo && (!resolved || *resolved > kFrom))
        expected.push_back({opened, resolved, message});
    }
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Expected& a, const Expected& b) { return a.opened < b.opened; });
  const PoolHistory history = read_pool_history(db(), pool_ref(db(), "main"), kWindow);
  ASSERT_EQ(history.alerts.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(history.alerts[i].opened_at, expected[i].opened);
    EXPECT_EQ(history.alerts[i].resolved_at, expected[i].resolved);
    EXPECT_EQ(history.alerts[i].message, expected[i].message);
    EXPECT_EQ(history.alerts[i].type, "hashrate_drop");
  }
}

// Income days whose UTC date the window touches: with edges inside a day and on midnight.
TEST_F(PoolQueriesTest, IncomeDaysAreTheWindowsUtcDatesWithExactSatoshis) {
  const int64_t pool = add_pool("main");
  const sys_days first = sys_days{2026y / October / 25};
  std::vector<std::pair<std::string, int64_t>> stored;
  const std::vector<int64_t> amounts = {1,       0,          2'100'000'000'000'000,
                                        -12'345, 99'999'999, 100'000'000};
  for (int i = 0; i < 60; ++i) {
    const std::string date = format_utc(first + std::chrono::days{i}).substr(0, 10);
    const int64_t sat = amounts[static_cast<size_t>(i) % amounts.size()] + (i > 5 ? i : 0);
    add_income(pool, date, sat, i % 2 ? std::optional<double>(1000.0 * i) : std::nullopt);
    stored.emplace_back(date, sat);
  }
  for (ReportWindow window :
       {kWindow, ReportWindow{sys_days{2026y / November / 1}, sys_days{2026y / December / 1}},
        ReportWindow{sys_days{2026y / November / 1}, sys_days{2026y / November / 1} + 1s},
        ReportWindow{kTo, kTo}}) {
    const PoolHistory history = read_pool_history(db(), pool_ref(db(), "main"), window);
    std::vector<std::pair<std::string, int64_t>> expected;
    for (const auto& [date, sat] : stored) {
      const TimePoint start =
          std::chrono::floor<std::chrono::days>(*parse_utc(date + "T00:00:00Z"));
      if (window.from < window.to && start < window.to && start + 24h > window.from)
        expected.emplace_back(date, sat);
    }
    std::vector<std::pair<std::string, int64_t>> got;
    for (const IncomeDay& day : history.income) got.emplace_back(day.date, day.income_sat);
    EXPECT_EQ(got, expected) << format_utc(window.from) << " .. " << format_utc(window.to);
  }
}

}  // namespace
}  // namespace kz
