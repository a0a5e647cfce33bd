#include <SQLiteCpp/Transaction.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "report/history_cache_fixture.hpp"
#include "report/pool_queries.hpp"

namespace kz {
namespace {

using namespace std::chrono;

class WorkerStatsTest : public test::HistoryCacheTest {};

const TimePoint kFrom = sys_days{2026y / November / 20} + 10h;
const TimePoint kTo = sys_days{2026y / November / 21} + 10h;
const ReportWindow kWindow{kFrom, kTo};

PoolHistory history_of(SQLite::Database& db, const std::string& account) {
  for (const PoolRef& pool : read_pools(db)) {
    if (pool.account == account) return read_pool_history(db, pool, kWindow);
  }
  ADD_FAILURE() << "no pool " << account;
  return {};
}

const WorkerStat* find(const PoolHistory& history, const std::string& name) {
  for (const WorkerStat& w : history.workers) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

// An Antpool pool whose snapshots list all workers, only the offline ones, or none.
TEST_F(WorkerStatsTest, AntpoolOfflineListsCountEveryKnownWorker) {
  const int64_t pool = add_pool("ant", "antpool");
  auto at = [](int minutes) { return TimePointMs{kFrom + std::chrono::minutes{minutes}}; };
  // Before the window: the roster A, B, C.
  add_snapshot(pool, at(-10), 1, {{"A", true, 100}, {"B", true, 200}, {"C", false, 0}});
  add_snapshot(pool, at(0), 1, {{"C", false, 0}}, "offline");                    // A, B on; C off
  add_snapshot(pool, at(10), 1, {{"B", false, 0}, {"D", false, 0}}, "offline");  // A, C on
  add_snapshot(pool, at(20), 1, {}, "none");
  add_snapshot(pool, at(30), 1, {{"A", true, 300}, {"D", true, 50}});  // B, C are gone
  add_snapshot(pool, at(40), 1, {}, "offline");                        // A, D on
  add_snapshot(pool, at(50), 1, {{"A", false, 0}}, "all", false);      // incomplete
  add_snapshot(pool, at(60), 1, {}, "offline");                        // A, D on
  add_snapshot(pool, TimePointMs{kTo}, 1, {{"A", false, 0}, {"D", false, 0}}, "offline");

  const PoolHistory history = history_of(db(), "ant");
  std::vector<std::string> order;
  for (const WorkerStat& w : history.workers) order.push_back(w.name);
  EXPECT_EQ(order, (std::vector<std::string>{"B", "C", "D", "A"}));

  const WorkerStat* a = find(history, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->samples, 6);
  EXPECT_DOUBLE_EQ(a->uptime, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(a->avg_hashrate_hs, 150e9);  // the full lists: 300 and 0 GH/s
  EXPECT_EQ(a->last_online_at, kFrom + 60min);
  const WorkerStat* b = find(history, "B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->samples, 2);
  EXPECT_DOUBLE_EQ(b->uptime, 0.5);
  EXPECT_EQ(b->avg_hashrate_hs, 0);
  EXPECT_EQ(b->last_online_at, kFrom);
  const WorkerStat* c = find(history, "C");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->samples, 2);
  EXPECT_EQ(c->last_online_at, kFrom + 10min);
  const WorkerStat* d = find(history, "D");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->samples, 4);
  EXPECT_DOUBLE_EQ(d->uptime, 0.75);
  EXPECT_DOUBLE_EQ(d->avg_hashrate_hs, 50e9);
}

TEST_F(WorkerStatsTest, OnlyOfflineListsWithoutAFullListBeforeCountTheListedWorkers) {
  const int64_t pool = add_pool("ant", "antpool");
  add_snapshot(pool, TimePointMs{kFrom + 1min}, 1, {{"X", false, 0}}, "offline");
  add_snapshot(pool, TimePointMs{kFrom + 2min}, 1, {}, "offline");
  const PoolHistory history = history_of(db(), "ant");
  ASSERT_EQ(history.workers.size(), 1u);
  EXPECT_EQ(history.workers[0].samples, 2);
  EXPECT_DOUBLE_EQ(history.workers[0].uptime, 0.5);
  EXPECT_EQ(history.workers[0].last_online_at, kFrom + 2min);
}

// btcpool.kz pools list every worker each time: generated fleets against a direct count.
TEST_F(WorkerStatsTest, FullListsGiveUptimeAndAverageWorstFirst) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const std::string account = "pool-" + std::to_string(seed);
    const int64_t pool = add_pool(account);
    const int64_t neighbour = add_pool(account + "-n");
    std::mt19937 random(seed);
    SQLite::Transaction transaction(db());
    const std::vector<std::string> names = {"rig-1",  "rig-2", "ферма 3", "rig,4",
                                            "rig\"5", "a",     "b",       "c"};
    struct Model {
      int64_t samples = 0, online = 0;
      double ghs_sum = 0;
      std::optional<TimePoint> last_online;
    };
    std::map<std::string, Model> model;
    std::vector<TimePointMs> times = {TimePointMs{kFrom} - 1ms, TimePointMs{kFrom},
                                      TimePointMs{kTo} - 1ms, TimePointMs{kTo}};
    for (int i = 1; i < 40; ++i) times.push_back(TimePointMs{kFrom + i * 30min});
    std::sort(times.begin(), times.end());
    for (TimePointMs at : times) {
      std::vector<test::SampleRow> rows;
      for (const std::string& name : names) {
        if (std::uniform_int_distribution<int>(0, 5)(random) == 0) continue;
        const bool online = std::uniform_int_distribution<int>(0, 3)(random) != 0;
        const double ghs = online ? std::uniform_int_distribution<int>(0, 200'000)(random) : 0;
        rows.push_back({name, online, ghs});
        if (at < TimePointMs{kFrom} || at >= TimePointMs{kTo}) continue;
        Model& m = model[name];
        ++m.samples;
        m.ghs_sum += ghs;
        if (online) {
          ++m.online;
          m.last_online = floor<seconds>(at);
        }
      }
      add_snapshot(pool, at, 1, rows);
      add_snapshot(neighbour, at, 1, {{"rig-1", false, 5}});
    }
    transaction.commit();
    const PoolHistory history = history_of(db(), account);
    ASSERT_EQ(history.workers.size(), model.size()) << seed;
    for (const auto& [name, m] : model) {
      const WorkerStat* w = find(history, name);
      ASSERT_NE(w, nullptr) << name;
      EXPECT_EQ(w->samples, m.samples) << name;
      EXPECT_DOUBLE_EQ(w->uptime, double(m.online) / double(m.samples)) << name;
      EXPECT_DOUBLE_EQ(w->avg_hashrate_hs, m.ghs_sum / double(m.samples) * 1e9) << name;
      EXPECT_EQ(w->last_online_at, m.last_online) << name;
    }
    for (size_t i = 1; i < history.workers.size(); ++i) {
      const WorkerStat& x = history.workers[i - 1];
      const WorkerStat& y = history.workers[i];
      EXPECT_TRUE(
          x.uptime < y.uptime ||
          (x.uptime == y.uptime && (x.avg_hashrate_hs < y.avg_hashrate_hs ||
                                    (x.avg_hashrate_hs == y.avg_hashrate_hs && x.name < y.name))))
          << x.name << " before " << y.name;
    }
  }
}

// Payments made in [from, to), by time, with their exact amounts.
TEST_F(WorkerStatsTest, PaymentsAreTheWindowsWithExactSatoshis) {
  const int64_t pool = add_pool("main");
  const int64_t other = add_pool("other");
  const std::vector<TimePoint> moments = {kFrom - 1s, kFrom, kFrom + 1s, kFrom + 5h,
                                          kTo - 1s,   kTo,   kTo + 1s};
  const std::vector<int64_t> amounts = {1, 2'100'000'000'000'000, 12'345'678, -500,
                                        0, 100'000'000,           99'999'999};
  std::vector<std::pair<TimePoint, int64_t>> expected;
  for (size_t i = 0; i < moments.size(); ++i) {
    add_payment(pool, "p" + std::to_string(i), moments[i], amounts[i], "bc1q" + std::to_string(i),
                "tx" + std::to_string(i));
    add_payment(other, "p" + std::to_string(i), moments[i], 7, "x", "y");
    if (moments[i] >= kFrom && moments[i] < kTo) expected.emplace_back(moments[i], amounts[i]);
  }
  const PoolHistory history = history_of(db(), "main");
  std::vector<std::pair<TimePoint, int64_t>> got;
  for (const PaymentRow& p : history.payments) got.emplace_back(p.paid_at, p.amount_sat);
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace kz
