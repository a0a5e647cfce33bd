#pragma once

#include <memory>
#include <string>
#include <vector>

#include "report/report_model.hpp"

namespace kz {

enum class ChartKind {
  hashrate,  // hashrate over the window, its 24 h average, the periods with an open alert shaded
  workers,   // workers online and offline
  income,    // daily income as bars (BTC)
};

enum class ImageFormat { svg, png };

struct ChartRequest {
  ChartKind kind = ChartKind::hashrate;
  const PoolHistory* history = nullptr;  // must outlive render()
  ReportWindow window;
  int width_px = 800;
  int height_px = 300;
};

// Draws charts. render() returns one image per request, in order: SVG text (standalone, no
// script, no reference outside itself) or PNG bytes. A window without data still gives a chart
// that says so. Throws kz::Error(report_failed) when the drawing program is missing (with the
// install hint), fails or runs out of time.
class ChartRenderer {
 public:
  virtual ~ChartRenderer() = default;
  virtual std::vector<std::string> render(const std::vector<ChartRequest>& requests,
                                          ImageFormat format) = 0;
};

struct GnuplotOptions {
  std::string program;  // path to gnuplot; empty: $KZ_GNUPLOT, else "gnuplot" found on PATH
  int timeout_s = 60;   // for one render() call, all its charts together
};

// Charts drawn by gnuplot (Debian: gnuplot-nox), one gnuplot process per render() call, driven
// through its stdin, which loads one script with the data inline from a private temporary
// directory (gnuplot reads stdin a byte at a time). SVG: each series is the plot group
// <g id="gnuplot_plot_N"><title>NAME</title>, NAME one of "hashrate", "24 h average",
// "alert open", "online", "offline", "income". Throws kz::Error(report_failed) "gnuplot not
// found (looked for ...): install it: sudo apt install gnuplot-nox" on the first render() when
// it is missing.
std::unique_ptr<ChartRenderer> make_gnuplot_renderer(GnuplotOptions options = {});

}  // namespace kz
