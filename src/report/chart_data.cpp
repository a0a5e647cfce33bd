#include "report/chart_data.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace kz::chart_data {

namespace {

int64_t ms_since_epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::vector<Row> in_window(const std::vector<Row>& rows, const ReportWindow& window,
                           std::size_t max_rows) {
  const int64_t from = ms_since_epoch(window.from);
  const int64_t to = ms_since_epoch(window.to);
  std::vector<Row> inside;
  for (const Row& row : rows) {
    if (row.at_ms >= from && row.at_ms < to) inside.push_back(row);
  }
  std::sort(inside.begin(), inside.end(),
            [](const Row& x, const Row& y) { return x.at_ms < y.at_ms; });
  if (max_rows == 0 || inside.size() <= max_rows) return inside;

  struct Sum {
    double at = 0, a = 0, b = 0;
    std::size_t n = 0;
  };
  std::vector<Sum> buckets(max_rows);
  const double width = static_cast<double>(to - from) / static_cast<double>(max_rows);
  for (const Row& row : inside) {
    const auto index = std::min(
        max_rows - 1, static_cast<std::size_t>(static_cast<double>(row.at_ms - from) / width));
    Sum& sum = buckets[index];
    // Relative to `from`, so the sum of a bucket's times stays exact in a double.
    sum.at += static_cast<double>(row.at_ms - from);
    sum.a += row.a;
    sum.b += row.b;
    ++sum.n;
  }
  std::vector<Row> means;
  for (const Sum& sum : buckets) {
    if (sum.n == 0) continue;
    const double n = static_cast<double>(sum.n);
    means.push_back(Row{from + std::llround(sum.at / n), sum.a / n, sum.b / n});
  }
  return means;
}

std::vector<bool> gaps(const std::vector<Row>& rows) {
  std::vector<bool> gap(rows.size(), false);
  if (rows.size() < 3) return gap;
  std::vector<int64_t> steps;
  for (std::size_t i = 1; i < rows.size(); ++i) steps.push_back(rows[i].at_ms - rows[i - 1].at_ms);
  std::vector<int64_t> sorted = steps;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  const int64_t median = sorted[sorted.size() / 2];
  for (std::size_t i = 1; i < rows.size(); ++i) gap[i] = steps[i - 1] > 3 * median;
  return gap;
}

HashrateUnit hashrate_unit(double max_hs) {
  if (max_hs >= 1e15) return {"PH/s", 1e15};
  return {"TH/s", 1e12};
}

std::vector<double> average_24h(const std::vector<HashratePoint>& points) {
  std::vector<double> average(points.size());
  const auto day = std::chrono::hours(24);
  std::size_t first = 0;  // the oldest point inside (at - 24 h, at]
  for (std::size_t i = 0; i < points.size(); ++i) {
    while (points[first].at <= points[i].at - day) ++first;
    if (points[i].hashrate_24h_hs) {
      average[i] = *points[i].hashrate_24h_hs;
    } else {
      // Summed afresh, not as a running sum: subtracting large values loses small ones' digits.
      double exact = 0;
      for (std::size_t j = first; j <= i; ++j) exact += points[j].hashrate_hs;
      average[i] = exact / static_cast<double>(i + 1 - first);
    }
  }
  return average;
}

std::vector<Span> alert_spans(const std::vector<AlertPeriod>& alerts, const ReportWindow& window) {
  std::vector<Span> spans;
  for (const AlertPeriod& alert : alerts) {
    const TimePoint start = std::max(alert.opened_at, window.from);
    const TimePoint end = std::min(alert.resolved_at.value_or(window.to), window.to);
    if (end <= start) continue;
    spans.push_back(Span{static_cast<double>(start.time_since_epoch().count()),
                         static_cast<double>(end.time_since_epoch().count()), alert.severity});
  }
  return spans;
}

TimeTicks time_ticks(int64_t span_s, int width_px) {
  constexpr int64_t hour = 3600, day = 24 * hour;
  const int64_t steps[] = {hour,    2 * hour, 3 * hour, 6 * hour, 12 * hour, day,
                           2 * day, 4 * day,  7 * day,  14 * day, 28 * day};
  const int64_t max_ticks = std::max<int64_t>(2, width_px / 80);
  int64_t step = steps[std::size(steps) - 1];
  for (const int64_t candidate : steps) {
    if (span_s / candidate <= max_ticks) {
      step = candidate;
      break;
    }
  }
  return TimeTicks{step, step < day ? "%d %b\\n%H:%M" : "%d %b"};
}

}  // namespace kz::chart_data
