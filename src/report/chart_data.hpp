#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "report/report_model.hpp"

// The numbers behind a chart, before any gnuplot text: rows in the window, bucket means for long
// series, where lines break, the hashrate unit, the 24 h average, alert spans and time ticks.
namespace kz::chart_data {

// One instant of a two-series chart (hashrate and its 24 h average, or workers online and
// offline). at_ms: milliseconds since the epoch, UTC.
struct Row {
  int64_t at_ms = 0;
  double a = 0;
  double b = 0;
};

// The rows inside [window.from, window.to), oldest first. With more than max_rows of them, the
// window is cut into max_rows equal buckets and each bucket with rows becomes one row of their
// means (time, a and b).
std::vector<Row> in_window(const std::vector<Row>& rows, const ReportWindow& window,
                           std::size_t max_rows);

// gap[i] is true when the line should break before rows[i]: the step from rows[i-1] is more than
// three times the median step (a run that did not happen, a host that was down).
std::vector<bool> gaps(const std::vector<Row>& rows);

struct HashrateUnit {
  std::string name;    // "TH/s" or "PH/s"
  double hs_per_unit;  // 1e12 or 1e15
};

// TH/s while the largest value is below 1 PH/s, else PH/s.
HashrateUnit hashrate_unit(double max_hs);

// Each point's 24 h average in H/s: the snapshot's own hashrate_24h_hs where it has one, else the
// mean hashrate_hs of the points at (at - 24 h, at]. `points` oldest first.
std::vector<double> average_24h(const std::vector<HashratePoint>& points);

// An alert's open time within the window, in seconds since the epoch.
struct Span {
  double from_s = 0;
  double to_s = 0;
  std::string severity;
};

// The part of each alert's open period [opened_at, resolved_at) inside the window; an alert
// not yet resolved is open to the window's end. Alerts not open in the window give no span.
std::vector<Span> alert_spans(const std::vector<AlertPeriod>& alerts, const ReportWindow& window);

struct TimeTicks {
  int64_t step_s = 0;  // a whole number of hours or days, so ticks fall on UTC hours or midnights
  std::string format;  // gnuplot strftime format, UTC
};

// Ticks for a time axis spanning span_s seconds on a chart width_px wide: the smallest step of
// 1, 2, 3, 6, 12 h or 1, 2, 4, 7, 14, 28 days that leaves room for each label.
TimeTicks time_ticks(int64_t span_s, int width_px);

}  // namespace kz::chart_data
