#include "report/chart_script.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "common/units.hpp"
#include "report/chart_data.hpp"
#include "report/gnuplot_text.hpp"

namespace kz {
namespace {

using chart_data::Row;
using gnuplot::number;
using gnuplot::quoted;

constexpr int64_t kDay = 86400;
constexpr const char* kNoData = "no data in this period";

int64_t seconds(TimePoint t) {
  return t.time_since_epoch().count();
}

int64_t ms(TimePointMs t) {
  return t.time_since_epoch().count();
}

// "account (source)" as the chart can show it.
std::string pool_name(const PoolRef& pool) {
  return gnuplot::printable(pool.account + " (" + pool.source + ")");
}

// 0xRRGGBB of an alert's shading by severity.
int64_t severity_colour(const std::string& severity) {
  if (severity == "high") return 0xd62728;
  if (severity == "medium") return 0xff7f0e;
  return 0xbcbd22;
}

}  // namespace

std::size_t max_chart_rows(const ChartRequest& request) {
  return std::clamp<std::size_t>(static_cast<std::size_t>(std::max(request.width_px, 0)) / 2, 2,
                                 kMaxChartRows);
}

namespace {

// Terminal, output, title and a time x axis over [from_s, to_s].
std::string preamble(const ChartRequest& request, ImageFormat format,
                     const std::string& output_path, const std::string& title, int64_t from_s,
                     int64_t to_s) {
  const std::string size =
      std::to_string(request.width_px) + "," + std::to_string(request.height_px);
  // Text grows with the image, which a phone shows scaled down to its width; pngcairo draws
  // a point larger than the SVG terminal's pixel.
  const int divisor = format == ImageFormat::svg ? 40 : 66;
  const std::string font =
      "font \"sans," + std::to_string(std::max(9, request.width_px / divisor)) + "\"";
  std::string text = "reset\n";
  if (format == ImageFormat::svg) {
    text += "set terminal svg size " + size + " dynamic " + font +
            " background \"#ffffff\" noenhanced\n";
  } else {
    text +=
        "set terminal pngcairo size " + size + " " + font + " background \"#ffffff\" noenhanced\n";
  }
  const chart_data::TimeTicks ticks =
      chart_data::time_ticks(to_s - from_s, std::max(request.width_px, 1));
  text += "set encoding utf8\n";
  text += "set output " + quoted(output_path) + "\n";
  text += "set title " + quoted(title) + "\n";
  text += "set xrange [" + std::to_string(from_s) + ":" +
          std::to_string(std::max(to_s, from_s + 1)) + "]\n";
  text += "set format x \"" + ticks.format + "\" timedate\n";
  text += "set xtics " + std::to_string(ticks.step_s) + " nomirror\n";
  text += "set xlabel 'time (UTC)'\n";
  text += "set grid\n";
  text += "set key top left horizontal\n";
  return text;
}

// Daily bars want whole days between ticks, labelled by date.
std::string daily_ticks(int64_t from_s, int64_t to_s, int width_px) {
  const chart_data::TimeTicks ticks = chart_data::time_ticks(to_s - from_s, std::max(width_px, 1));
  return "set format x \"%d %b\" timedate\nset xtics " +
         std::to_string(std::max(ticks.step_s, kDay)) + " nomirror\nset xlabel 'day (UTC)'\n";
}

// A datablock of rows "time a b", with a blank line where the line breaks.
std::string row_block(const std::string& name, const std::vector<Row>& rows, double scale) {
  const std::vector<bool> gap = chart_data::gaps(rows);
  std::string text = name + " << EOD\n";
  text.reserve(rows.size() * 48);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (gap[i]) text += "\n";
    text.append(gnuplot::epoch_seconds(rows[i].at_ms)).append(" ");
    text.append(number(rows[i].a / scale)).append(" ");
    text.append(number(rows[i].b / scale)).append("\n");
  }
  return text + "EOD\n";
}

double top_of(const std::vector<Row>& rows, double scale) {
  double top = 0;
  for (const Row& row : rows) top = std::max({top, row.a / scale, row.b / scale});
  return top > 0 ? top * 1.25 : 1;
}

std::string plot_command(const std::vector<std::string>& parts) {
  std::string text = "plot ";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", \\\n     " : "") + parts[i];
  return text + "\n";
}

std::string finish(const std::vector<std::string>& blocks) {
  std::string text = "unset output\n";
  if (!blocks.empty()) {
    text += "undefine";
    for (const std::string& block : blocks) text += " " + block;
    text += "\n";
  }
  return text;
}

// A few points (a young cache) are marked, or a line of seconds in a week would be invisible.
std::string sparse_style(const std::vector<Row>& rows, const char* style) {
  return rows.size() < 50 ? "linespoints pt 7 ps 0.6" : style;
}

ChartScript hashrate_chart(const ChartRequest& request, ImageFormat format, const std::string& path,
                           const std::string& name) {
  const PoolHistory& history = *request.history;
  const std::vector<double> average = chart_data::average_24h(history.points);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < history.points.size(); ++i) {
    rows.push_back(Row{ms(history.points[i].at), history.points[i].hashrate_hs, average[i]});
  }
  rows = chart_data::in_window(rows, request.window, max_chart_rows(request));
  double max_hs = 0;
  for (const Row& row : rows) max_hs = std::max({max_hs, row.a, row.b});
  const chart_data::HashrateUnit unit = chart_data::hashrate_unit(max_hs);
  const double top = top_of(rows, unit.hs_per_unit);

  ChartScript script;
  script.title = pool_name(history.pool) + ": hashrate";
  script.text = preamble(request, format, path, script.title, seconds(request.window.from),
                         seconds(request.window.to));
  script.text += "set ylabel " + quoted("hashrate (" + unit.name + ")") + "\n";
  script.text += "set yrange [0:" + number(top) + "]\n";
  std::vector<std::string> parts, blocks;
  const std::vector<chart_data::Span> spans =
      chart_data::alert_spans(history.alerts, request.window);
  if (!spans.empty()) {
    const std::string block = "$alerts" + name;
    script.text += block + " << EOD\n";
    // An alert of a few seconds in a week is still drawn: at least 2 pixels wide.
    const double min_s =
        2.0 * static_cast<double>(seconds(request.window.to) - seconds(request.window.from)) /
        std::max(request.width_px, 1);
    for (const chart_data::Span& span : spans) {
      const double to_s = std::max(static_cast<double>(span.to_s), span.from_s + min_s);
      script.text += number(span.from_s) + " " + number(to_s) + " " +
                     std::to_string(severity_colour(span.severity)) + "\n";
    }
    script.text += "EOD\n";
    parts.push_back(block + " using (($1+$2)/2):(" + number(top / 2) + "):1:2:(0):(" + number(top) +
                    "):3 with boxxyerror fs transparent solid 0.25 noborder lc rgb variable "
                    "title 'alert open'");
    script.plots.push_back("alert open");
    blocks.push_back(block);
  }
  if (!rows.empty()) {
    const std::string block = "$hashrate" + name;
    script.text += row_block(block, rows, unit.hs_per_unit);
    const std::string style = sparse_style(rows, "lines");
    parts.push_back(block + " using 1:2 with " + style +
                    " lw 1.5 lc rgb '#1f77b4' title 'hashrate'");
    parts.push_back(block + " using 1:3 with " + style +
                    " lw 1.5 dt 2 lc rgb '#2ca02c' title '24 h average'");
    script.plots.insert(script.plots.end(), {"hashrate", "24 h average"});
    blocks.push_back(block);
  } else {
    script.text += "set label 1 " + quoted(kNoData) + " at graph 0.5, graph 0.5 center\n";
  }
  if (parts.empty()) {
    parts.push_back("NaN notitle");
    script.plots.push_back("");
  }
  script.text += plot_command(parts) + finish(blocks);
  return script;
}

ChartScript workers_chart(const ChartRequest& request, ImageFormat format, const std::string& path,
                          const std::string& name) {
  const PoolHistory& history = *request.history;
  std::vector<Row> rows;
  for (const HashratePoint& point : history.points) {
    rows.push_back(Row{ms(point.at), static_cast<double>(point.workers_online),
                       static_cast<double>(point.workers_offline)});
  }
  rows = chart_data::in_window(rows, request.window, max_chart_rows(request));
  ChartScript script;
  script.title = pool_name(history.pool) + ": workers";
  script.text = preamble(request, format, path, script.title, seconds(request.window.from),
                         seconds(request.window.to));
  script.text += "set ylabel 'workers'\nset yrange [0:" + number(top_of(rows, 1)) + "]\n";
  std::vector<std::string> blocks;
  if (rows.empty()) {
    script.text += "set label 1 " + quoted(kNoData) + " at graph 0.5, graph 0.5 center\n";
    script.text += "plot NaN notitle\n";
    script.plots.push_back("");
  } else {
    const std::string block = "$workers" + name;
    script.text += row_block(block, rows, 1);
    script.text += plot_command({block + " using 1:2 with " + sparse_style(rows, "steps") +
                                     " lw 1.5 lc rgb '#2ca02c' title 'online'",
                                 block + " using 1:3 with " + sparse_style(rows, "steps") +
                                     " lw 1.5 lc rgb '#d62728' title 'offline'"});
    script.plots = {"online", "offline"};
    blocks.push_back(block);
  }
  script.text += finish(blocks);
  return script;
}

ChartScript income_chart(const ChartRequest& request, ImageFormat format, const std::string& path,
                         const std::string& name) {
  const PoolHistory& history = *request.history;
  // Whole days around the window, so the first and last bars are not cut.
  const int64_t from_s = seconds(request.window.from) / kDay * kDay;
  const int64_t to_s = (seconds(request.window.to) + kDay - 1) / kDay * kDay;
  std::string data;
  int64_t max_sat = 0, min_sat = 0;
  for (const PoolIncomeDay& day : history.income) {
    const std::optional<TimePoint> midnight = parse_utc(day.date + "T00:00:00Z");
    if (!midnight || day.date.size() != 10) continue;  // not a "YYYY-MM-DD" the cache keeps
    const int64_t start = seconds(*midnight);
    if (start + kDay <= seconds(request.window.from) || start >= seconds(request.window.to)) {
      continue;
    }
    data += std::to_string(start + kDay / 2) + " " + format_btc(day.income_sat) + "\n";
    max_sat = std::max(max_sat, day.income_sat);
    min_sat = std::min(min_sat, day.income_sat);
  }
  ChartScript script;
  script.title = pool_name(history.pool) + ": daily income";
  script.text = preamble(request, format, path, script.title, from_s, to_s);
  script.text += daily_ticks(from_s, to_s, request.width_px);
  const double top = max_sat > 0 ? static_cast<double>(max_sat) * 1.25e-8 : 1e-4;
  script.text += "set ylabel 'income (BTC)'\nset yrange [" +
                 number(static_cast<double>(min_sat) * 1.25e-8) + ":" + number(top) + "]\n";
  std::vector<std::string> blocks;
  if (data.empty()) {
    script.text += "set label 1 " + quoted(kNoData) + " at graph 0.5, graph 0.5 center\n";
    script.text += "plot NaN notitle\n";
    script.plots.push_back("");
  } else {
    const std::string block = "$income" + name;
    script.text += block + " << EOD\n" + data + "EOD\n";
    script.text += "set boxwidth " + std::to_string(kDay * 8 / 10) + " absolute\n";
    script.text += plot_command(
        {block + " using 1:2 with boxes fs solid 0.8 noborder lc rgb '#ff7f0e' title 'income'"});
    script.plots.push_back("income");
    blocks.push_back(block);
  }
  script.text += finish(blocks);
  return script;
}

}  // namespace

ChartScript chart_script(const ChartRequest& request, ImageFormat format,
                         const std::string& output_path, int index) {
  const std::string name = std::to_string(index);
  switch (request.kind) {
    case ChartKind::workers:
      return workers_chart(request, format, output_path, name);
    case ChartKind::income:
      return income_chart(request, format, output_path, name);
    case ChartKind::hashrate:
      break;
  }
  return hashrate_chart(request, format, output_path, name);
}

}  // namespace kz
