#include <gtest/gtest.h>

#include <random>

#include "common/clock.hpp"
#include "report/chart.hpp"
#include "support/report/chart_images.hpp"

// Charts drawn by the real gnuplot as PNG (pngcairo), decoded here.
namespace kz {
namespace {

TEST(ChartPng, EveryKindDecodesToAPictureOfTheRequestedSize) {
  std::mt19937 random(14);
  const TimePoint end = *parse_utc("2026-11-22T00:00:00Z");
  for (std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{300}, std::size_t{1500}}) {
    const ReportWindow window{end - std::chrono::days(1 + static_cast<int>(length % 30)), end};
    const PoolHistory history = test::random_history(random, window, length);
    std::vector<ChartRequest> requests;
    int width = 480;
    for (ChartKind kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
      requests.push_back(ChartRequest{kind, &history, window, width, 240});
      width += 80;
    }
    const std::vector<std::string> images =
        make_gnuplot_renderer()->render(requests, ImageFormat::png);
    ASSERT_EQ(images.size(), requests.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
      SCOPED_TRACE(std::to_string(length) + " points, chart " + std::to_string(i));
      ASSERT_EQ(images[i].compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)), 0);
      const test::PngImage png = test::decode_png(images[i]);
      EXPECT_EQ(png.width, static_cast<uint32_t>(requests[i].width_px));
      EXPECT_EQ(png.height, 240u);
      EXPECT_GT(png.colours, 1u);
    }
  }
}

}  // namespace
}  // namespace kz
