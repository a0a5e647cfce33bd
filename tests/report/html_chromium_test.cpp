// The HTML report opened in real headless Chromium: drawn (not blank) at phone and desktop
// widths, every chart an SVG with its series, and no request leaving the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "report/html_report.hpp"
#include "report/html_report_test_util.hpp"
#include "support/report/chromium_page.hpp"
#include "support/report/report_input_generator.hpp"
#include "support/report/request_recorder.hpp"
#include "support/report/sketch_chart_renderer.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

// The <g> element whose first child is <title>`title`</title> (how gnuplot's svg terminal
// groups a plot), up to its matching </g>; "" when absent.
std::string series_group(const std::string& svg, const std::string& title) {
  const auto title_at = svg.find("<title>" + title + "</title>");
  if (title_at == std::string::npos) return "";
  const auto start = svg.rfind("<g", title_at);
  int depth = 0;
  for (std::size_t at = start; at < svg.size(); ++at) {
    if (svg.compare(at, 2, "<g") == 0 && (svg[at + 2] == ' ' || svg[at + 2] == '>')) ++depth;
    if (svg.compare(at, 4, "</g>") == 0 && --depth == 0) return svg.substr(start, at + 4 - start);
  }
  return "";
}

// How many line segments the paths of `element` draw: the L commands of its d attributes.
long drawn_segments(const std::string& element) {
  long segments = 0;
  for (auto at = element.find(" d=\""); at != std::string::npos;
       at = element.find(" d=\"", at + 1)) {
    const auto end = element.find('"', at + 4);
    segments += std::count(element.begin() + long(at), element.begin() + long(end), 'L');
  }
  return segments;
}

class HtmlInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kzreport-html-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A generated report with `pools` pools, its charts drawn, written to a file.
  // With `every_series`, every pool has an incident, so that its chart shades one.
  fs::path report_file(unsigned seed, int pools, bool every_series = false) {
    std::mt19937 rng(seed);
    input_ = test::generate_report(rng, pools).input;
    for (PoolHistory& history : input_.pools) {
      if (!every_series || !history.alerts.empty()) continue;
      const auto opened = std::chrono::floor<std::chrono::seconds>(history.points[3].at);
      history.alerts.push_back({.type = "hashrate_drop",
                                .subject = "",
                                .severity = "high",
                                .message = "dropped",
                                .opened_at = opened,
                                .last_seen_at = opened + std::chrono::hours(2),
                                .resolved_at = opened + std::chrono::hours(2)});
    }
    std::vector<ChartRequest> requests;
    for (const PoolHistory& history : input_.pools) {
      for (auto kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
        requests.push_back({.kind = kind, .history = &history, .window = input_.window});
      }
    }
    if (!requests.empty()) {
      const auto svgs = charts_.render(requests, ImageFormat::svg);
      for (std::size_t i = 0; i < input_.pools.size(); ++i) {
        input_.charts[i] = {svgs[3 * i], svgs[3 * i + 1], svgs[3 * i + 2]};
      }
    }
    return write("report-" + std::to_string(seed) + ".html", render_html_report(input_));
  }

  fs::path write(const std::string& name, const std::string& html) {
    const fs::path file = dir_ / name;
    std::ofstream(file, std::ios::binary) << html;
    return file;
  }

  fs::path dir_;
  ReportInput input_;
  test::SketchChartRenderer charts_;
  test::ChromiumPage chromium_;
};

TEST_F(HtmlInChromium, ScreenshotsAtPhoneAndDesktopWidthAreDrawn) {
  const fs::path report = report_file(11, 3);
  // A blank page as the yardstick: the colour count tells a drawn page from an empty one.
  const auto blank =
      test::decode_png(chromium_.screenshot(write("blank.html", "<html></html>"), 412, 900));
  EXPECT_LE(test::distinct_colours(blank), 2u);
  for (const auto& [width, height] : {std::pair{412, 2000}, std::pair{1280, 2000}}) {
    const auto image = test::decode_png(chromium_.screenshot(report, width, height));
    EXPECT_EQ(image.width, width);
    EXPECT_EQ(image.height, height);
    EXPECT_GT(test::distinct_colours(image), 50u) << width << "x" << height;
  }
}

TEST_F(HtmlInChromium, TheEmptyReportIsDrawnToo) {
  const auto image = test::decode_png(chromium_.screenshot(report_file(1, 0), 412, 800));
  EXPECT_GT(test::distinct_colours(image), 10u);
}

// Each figure's SVG as Chromium parsed it, with one group per series: titled, holding a path
// with points.
TEST_F(HtmlInChromium, EveryChartIsAnSvgWithItsSeriesDrawn) {
  const int pools = 3;
  const std::string dom = chromium_.dump_dom(report_file(5, pools, true));
  const std::vector<std::pair<std::string, std::vector<std::string>>> kCharts = {
      {"Hashrate", {"hashrate", "24 h average", "alert open"}},
      {"Workers", {"online", "offline"}},
      {"Income per day", {"income"}}};
  for (const PoolHistory& history : input_.pools) {
    const std::string section = test::between(
        dom, "<section class=\"pool\" id=\"pool-" + std::to_string(history.pool.id) + "\"",
        "</section>");
    ASSERT_FALSE(section.empty()) << history.pool.id;
    std::size_t at = 0;
    for (const auto& [caption, series] : kCharts) {
      const std::string figure =
          test::between(section, "<figcaption>" + caption + "</figcaption>", "</figure>", at);
      ASSERT_FALSE(figure.empty()) << caption;
      at = section.find(figure) + figure.size();
      const std::string svg = test::between(figure, "<svg", "</svg>");
      ASSERT_FALSE(svg.empty()) << caption;
      for (const std::string& title : series) {
        const std::string group = series_group(svg, title);
        ASSERT_FALSE(group.empty()) << caption << ": no series " << title;
        EXPECT_GE(drawn_segments(group), 3) << caption << ": " << title << "\n" << group;
      }
    }
  }
}

// The report with a probe appended (the report itself has no script): after layout, the probe
// writes the page's width and each chart's drawn size into the DOM.
TEST_F(HtmlInChromium, OnAPhoneThePageFitsAndChartsTakeTheFullWidth) {
  const std::string report = [&] {
    std::ifstream in(report_file(21, 3), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  const std::string probe =
      "<script>const sizes = [window.innerWidth, document.documentElement.scrollWidth];"
      "for (const svg of document.querySelectorAll('figure svg')) {"
      "  const box = svg.getBoundingClientRect(); sizes.push(box.width, box.height); }"
      "document.body.setAttribute('data-sizes', sizes.join(' '));</script>";
  for (const int width : {360, 412, 1280}) {
    const std::string dom = chromium_.dump_dom(
        write("probe.html", report.substr(0, report.rfind("</body>")) + probe + "</body></html>"),
        width, 1500);
    std::istringstream sizes(test::between(dom, "data-sizes=\"", "\""));
    // Headless Chromium lays out no narrower than 500 px whatever --window-size says.
    double viewport = 0, page_width = 0;
    sizes.ignore(std::numeric_limits<std::streamsize>::max(), '"');
    ASSERT_TRUE(sizes >> viewport >> page_width) << width;
    EXPECT_LE(viewport, std::max(width, 500));
    EXPECT_LE(page_width, viewport) << "the page scrolls sideways at " << viewport << " px";
    int charts = 0;
    for (double w = 0, h = 0; sizes >> w >> h; ++charts) {
      if (viewport < 700) {
        EXPECT_GE(w, viewport * 0.85) << "chart " << charts << " at " << viewport;
      }
      EXPECT_LE(w, viewport);
      EXPECT_GT(h, 80) << "chart " << charts << " at " << viewport;
    }
    EXPECT_EQ(charts, 3 * 3);
  }
}

TEST_F(HtmlInChromium, NoRequestLeavesTheFile) {
  test::RequestRecorder recorder;
  chromium_.proxy_port = recorder.port();
  const fs::path report = report_file(8, 4);
  chromium_.dump_dom(report);
  chromium_.screenshot(report, 412, 1500);
  EXPECT_EQ(recorder.requests(), std::vector<std::string>{});

  // The yardstick: a page that does load something from outside is seen by the recorder.
  for (const char* outside :
       {"<link rel=\"stylesheet\" href=\"https://fonts.googleapis.com/css?family=Roboto\">",
        "<img src=\"http://127.0.0.1:8080/pixel.png\">",
        "<img src=\"http://example.invalid/x.png\">",
        "<p style=\"background: url(http://example.invalid/b.png)\">x</p>"}) {
    const auto before = recorder.requests().size();
    chromium_.dump_dom(write("outside.html", std::string("<html><body>") + outside));
    EXPECT_GT(recorder.requests().size(), before) << outside;
  }
}

}  // namespace
}  // namespace kz
