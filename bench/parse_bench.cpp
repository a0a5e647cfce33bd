// Parse + extract of observer pages: the 200-worker sample and a generated
// 5,000-worker page. Targets (Release, 2 cores): 3 ms and 60 ms.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "scrape/observer_parser.hpp"
#include "support/page_generator.hpp"
#include "support/test_data.hpp"

namespace {

void parse_loop(benchmark::State& state, const std::string& html, size_t workers) {
  for (auto _ : state) {
    kz::ObserverPage page = kz::parse_observer_page(html);
    if (page.workers.size() != workers) state.SkipWithError("wrong worker count");
    benchmark::DoNotOptimize(page);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * html.size()));
  state.counters["page_kB"] = static_cast<double>(html.size()) / 1000.0;
}

void BM_ParseSample200(benchmark::State& state) {
  parse_loop(state, kz::test::read_test_data("observer_ru_200.html"), 200);
}
BENCHMARK(BM_ParseSample200)->Unit(benchmark::kMillisecond);

void BM_ParseGenerated5000(benchmark::State& state) {
  // Default variant: markup shaped like the live page (class hashes, status spans).
  const std::string html = kz::test::render_page(kz::test::make_model(5000, 7), {});
  parse_loop(state, html, 5000);
}
BENCHMARK(BM_ParseGenerated5000)->Unit(benchmark::kMillisecond);

}  // namespace
