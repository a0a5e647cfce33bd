// The Antpool collector (library level, Release) against the local Antpool server: the wall time
// and calls of a tier-1 run for 33 accounts, and the calls of a simulated day (144 runs on a
// fake clock shared with the server) for 33 accounts of 200 workers.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "scrape/antpool/antpool_collector.hpp"
#include "support/antpool_server.hpp"

namespace {

namespace fs = std::filesystem;
using namespace kz;
using kz::test::AntpoolServer;

constexpr int kAccounts = 33;
constexpr int kWorkers = 200;

std::string two_digits(int i) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", i);
  return text;
}

struct Setup {
  fs::path dir;
  std::vector<AntpoolPool> pools;
  AntpoolSettings settings;
};

Setup fleet(AntpoolServer& server, const std::string& name) {
  Setup setup;
  setup.dir = fs::temp_directory_path() / ("kz_bench_antpool_" + name);
  fs::remove_all(setup.dir);
  fs::create_directories(setup.dir);
  setup.settings.url = server.url();
  for (int a = 1; a <= kAccounts; ++a) {
    const std::string user = "site_sub" + two_digits(a);
    server.add_key({user, "key-" + two_digits(a), "secret-" + two_digits(a), {}});
    std::vector<kz::test::AntpoolWorker> workers;
    for (int w = 1; w <= kWorkers; ++w) {
      workers.push_back(kz::test::antpool_worker(user + ".m" + std::to_string(w), 110e12, w > 3));
    }
    server.set_workers(user, workers);
    server.set_amounts(user, "0.01", "3.4", "0.02", "3.3");
    AntpoolPool pool;
    pool.account = {"antpool_" + two_digits(a),
                    user,
                    std::nullopt,
                    {"key-" + two_digits(a), "secret-" + two_digits(a)}};
    pool.options.account_name = pool.account.account_name;
    pool.options.observer_url = pool.account.identity();
    pool.options.db_path = (setup.dir / "cache.db").string();
    setup.pools.push_back(pool);
  }
  return setup;
}

const Sleeper kNoSleep = [](std::chrono::milliseconds) {};

// The collector's per-account log lines would drown the figures.
[[maybe_unused]] const bool kQuiet = (spdlog::set_level(spdlog::level::err), true);

// After a first run that does every tier, each iteration is the next cron run ten minutes later:
// tier 1 for 33 accounts (+ poolStats), and tier 3 for the accounts with offline workers when due.
void BM_AntpoolTier1Run33Accounts(benchmark::State& state) {
  FixedClock clock(std::chrono::sys_days{std::chrono::November / 29 / 2026} +
                   std::chrono::hours{1});
  AntpoolServer server([&] { return TimePointMs(clock.now()); });
  Setup setup = fleet(server, "tier1");
  setup.settings.daily_after = "23:59";  // keep tier 4 out of the timed runs
  CurlTransport transport(HttpOptions{});
  std::ostringstream out;
  collect_antpool(setup.pools, setup.settings, transport, clock, kNoSleep, out);
  size_t calls = 0;
  for (auto _ : state) {
    clock.advance(std::chrono::minutes{10});
    const size_t before = server.requests().size();
    collect_antpool(setup.pools, setup.settings, transport, clock, kNoSleep, out);
    calls += server.requests().size() - before;
  }
  state.counters["calls_per_run"] =
      static_cast<double>(calls) / static_cast<double>(state.iterations());
  fs::remove_all(setup.dir);
}
BENCHMARK(BM_AntpoolTier1Run33Accounts)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

// 144 runs: calls per day against the budget of 550 per 10 minutes.
void BM_AntpoolSimulatedDay(benchmark::State& state) {
  for (auto _ : state) {
    FixedClock clock(std::chrono::sys_days{std::chrono::November / 29 / 2026} +
                     std::chrono::minutes{5});
    AntpoolServer server([&] { return TimePointMs(clock.now()); });
    Setup setup = fleet(server, "day");
    CurlTransport transport(HttpOptions{});
    std::ostringstream out;
    for (int run = 0; run < 144; ++run) {
      collect_antpool(setup.pools, setup.settings, transport, clock, kNoSleep, out);
      clock.advance(std::chrono::minutes{10});
    }
    const double calls = static_cast<double>(server.requests().size());
    state.counters["calls_per_day"] = calls;
    state.counters["budget_share_pct"] = 100.0 * calls / (550.0 * 144);
    state.counters["busiest_10min"] = server.max_requests_in_window();
    fs::remove_all(setup.dir);
  }
}
BENCHMARK(BM_AntpoolSimulatedDay)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
