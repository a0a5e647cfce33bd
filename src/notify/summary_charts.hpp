#pragma once

#include <chrono>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "notify/channel.hpp"
#include "notify/digest.hpp"
#include "report/chart.hpp"
#include "report/report_model.hpp"

namespace kz {

// The charts that follow the daily summary (issue 14, `summary_charts`): one hashrate chart per
// pool over the last 24 h, drawn by kzreport's chart code.

// A pool chosen for a chart, with its alert time in the window.
struct SummaryChartPool {
  PoolRef pool;
  std::chrono::seconds alert_time{0};  // alerts open during the window, summed over alerts
};

// The charts' window: the 24 h before `now`.
ReportWindow summary_chart_window(TimePoint now);

// Of the summary's pools (digest.pools, by account name), those the cache knows that have a
// snapshot in `window`: the ones with the most alert time in the window first (an alert still
// open counts to the window's end), then by account; at most `limit` (0: none). Reads only.
// Throws SQLite::Exception, kz::Error(cache_failed) for an unreadable alert time.
std::vector<SummaryChartPool> pick_summary_chart_pools(SQLite::Database& db, const Digest& digest,
                                                       ReportWindow window, int limit);

// The caption after the pool's name, plain text, e.g. "hashrate, 24 h to 2026-12-01 06:00 UTC:
// average 38.38 PH/s; alerts open 42 min" ("no alerts" without any; "no data" without points).
std::string summary_chart_caption(const SummaryChartPool& pool, const PoolHistory& history,
                                  ReportWindow window);

// Each pool's hashrate chart over `window` as a PNG with its title (the account) and caption,
// in the order of `pools`, drawn by one renderer call. Throws SQLite::Exception while reading,
// kz::Error(report_failed) from the renderer (gnuplot missing, failing or too slow).
std::vector<ChartImage> render_summary_charts(SQLite::Database& db,
                                              const std::vector<SummaryChartPool>& pools,
                                              ReportWindow window, ChartRenderer& renderer);

}  // namespace kz
