#pragma once

// Generated inputs of the HTML report (html_report.hpp, ReportInput) for tests: pools whose
// texts carry HTML's special characters and Cyrillic, each meant to be in a chosen state, with
// incidents, income, payments and workers in random amounts.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "report/html_report.hpp"

namespace kz::test {

// The state a generated pool is built to be in (the report's order, worst first).
enum class IntendedHealth { failing = 0, stale = 1, open_alerts = 2, ok = 3 };

struct GeneratedReport {
  ReportInput input;
  std::vector<IntendedHealth> health;  // per pool, same order as input.fleet
  // Every text that came "from the cache", for escaping checks.
  std::vector<std::string> cache_texts;
};

// `pools` pools (0 allowed) over a window of `days` days ending at a fixed time; charts left
// empty (fill them with a ChartRenderer when needed).
GeneratedReport generate_report(std::mt19937& rng, int pools, int days = 7);

// A name that needs escaping: one of several with <, >, &, quotes and Cyrillic, plus `n`.
std::string hostile_name(std::mt19937& rng, int n);

// References in `html` to anything outside the file: src=, <link, <script, url( other than
// url(#...), href other than "#...", @import. Empty when the page is self-contained.
std::vector<std::string> external_references(const std::string& html);

}  // namespace kz::test
