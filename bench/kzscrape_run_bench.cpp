// Whole kzscrape runs (the Release binary) against a local page server:
// wall time and peak memory of one run, and cache growth over a day of runs.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/page_generator.hpp"
#include "support/page_server.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

namespace {

namespace fs = std::filesystem;
using kz::test::PageServer;
using kz::test::Step;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("kz_bench_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> kzscrape_args(const PageServer& server, const fs::path& db) {
  return {KZSCRAPE_PATH, "--url", server.url("/observer"), "--db", db.string(), "--quiet"};
}

// Times one kzscrape process per iteration (after a first run that creates the cache) and
// reports the peak memory of the children.
void time_runs(benchmark::State& state, const std::vector<std::string>& args) {
  kz::test::run_process(args);
  long max_rss_kb = 0;
  for (auto _ : state) {
    const auto result = kz::test::run_process(args);
    if (result.exit_code != 0) state.SkipWithError(result.err.c_str());
    max_rss_kb = std::max(max_rss_kb, result.max_rss_kb);
  }
  state.counters["peak_rss_MB"] = static_cast<double>(max_rss_kb) / 1024.0;
}

void BM_KzscrapeRun200Workers(benchmark::State& state) {
  PageServer server;
  server.set("/observer", {Step::ok(kz::test::read_test_data("observer_ru_200.html"))});
  const fs::path dir = fresh_dir("run");
  const auto args = kzscrape_args(server, dir / "cache.db");
  time_runs(state, args);
  fs::remove_all(dir);
}
BENCHMARK(BM_KzscrapeRun200Workers)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(30);

// kzscrape --config with 100 pools of 200 workers each, all served locally.
void BM_KzscrapeConfig100Pools(benchmark::State& state) {
  PageServer server;
  const std::string page = kz::test::read_test_data("observer_ru_200.html");
  std::string config = "{\"pools\": [";
  for (int i = 0; i < 100; ++i) {
    const std::string path = "/pool/" + std::to_string(i);
    server.set(path, {Step::ok(page)});
    config += std::string(i ? "," : "") + "{\"account_name\": \"KZPool_" + std::to_string(i) +
              "\", \"observer_url\": \"" + server.url(path) + "\"}";
  }
  config += "]}";
  const fs::path dir = fresh_dir("fleet");
  std::ofstream(dir / "pools.json") << config;
  const std::vector<std::string> args = {
      KZSCRAPE_PATH, "--config", (dir / "pools.json").string(), "--db", (dir / "cache.db").string(),
      "--quiet"};
  time_runs(state, args);
  fs::remove_all(dir);
}
BENCHMARK(BM_KzscrapeConfig100Pools)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// 144 runs = one day at a 10-minute cadence; reports the cache size.
void BM_CacheGrowthOneDay(benchmark::State& state) {
  PageServer server;
  server.set("/observer", {Step::ok(kz::test::read_test_data("observer_ru_200.html"))});
  for (auto _ : state) {
    const fs::path dir = fresh_dir("growth");
    const auto args = kzscrape_args(server, dir / "cache.db");
    kz::test::run_process(args);
    const auto empty_day = fs::file_size(dir / "cache.db");
    for (int run = 1; run < 144; ++run) kz::test::run_process(args);
    std::uintmax_t total = 0;
    for (const auto& entry : fs::directory_iterator(dir)) total += entry.file_size();
    state.counters["cache_MB_after_144_runs"] = static_cast<double>(total) / 1e6;
    state.counters["first_run_MB"] = static_cast<double>(empty_day) / 1e6;
    fs::remove_all(dir);
  }
}
BENCHMARK(BM_CacheGrowthOneDay)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// Peak memory of one kzscrape process against pages of range(0) workers, generated with the
// test page generator (every worker a table row, as on the real page), range(1) pools of
// that page under --config at --concurrency range(1). Reports the page's size and the peak RSS.
void BM_KzscrapePeakMemory(benchmark::State& state) {
  const auto workers = static_cast<size_t>(state.range(0));
  const int pools = static_cast<int>(state.range(1));
  const kz::test::Variant variant;
  const std::string page = kz::test::render_page(kz::test::make_model(workers, 7), variant);
  PageServer server;
  std::string config = "{\"pools\": [";
  for (int i = 0; i < pools; ++i) {
    const std::string path = "/pool/" + std::to_string(i);
    server.set(path, {Step::ok(page)});
    config += std::string(i ? "," : "") + "{\"account_name\": \"KZPool_" + std::to_string(i) +
              "\", \"observer_url\": \"" + server.url(path) + "\"}";
  }
  config += "]}";
  const fs::path dir = fresh_dir("memory");
  std::ofstream(dir / "pools.json") << config;
  const std::vector<std::string> args = {KZSCRAPE_PATH,
                                         "--config",
                                         (dir / "pools.json").string(),
                                         "--concurrency",
                                         std::to_string(pools),
                                         "--db",
                                         (dir / "cache.db").string(),
                                         "--render",
                                         "never",
                                         "--max-page-mb",
                                         "1024",
                                         "--timeout",
                                         "600",
                                         "--quiet"};
  time_runs(state, args);
  state.counters["page_MB"] = static_cast<double>(page.size()) / (1024.0 * 1024.0);
  fs::remove_all(dir);
}
BENCHMARK(BM_KzscrapePeakMemory)
    ->Args({20000, 1})
    ->Args({20000, 8})
    ->Args({46000, 1})
    ->Args({46000, 8})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
