#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "report/html_report.hpp"

// The parts of the HTML report (html_report.cpp puts them into the page).
namespace kz {

// A pool's state in the fleet table, worst first.
enum class PoolHealth {
  failing,      // its newest runs failed (consecutive_failed_runs > 0)
  stale,        // no snapshot, or the newest is older than kStaleAfter
  open_alerts,  // data is fresh but alerts are open
  ok,
};

// Data older than this is stale: cron scrapes every 10 minutes, so six missed runs.
inline constexpr std::chrono::hours kStaleAfter{1};

// "failing", "stale data", "open alerts", "ok".
const char* health_text(PoolHealth health);

// The worst state that applies to `status` at `now`.
PoolHealth pool_health(const PoolStatus& status, TimePoint now);

// The number of alerts open for a pool, all types and severities.
int64_t open_alert_count(const PoolStatus& status);

// `fleet` worst first: by health, then more open alerts, then more failed runs, then account.
std::vector<const PoolStatus*> worst_first(const std::vector<PoolStatus>& fleet, TimePoint now);

// The fleet summary: totals and the table of pools worst first, each linking to its section.
std::string render_fleet_summary(const ReportInput& input);

// One pool's section (anchor "pool-<id>"): its charts, incidents, income, payments and workers.
// `status` may be null when the fleet has no row for it.
std::string render_pool_section(const ReportInput& input, const PoolHistory& history,
                                const PoolCharts& charts, const PoolStatus* status);

// An SVG as it can sit inline in the page: the XML prolog and doctype dropped, and every id
// (and its references url(#..), href="#..") prefixed with `prefix`, so that charts of one page
// never share an id.
std::string inline_chart_svg(const std::string& svg, const std::string& prefix);

}  // namespace kz
