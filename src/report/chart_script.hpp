#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/chart.hpp"

namespace kz {

// Longer series are drawn as bucket means of at most this many points (chart_data::in_window).
inline constexpr std::size_t kMaxChartRows = 600;

// The gnuplot commands that draw one chart, with its data inline.
struct ChartScript {
  std::string text;   // datablocks, settings, `plot`, then `unset output` (the file is complete)
  std::string title;  // the chart's title ("account (source): hashrate")
  // Each plot's title in the order of the `plot` command, "" for one without a title: gnuplot's
  // SVG groups are gnuplot_plot_1, _2, ... in this order. Titles: "alert open", "hashrate",
  // "24 h average" (hashrate chart), "online", "offline" (workers), "income" (income).
  std::vector<std::string> plots;
};

// The script drawing `request` (its history must be set) to output_path; `index` names its
// datablocks and must differ between the charts of one gnuplot session.
ChartScript chart_script(const ChartRequest& request, ImageFormat format,
                         const std::string& output_path, int index);

}  // namespace kz
