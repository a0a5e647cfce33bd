#include "support/report/sketch_chart_renderer.hpp"

#include <stdexcept>

namespace kz::test {
namespace {

std::string series(int n, const char* title, const char* colour, int height) {
  std::string path = "M0," + std::to_string(height);
  for (int x = 0; x <= 800; x += 40) {
    path += " L" + std::to_string(x) + "," + std::to_string(height / 2 + (x * n * 7) % 97);
  }
  return "<g id=\"gnuplot_plot_" + std::to_string(n) + "\"><title>" + title +
         "</title><path stroke=\"" + colour + "\" fill=\"none\" d=\"" + path + "\"/></g>";
}

}  // namespace

std::vector<std::string> SketchChartRenderer::render(const std::vector<ChartRequest>& requests,
                                                     ImageFormat format) {
  if (format != ImageFormat::svg) throw std::logic_error("SketchChartRenderer draws SVG only");
  ++calls;
  std::vector<std::string> out;
  for (const ChartRequest& request : requests) {
    const int h = request.height_px;
    std::string svg = "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 800 " + std::to_string(h) +
                      "\" width=\"800\" height=\"" + std::to_string(h) +
                      "\" xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id='gpid_1'>"
                      "<rect width='800' height='" +
                      std::to_string(h) + "'/></clipPath></defs><g clip-path=\"url(#gpid_1)\">";
    switch (request.kind) {
      case ChartKind::hashrate:
        svg += series(1, "hashrate", "rgb(148,0,211)", h) + series(2, "24 h average", "green", h) +
               series(3, "alert open", "red", h);
        break;
      case ChartKind::workers:
        svg += series(1, "online", "green", h) + series(2, "offline", "red", h);
        break;
      case ChartKind::income:
        svg += series(1, "income", "orange", h);
        break;
    }
    out.push_back(svg + "</g></svg>\n");
  }
  return out;
}

}  // namespace kz::test
