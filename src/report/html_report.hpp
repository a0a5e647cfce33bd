#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "report/chart.hpp"
#include "report/report_cache.hpp"
#include "report/report_model.hpp"

namespace kz {

struct PoolCharts {
  std::string hashrate_svg;
  std::string workers_svg;
  std::string income_svg;
};

struct ReportInput {
  TimePoint generated_at;
  ReportWindow window;
  int days = 7;
  std::vector<PoolStatus> fleet;   // every pool, as read_fleet_status() gives it
  std::vector<PoolHistory> pools;  // same order as `charts`
  std::vector<PoolCharts> charts;  // one per pool
};

// One self-contained HTML page (UTF-8, inline CSS and SVG, no script, no request outside the
// file) that reads well on a phone: the fleet summary; for each pool its charts, incidents with
// durations, income per day and payments; for each worker uptime % and average hashrate, worst
// first. Every text from the cache is HTML-escaped. An input without pools gives a page that
// says the cache holds no data yet.
std::string render_html_report(const ReportInput& input);

// Reads the cache (one read transaction), draws every pool's charts in one render() call and
// renders the page for the `days` days before `now`. Throws kz::Error (cache_failed,
// report_failed).
std::string build_html_report(ReportCache& cache, ChartRenderer& charts, TimePoint now, int days);

}  // namespace kz
