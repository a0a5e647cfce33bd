#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>

#include "common/clock.hpp"
#include "report/chart.hpp"
#include "support/report/chart_images.hpp"

// Charts drawn by the real gnuplot as SVG, over generated histories.
namespace kz {
namespace {

using namespace std::chrono_literals;
using test::SvgPlot;
using test::SvgSummary;

const TimePoint kEnd = *parse_utc("2026-11-22T00:00:00Z");

const SvgPlot* find_plot(const SvgSummary& svg, const std::string& title) {
  for (const SvgPlot& plot : svg.plots) {
    if (plot.title == title) return &plot;
  }
  return nullptr;
}

bool has_text(const SvgSummary& svg, const std::string& text) {
  return std::find(svg.texts.begin(), svg.texts.end(), text) != svg.texts.end();
}

// What gnuplot can draw of a name: control characters become spaces.
std::string drawn(std::string name) {
  std::replace_if(
      name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
  return name;
}

std::size_t points_in(const PoolHistory& history, const ReportWindow& window) {
  return static_cast<std::size_t>(std::count_if(
      history.points.begin(), history.points.end(),
      [&](const HashratePoint& p) { return p.at >= window.from && p.at < window.to; }));
}

std::size_t alerts_open_in(const PoolHistory& history, const ReportWindow& window) {
  return static_cast<std::size_t>(
      std::count_if(history.alerts.begin(), history.alerts.end(), [&](const AlertPeriod& a) {
        return a.opened_at < window.to && (!a.resolved_at || *a.resolved_at > window.from);
      }));
}

std::size_t income_days_in(const PoolHistory& history, const ReportWindow& window) {
  return static_cast<std::size_t>(
      std::count_if(history.income.begin(), history.income.end(), [&](const IncomeDay& d) {
        const TimePoint midnight = *parse_utc(d.date + "T00:00:00Z");
        return midnight < window.to && midnight + 24h > window.from;
      }));
}

// Checks what every chart's SVG must be: inlinable, well-formed, titled, no outside reference.
SvgSummary checked(const std::string& svg, const std::string& title) {
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 80);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  for (std::size_t at = svg.find("http"); at != std::string::npos; at = svg.find("http", at + 1)) {
    const std::string uri = svg.substr(at, 29);
    EXPECT_TRUE(uri.rfind("http://www.w3.org/2000/svg\"", 0) == 0 ||
                uri.rfind("http://www.w3.org/1999/xlink\"", 0) == 0)
        << uri;
  }
  const SvgSummary summary = test::parse_svg(svg);
  EXPECT_EQ(summary.title, title);
  EXPECT_TRUE(has_text(summary, title)) << title;
  return summary;
}

TEST(ChartSvg, GeneratedHistoriesDrawEverySeriesTheyHave) {
  std::mt19937 random(20261122);
  auto renderer = make_gnuplot_renderer();
  for (int round = 0; round < 16; ++round) {
    const int days = std::uniform_int_distribution<int>(1, 31)(random);
    const ReportWindow window{kEnd - std::chrono::days(days), kEnd};
    const std::size_t length =
        round == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, 2000)(random);
    const PoolHistory history = test::random_history(random, window, length);
    const std::string name = drawn(history.pool.account) + " (" + history.pool.source + ")";
    SCOPED_TRACE("round " + std::to_string(round) + ", " + std::to_string(days) + " days, " +
                 std::to_string(length) + " points, pool " + name);
    std::vector<ChartRequest> requests;
    for (ChartKind kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
      requests.push_back(ChartRequest{kind, &history, window, 640 + 40 * round, 300});
    }
    const std::vector<std::string> images = renderer->render(requests, ImageFormat::svg);
    ASSERT_EQ(images.size(), 3u);

    const std::size_t points = points_in(history, window);
    const std::size_t drawn_points = std::min<std::size_t>(points, 600) / 4;
    const SvgSummary hashrate = checked(images[0], name + ": hashrate");
    const SvgPlot* line = find_plot(hashrate, "hashrate");
    const SvgPlot* average = find_plot(hashrate, "24 h average");
    EXPECT_EQ(line != nullptr, points > 0);
    EXPECT_EQ(average != nullptr, points > 0);
    EXPECT_EQ(has_text(hashrate, "no data in this period"), points == 0);
    if (line != nullptr && average != nullptr) {
      EXPECT_GE(line->points, std::max<std::size_t>(drawn_points, 1));
      EXPECT_GE(average->points, std::max<std::size_t>(drawn_points, 1));
      double max_hs = 0;
      for (const HashratePoint& p : history.points) {
        if (p.at >= window.from && p.at < window.to) {
          max_hs = std::max({max_hs, p.hashrate_hs, p.hashrate_24h_hs.value_or(0)});
        }
      }
      const bool th = has_text(hashrate, "hashrate (TH/s)"),
                 ph = has_text(hashrate, "hashrate (PH/s)");
      EXPECT_TRUE(th != ph);
      if (max_hs < 1e15) {
        EXPECT_TRUE(th);
      }
    }
    const std::size_t open = alerts_open_in(history, window);
    const SvgPlot* shaded = find_plot(hashrate, "alert open");
    ASSERT_EQ(shaded != nullptr, open > 0) << open;
    // and the key's sample
    if (shaded != nullptr) {
      EXPECT_EQ(shaded->polygons, open + 1);
    }

    const SvgSummary workers = checked(images[1], name + ": workers");
    EXPECT_EQ(find_plot(workers, "online") != nullptr, points > 0);
    EXPECT_EQ(find_plot(workers, "offline") != nullptr, points > 0);
    if (points > 0) {
      EXPECT_GE(find_plot(workers, "online")->points, std::max<std::size_t>(drawn_points, 1));
    }

    const SvgSummary income = checked(images[2], name + ": daily income");
    const std::size_t days_in = income_days_in(history, window);
    const SvgPlot* bars = find_plot(income, "income");
    ASSERT_EQ(bars != nullptr, days_in > 0);
    EXPECT_EQ(has_text(income, "no data in this period"), days_in == 0);
    EXPECT_TRUE(has_text(income, "income (BTC)"));
    if (bars != nullptr) {
      EXPECT_EQ(bars->polygons, days_in + 1);
    }
  }
}

TEST(ChartSvg, ManyChartsComeBackInRequestOrder) {
  std::mt19937 random(7);
  const ReportWindow window{kEnd - std::chrono::days(3), kEnd};
  std::vector<PoolHistory> histories;
  for (int i = 0; i < 40; ++i) {
    histories.push_back(test::random_history(
        random, window, std::uniform_int_distribution<std::size_t>(0, 400)(random)));
    histories.back().pool.account = "pool " + std::to_string(i);
  }
  std::vector<ChartRequest> requests;
  std::vector<std::string> titles;
  for (std::size_t i = 0; i < histories.size(); ++i) {
    const ChartKind kind =
        std::array<ChartKind, 3>{ChartKind::income, ChartKind::hashrate, ChartKind::workers}[i % 3];
    requests.push_back(ChartRequest{kind, &histories[i], window, 400, 200});
    titles.push_back(histories[i].pool.account + " (" + histories[i].pool.source + "): " +
                     (kind == ChartKind::income     ? "daily income"
                      : kind == ChartKind::hashrate ? "hashrate"
                                                    : "workers"));
  }
  const std::vector<std::string> images =
      make_gnuplot_renderer()->render(requests, ImageFormat::svg);
  ASSERT_EQ(images.size(), requests.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    EXPECT_EQ(test::parse_svg(images[i]).title, titles[i]) << i;
    EXPECT_NE(images[i].find("viewBox=\"0 0 400 200\""), std::string::npos) << i;
  }
}

TEST(ChartSvg, NoRequestsDrawNothing) {
  EXPECT_TRUE(make_gnuplot_renderer()->render({}, ImageFormat::svg).empty());
}

// The figure of the issue: a hundred pools, a week of 10-minute data, three charts each.
TEST(ChartSvg, AHundredPoolsOfAWeekInOneRender) {
  const ReportWindow window{kEnd - std::chrono::days(7), kEnd};
  std::vector<PoolHistory> histories(100);
  std::mt19937 random(100);
  for (std::size_t i = 0; i < histories.size(); ++i) {
    PoolHistory& history = histories[i];
    history.pool.account = "pool_" + std::to_string(i);
    history.pool.source = "btcpool";
    for (TimePoint at = window.from; at < window.to; at += 10min) {
      history.points.push_back(HashratePoint{
          at, std::uniform_real_distribution<double>(1e14, 2e14)(random), 1.5e14, 50, 2});
    }
    history.alerts.push_back(AlertPeriod{"hashrate_drop", "", "high", "m", window.from + 30h,
                                         window.from + 30h, window.from + 33h});
    for (TimePoint day = window.from; day < window.to; day += 24h) {
      history.income.push_back(IncomeDay{format_utc(day).substr(0, 10), 1864218, std::nullopt});
    }
  }
  std::vector<ChartRequest> requests;
  for (const PoolHistory& history : histories) {
    for (ChartKind kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
      requests.push_back(ChartRequest{kind, &history, window, 800, 300});
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> images =
      make_gnuplot_renderer()->render(requests, ImageFormat::svg);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::size_t bytes = 0;
  for (const std::string& image : images) bytes += image.size();
  std::cout << "300 charts (100 pools x 3, a week of 10-minute data): " << elapsed.count()
            << " ms, " << bytes / images.size() << " bytes per SVG on average\n";
  ASSERT_EQ(images.size(), 300u);
  for (std::size_t i = 0; i < images.size(); i += 3) {
    const SvgSummary summary = test::parse_svg(images[i]);
    const SvgPlot* line = find_plot(summary, "hashrate");
    ASSERT_NE(line, nullptr) << i;
    EXPECT_GE(line->points, 600u);  // 1008 samples as 600 bucket means, and the key's sample
  }
}

}  // namespace
}  // namespace kz
