// Parse + extract of observer pages: the 200-worker sample and a generated
// 5,000-worker page. Targets (Release, 2 cores): 3 ms and 60 ms.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/charset.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/observer/page_charset.hpp"
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

// What kzscrape does with a fetched body: decode to UTF-8 (a no-op check for UTF-8), then parse.
void decode_parse_loop(benchmark::State& state, const std::string& body,
                       const std::string& content_type) {
  for (auto _ : state) {
    kz::ObserverPage page = kz::parse_observer_page(kz::decode_page(body, content_type));
    if (page.workers.size() != 200) state.SkipWithError("wrong worker count");
    benchmark::DoNotOptimize(page);
  }
}

void BM_DecodeParseSample200(benchmark::State& state) {
  decode_parse_loop(state, kz::test::read_test_data("observer_ru_200.html"), "text/html");
}
BENCHMARK(BM_DecodeParseSample200)->Unit(benchmark::kMillisecond);

void BM_DecodeParseSample200Windows1251(benchmark::State& state) {
  const std::string utf8 = kz::test::read_test_data("observer_ru_200.html");
  decode_parse_loop(state, kz::from_utf8(utf8, "WINDOWS-1251"), "text/html; charset=windows-1251");
}
BENCHMARK(BM_DecodeParseSample200Windows1251)->Unit(benchmark::kMillisecond);

void BM_ParseGenerated5000(benchmark::State& state) {
  // Default variant: markup shaped like the live page (class hashes, status spans).
  const std::string html = kz::test::render_page(kz::test::make_model(5000, 7), {});
  parse_loop(state, html, 5000);
}
BENCHMARK(BM_ParseGenerated5000)->Unit(benchmark::kMillisecond);

}  // namespace
