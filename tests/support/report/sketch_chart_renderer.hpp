#pragma once

// A ChartRenderer for tests that must not depend on gnuplot: each chart is a small SVG laid out
// the way gnuplot's svg terminal lays out its plots (<g id="gnuplot_plot_N"><title>series</title>
// <path d="..."/></g>), one series per name the real charts use.

#include "report/chart.hpp"

namespace kz::test {

class SketchChartRenderer : public ChartRenderer {
 public:
  std::vector<std::string> render(const std::vector<ChartRequest>& requests,
                                  ImageFormat format) override;
  int calls = 0;  // render() calls so far
};

}  // namespace kz::test
