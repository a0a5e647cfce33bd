// kzreport over a fleet cache of 100 pools × 7 days of 10-minute snapshots × 20 workers (about
// 2 million worker samples), generated once per process by tests/support/report
// (generate_fleet_cache) ending at the current 10 minutes. The binary cases time the Release
// `kzreport` as a child process, spawn to exit (the issue: `html --days 7` under 5 s); the
// library cases time the functions behind it in this process. Counters: out_MB (the output),
// peak_rss_MB (the child's), load1 (the machine's load average as the case ended). See
// bench/README.md, "kzreport".
#include <SQLiteCpp/Database.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/report/fleet_generator.hpp"

#ifdef KZ_BENCH_REPORT_LIBRARY
#include "report/chart.hpp"
#include "report/csv_export.hpp"
#include "report/fleet_status.hpp"
#include "report/html_report.hpp"
#include "report/metrics.hpp"
#include "report/report_cache.hpp"
#endif

namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;

const fs::path& bench_dir() {
  static const fs::path dir = fs::temp_directory_path() / "kz_bench_report";
  return dir;
}

kz::TimePoint now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

kz::test::FleetSpec fleet_spec() {
  kz::test::FleetSpec spec;
  spec.pools = 100;
  spec.days = 7;
  spec.interval = minutes{10};
  spec.workers = 20;
  spec.antpool_full_list_every = 1;  // the worst case: every snapshot lists every worker
  const auto minute = std::chrono::floor<minutes>(now());
  spec.end = minute - minute.time_since_epoch() % 10;  // the current 10 minutes
  return spec;
}

// The fleet cache, generated on first use; its generation time in seconds.
const std::string& fleet_cache(double* generation_s = nullptr) {
  static double took = 0;
  static const std::string path = [] {
    fs::remove_all(bench_dir());
    fs::create_directories(bench_dir());
    const std::string db = (bench_dir() / "fleet.db").string();
    const auto start = std::chrono::steady_clock::now();
    kz::test::generate_fleet_cache(db, fleet_spec());
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return db;
  }();
  if (generation_s) *generation_s = took;
  return path;
}

double load1() {
  double load = 0;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

double file_mb(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<double>(size) / 1e6;
}

// Generating the cache itself (once): how long the tests' fleets take, and the cache's size.
void BM_GenerateFleet(benchmark::State& state) {
  double took = 0;
  for (auto _ : state) {
    fleet_cache(&took);
    state.SetIterationTime(took);
  }
  SQLite::Database db(fleet_cache(), SQLite::OPEN_READONLY);
  state.counters["samples"] =
      static_cast<double>(db.execAndGet("SELECT count(*) FROM worker_sample").getInt64());
  state.counters["snapshots"] =
      static_cast<double>(db.execAndGet("SELECT count(*) FROM snapshot").getInt64());
  state.counters["cache_MB"] = file_mb(fleet_cache());
  state.counters["load1"] = load1();
}
BENCHMARK(BM_GenerateFleet)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

#ifdef KZREPORT_PATH

// `kzreport <args> --db FLEET --out FILE`, timed from spawn to exit; fails the case unless it
// exits 0 with a non-empty output.
void run_kzreport(benchmark::State& state, std::vector<std::string> args, const char* out_name) {
  const fs::path out = bench_dir() / out_name;
  args.insert(args.begin(), KZREPORT_PATH);
  args.insert(args.end(), {"--db", fleet_cache(), "--out", out.string()});
  double rss_kb = 0, slowest_s = 0;
  for (auto _ : state) {
    fs::remove(out);
    const auto start = std::chrono::steady_clock::now();
    const kz::test::ProcessResult run = kz::test::run_process(args, {}, std::chrono::seconds(120));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(took);
    if (run.exit_code != 0 || file_mb(out) == 0) {
      state.SkipWithError(
          ("kzreport exited " + std::to_string(run.exit_code) + ": " + run.err).c_str());
      break;
    }
    slowest_s = std::max(slowest_s, took);
    rss_kb = std::max(rss_kb, static_cast<double>(run.max_rss_kb));
  }
  state.counters["out_MB"] = file_mb(out);
  state.counters["peak_rss_MB"] = rss_kb / 1024;
  state.counters["slowest_s"] = slowest_s;
  state.counters["load1"] = load1();
}

void BM_KzreportHtml7Days(benchmark::State& state) {
  run_kzreport(state, {"html", "--days", "7"}, "report.html");
}
BENCHMARK(BM_KzreportHtml7Days)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_KzreportMetrics(benchmark::State& state) {
  run_kzreport(state, {"metrics"}, "kzpool.prom");
}
BENCHMARK(BM_KzreportMetrics)->Iterations(10)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_KzreportCsvWorkers(benchmark::State& state) {
  run_kzreport(state, {"csv", "--what", "workers"}, "workers.csv");
}
BENCHMARK(BM_KzreportCsvWorkers)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

#endif  // KZREPORT_PATH

#ifdef KZ_BENCH_REPORT_LIBRARY

// The functions behind the binary, in this process: the whole report with real gnuplot, the
// metrics text, and the workers' CSV.
void BM_LibraryHtml7Days(benchmark::State& state) {
  kz::ReportCache cache(fleet_cache());
  auto charts = kz::make_gnuplot_renderer();
  std::size_t size = 0;
  for (auto _ : state) size = kz::build_html_report(cache, *charts, now(), 7).size();
  state.counters["out_MB"] = static_cast<double>(size) / 1e6;
  state.counters["load1"] = load1();
}
BENCHMARK(BM_LibraryHtml7Days)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_LibraryMetrics(benchmark::State& state) {
  kz::ReportCache cache(fleet_cache());
  std::size_t size = 0;
  for (auto _ : state) {
    cache.read_transaction(
        [&] { size = kz::render_metrics(kz::read_fleet_status(cache.db()), now()).size(); });
  }
  state.counters["out_MB"] = static_cast<double>(size) / 1e6;
  state.counters["load1"] = load1();
}
BENCHMARK(BM_LibraryMetrics)->Iterations(10)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_LibraryCsvWorkers(benchmark::State& state) {
  kz::ReportCache cache(fleet_cache());
  const kz::TimePoint to = now();
  std::size_t size = 0;
  for (auto _ : state) {
    size =
        kz::export_csv(cache.db(), kz::CsvTable::workers, {to - std::chrono::days{7}, to}).size();
  }
  state.counters["out_MB"] = static_cast<double>(size) / 1e6;
  state.counters["load1"] = load1();
}
BENCHMARK(BM_LibraryCsvWorkers)->Iterations(5)->UseRealTime()->Unit(benchmark::kMillisecond);

#endif  // KZ_BENCH_REPORT_LIBRARY

}  // namespace
