// Whole kzupload runs (the Release binary) against the local Supabase stand-in (real
// PostgreSQL 15 + the PostgREST-compatible gateway): wall time from process start to exit,
// HTTP requests per run (the gateway's request log) and peak memory of the process.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "support/gateway/local_supabase.hpp"
#include "support/process.hpp"
#include "upload/cache_filler.hpp"

namespace {

namespace fs = std::filesystem;
using kz::test::CacheFiller;
using kz::test::make_pool_page;

kz::test::LocalSupabase& supabase() {
  static auto instance = std::make_unique<kz::test::LocalSupabase>();
  return *instance;
}

void reset_database() {
  supabase().database().execute(
      "TRUNCATE accounts, hashrates, devices, income_tracking, alerts RESTART IDENTITY CASCADE");
  supabase().requests().clear();
}

fs::path bench_dir(const std::string& name) {
  return fs::temp_directory_path() / ("kz_bench_upload_" + name);
}

fs::path fresh_cache(const std::string& name) {
  const fs::path dir = bench_dir(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "cache.db";
}

kz::test::ProcessResult kzupload(const fs::path& db) {
  return kz::test::run_process(
      {KZUPLOAD_PATH, "--account", "KZPool_001", "--db", db.string(), "--quiet"},
      {{"SUPABASE_URL", supabase().url()}, {"SUPABASE_SERVICE_KEY", supabase().service_key()}});
}

// One timed run: its wall time is the iteration's time.
void timed_run(benchmark::State& state, const fs::path& db, long& max_rss_kb,
               std::size_t& requests) {
  supabase().requests().clear();
  const auto result = kzupload(db);
  if (result.exit_code != 0) state.SkipWithError(result.err.c_str());
  state.SetIterationTime(std::chrono::duration<double>(result.elapsed).count());
  max_rss_kb = std::max(max_rss_kb, result.max_rss_kb);
  requests = std::max(requests, supabase().requests().entries().size());
}

void report(benchmark::State& state, long max_rss_kb, std::size_t requests,
            const std::string& name) {
  fs::remove_all(bench_dir(name));
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["peak_rss_MB"] = static_cast<double>(max_rss_kb) / 1024.0;
}

// Steady state: the workers are known to Supabase, kzscrape added one snapshot since the last
// upload (today's income changed, one alert opened).
void BM_UploadNewSnapshot(benchmark::State& state) {
  const auto workers = static_cast<std::size_t>(state.range(0));
  reset_database();
  const fs::path db = fresh_cache("steady_" + std::to_string(workers));
  CacheFiller cache(db.string());
  cache.scrape(make_pool_page(workers, 1));
  if (kzupload(db).exit_code != 0) state.SkipWithError("first upload failed");
  long max_rss_kb = 0;
  std::size_t requests = 0;
  int64_t today_sat = 2;
  for (auto _ : state) {
    state.PauseTiming();
    cache.scrape(make_pool_page(workers, today_sat++));
    cache.alert(kz::AlertAction::open, "worker_offline",
                kz::test::worker_name(static_cast<std::size_t>(today_sat)));
    state.ResumeTiming();
    timed_run(state, db, max_rss_kb, requests);
  }
  report(state, max_rss_kb, requests, "steady_" + std::to_string(workers));
}
BENCHMARK(BM_UploadNewSnapshot)
    ->Arg(200)
    ->Arg(10'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);

// First upload of a pool: every device is new (inserted with created_at, then upserted).
void BM_UploadFirstRun(benchmark::State& state) {
  const auto workers = static_cast<std::size_t>(state.range(0));
  long max_rss_kb = 0;
  std::size_t requests = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reset_database();
    const fs::path db = fresh_cache("first_" + std::to_string(workers));
    { CacheFiller(db.string()).scrape(make_pool_page(workers)); }
    state.ResumeTiming();
    timed_run(state, db, max_rss_kb, requests);
  }
  report(state, max_rss_kb, requests, "first_" + std::to_string(workers));
}
BENCHMARK(BM_UploadFirstRun)
    ->Arg(200)
    ->Arg(10'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// A backlog of N snapshots of 10,000 workers after an outage: memory must not grow with N.
void BM_UploadBacklog10000Workers(benchmark::State& state) {
  const auto snapshots = state.range(0);
  long max_rss_kb = 0;
  std::size_t requests = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reset_database();
    const fs::path db = fresh_cache("backlog_" + std::to_string(snapshots));
    {
      CacheFiller cache(db.string());
      for (int64_t i = 0; i < snapshots; ++i) cache.scrape(make_pool_page(10'000, i + 1));
    }
    state.ResumeTiming();
    timed_run(state, db, max_rss_kb, requests);
  }
  report(state, max_rss_kb, requests, "backlog_" + std::to_string(snapshots));
}
BENCHMARK(BM_UploadBacklog10000Workers)
    ->Arg(1)
    ->Arg(12)
    ->Arg(48)
    ->Arg(144)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace
