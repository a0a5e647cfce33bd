#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "report/report_model.hpp"

// Reading back the images kzreport's charts produce, and generating pool histories to chart.
namespace kz::test {

// One <g id="gnuplot_plot_N"> group of a gnuplot SVG.
struct SvgPlot {
  std::string id;            // "gnuplot_plot_1"
  std::string title;         // its <title> text: the series name once kzreport has set it
  std::size_t paths = 0;     // <path> elements inside it
  std::size_t points = 0;    // coordinate pairs over all its paths' d attributes
  std::size_t polygons = 0;  // <polygon> elements (filled boxes, including the key's sample)
};

struct SvgSummary {
  std::string title;               // the document's first <title>
  std::vector<SvgPlot> plots;      // in document order
  std::vector<std::string> texts;  // every <text> element's content, entities decoded
};

// Parses `svg` as XML well enough to check it: every tag closed in order, attributes quoted.
// Throws std::runtime_error saying where it is not well-formed.
SvgSummary parse_svg(const std::string& svg);

struct PngImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::size_t colours = 0;  // distinct pixel values
};

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what cairo writes): chunk CRCs, the IDAT
// stream inflated with zlib, the row filters undone. Throws std::runtime_error otherwise.
PngImage decode_png(const std::string& png);

// A pool history over `window` with `points` snapshots at random intervals (2..20 min, with some
// gaps of hours), some without a 24 h average, alerts of every severity some of which start
// before or end after the window, income days around it, and names full of characters that
// gnuplot, XML and enhanced text treat specially.
PoolHistory random_history(std::mt19937& random, const ReportWindow& window, std::size_t points);

}  // namespace kz::test
