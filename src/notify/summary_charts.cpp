#include "notify/summary_charts.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "notify/message_format.hpp"
#include "notify/message_lines.hpp"
#include "report/pool_queries.hpp"

namespace kz {

namespace {

bool has_snapshot(SQLite::Database& db, int64_t pool_id, ReportWindow window) {
  SQLite::Statement select(db,
                           "SELECT 1 FROM snapshot WHERE pool_id = ? AND scraped_at >= ?"
                           " AND scraped_at < ? LIMIT 1");
  select.bind(1, pool_id);
  select.bind(2, format_utc_ms(window.from));
  select.bind(3, format_utc_ms(window.to));
  return select.executeStep();
}

TimePoint alert_time_of(const std::string& text, const std::string& account) {
  const auto at = parse_utc(text);
  if (!at) {
    throw Error(ExitCode::cache_failed,
                "an alert of pool " + account + " holds an unreadable time '" + text + "'");
  }
  return *at;
}

// The alerts' time open within the window, each alert clipped to it.
std::chrono::seconds alert_time(SQLite::Database& db, const PoolRef& pool, ReportWindow window) {
  // Alert times are whole seconds (also when a text has a fraction): the first 19 characters
  // compare as the times do.
  SQLite::Statement select(db,
                           "SELECT opened_at, resolved_at FROM alert WHERE pool_id = ?"
                           " AND substr(opened_at, 1, 19) < substr(?, 1, 19)"
                           " AND (resolved_at IS NULL OR substr(resolved_at, 1, 19) >"
                           " substr(?, 1, 19))");
  select.bind(1, pool.id);
  select.bind(2, format_utc(window.to));
  select.bind(3, format_utc(window.from));
  std::chrono::seconds total{0};
  while (select.executeStep()) {
    const TimePoint opened = alert_time_of(select.getColumn(0).getString(), pool.account);
    const TimePoint resolved = select.getColumn(1).isNull()
                                   ? window.to
                                   : alert_time_of(select.getColumn(1).getString(), pool.account);
    const TimePoint from = std::max(opened, window.from);
    const TimePoint to = std::min(resolved, window.to);
    if (to > from) total += std::chrono::duration_cast<std::chrono::seconds>(to - from);
  }
  return total;
}

}  // namespace

ReportWindow summary_chart_window(TimePoint now) {
  return ReportWindow{now - std::chrono::hours{24}, now};
}

std::vector<SummaryChartPool> pick_summary_chart_pools(SQLite::Database& db, const Digest& digest,
                                                       ReportWindow window, int limit) {
  if (limit <= 0) return {};
  std::set<std::string> accounts;
  for (const PoolSummary& summary : digest.pools) accounts.insert(summary.account_name);
  std::vector<SummaryChartPool> picked;
  for (PoolRef& pool : read_pools(db)) {
    if (!accounts.count(pool.account) || !has_snapshot(db, pool.id, window)) continue;
    const std::chrono::seconds open = alert_time(db, pool, window);
    picked.push_back(SummaryChartPool{std::move(pool), open});
  }
  std::stable_sort(picked.begin(), picked.end(), [](const auto& a, const auto& b) {
    if (a.alert_time != b.alert_time) return a.alert_time > b.alert_time;
    return a.pool.account < b.pool.account;
  });
  if (picked.size() > static_cast<std::size_t>(limit))
    picked.resize(static_cast<std::size_t>(limit));
  return picked;
}

std::string summary_chart_caption(const SummaryChartPool& pool, const PoolHistory& history,
                                  ReportWindow window) {
  std::string to = format_utc(window.to).substr(0, 16);  // "2026-12-01T06:00"
  to[10] = ' ';
  std::string caption = "hashrate, 24 h to " + to + " UTC: ";
  if (history.points.empty()) {
    caption += "no data";
  } else {
    double sum = 0;
    for (const HashratePoint& point : history.points) sum += point.hashrate_hs;
    caption += "average " + format_hashrate(sum / static_cast<double>(history.points.size()));
  }
  caption += pool.alert_time.count() > 0 ? "; alerts open " + format_duration(pool.alert_time)
                                         : "; no alerts";
  return caption;
}

std::vector<ChartImage> render_summary_charts(SQLite::Database& db,
                                              const std::vector<SummaryChartPool>& pools,
                                              ReportWindow window, ChartRenderer& renderer) {
  std::vector<PoolHistory> histories;
  histories.reserve(pools.size());
  for (const SummaryChartPool& pool : pools) {
    histories.push_back(read_pool_history(db, pool.pool, window));
  }
  std::vector<ChartRequest> requests;
  for (const PoolHistory& history : histories) {
    ChartRequest request;
    request.kind = ChartKind::hashrate;
    request.history = &history;
    request.window = window;
    requests.push_back(request);
  }
  const std::vector<std::string> pngs = renderer.render(requests, ImageFormat::png);
  if (pngs.size() != pools.size()) {
    throw Error(ExitCode::report_failed, "the chart renderer gave " + std::to_string(pngs.size()) +
                                             " images for " + std::to_string(pools.size()) +
                                             " charts");
  }
  std::vector<ChartImage> images;
  for (std::size_t i = 0; i < pools.size(); ++i) {
    images.push_back(ChartImage{pngs[i], pools[i].pool.account,
                                summary_chart_caption(pools[i], histories[i], window)});
  }
  return images;
}

}  // namespace kz
