// build_html_report over caches filled by SQL as kzscrape stores them: the page shows the pools,
// alerts, income and workers that are in the cache, with its charts drawn in one render() call.
#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "report/history_cache_fixture.hpp"
#include "report/html_report.hpp"
#include "report/html_report_test_util.hpp"
#include "report/report_cache.hpp"
#include "support/report/report_input_generator.hpp"
#include "support/report/sketch_chart_renderer.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::expected_btc;
using test::expected_escape;

const TimePoint kNow = sys_days{2026y / November / 27} + 10h;

// Counts render() calls and what they asked for, drawing with `inner`.
class CountingRenderer : public ChartRenderer {
 public:
  explicit CountingRenderer(ChartRenderer& inner) : inner_(inner) {}
  std::vector<std::string> render(const std::vector<ChartRequest>& requests,
                                  ImageFormat format) override {
    ++calls;
    charts += requests.size();
    return inner_.render(requests, format);
  }
  int calls = 0;
  std::size_t charts = 0;

 private:
  ChartRenderer& inner_;
};

class HtmlBuildTest : public test::HistoryCacheTest {
 protected:
  std::string build(int days = 7) {
    ReportCache cache(path_);
    CountingRenderer counting(sketch_);
    std::string html = build_html_report(cache, counting, kNow, days);
    calls_ = counting.calls;
    charts_ = counting.charts;
    return html;
  }
  test::SketchChartRenderer sketch_;
  int calls_ = 0;
  std::size_t charts_ = 0;
};

TEST_F(HtmlBuildTest, AnEmptyCacheGivesThePageWithANote) {
  const std::string html = build();
  EXPECT_NE(html.find("No pools yet: run kzscrape"), std::string::npos);
  EXPECT_EQ(calls_, 0);
}

TEST_F(HtmlBuildTest, ThePageShowsThePoolsAlertsIncomeAndWorkersOfTheCache) {
  for (unsigned seed = 0; seed < 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TearDown();
    SetUp();
    std::mt19937 rng(seed);
    const int pools = int(seed % 4) + 1;
    struct Expected {
      std::string account, message, offline_worker;
      std::vector<std::string> workers;
      int64_t income = 0;
    };
    std::vector<Expected> expected;
    for (int p = 0; p < pools; ++p) {
      Expected e;
      e.account = test::hostile_name(rng, p);
      const int64_t pool = add_pool(e.account, p % 2 ? "antpool" : "btcpool");
      const int workers = std::uniform_int_distribution<int>(1, 6)(rng);
      for (int w = 0; w < workers; ++w) e.workers.push_back(test::hostile_name(rng, 10 + w));
      e.offline_worker = e.workers.back();
      for (int s = 0; s < 24; ++s) {
        std::vector<test::SampleRow> rows;
        for (const std::string& name : e.workers) {
          // The last worker goes offline for the last 4 snapshots.
          rows.push_back({name, !(name == e.offline_worker && s >= 20), 100'000.0 + s});
        }
        add_snapshot(pool, time_point_cast<milliseconds>(kNow - hours(24 - s) + 123ms),
                     1.5e6 + s * 1000, rows, "all", true, 1.4e6);
      }
      e.message = "hashrate < 50% & \"falling\" " + std::to_string(p);
      add_alert(pool, "hashrate_drop", "", "high", e.message, kNow - hours(5), kNow - hours(1),
                std::nullopt);
      for (int d = 0; d < 5; ++d) {
        const int64_t sat = std::uniform_int_distribution<int64_t>(0, 99'999'999)(rng);
        e.income += sat;
        add_income(pool, "2026-11-2" + std::to_string(d + 1), sat, 1.5e6);
      }
      add_payment(pool, "pay-" + std::to_string(p), kNow - hours(30), 12'345'678, "bc1q&addr",
                  "tx<1>");
      expected.push_back(e);
    }
    const std::string html = build();
    EXPECT_EQ(calls_, 1);  // every chart in one render() call
    EXPECT_EQ(charts_, std::size_t(pools) * 3);
    EXPECT_TRUE(test::external_references(html).empty());
    for (const Expected& e : expected) {
      const auto anchor = html.find("\">" + expected_escape(e.account) + "</a>");
      ASSERT_NE(anchor, std::string::npos) << e.account;
      EXPECT_NE(html.find("<h2>" + expected_escape(e.account) + " <small>"), std::string::npos);
      EXPECT_NE(html.find(expected_escape(e.message)), std::string::npos);
      EXPECT_NE(html.find("<th>Total</th><td class=\"num\">" + expected_btc(e.income) +
                          "</td><td></td></tr></tfoot>"),
                std::string::npos)
          << e.account;
      for (const std::string& worker : e.workers) {
        EXPECT_NE(html.find("<td>" + expected_escape(worker) + "</td>"), std::string::npos);
      }
      EXPECT_NE(html.find("Offline now: " + expected_escape(e.offline_worker)), std::string::npos)
          << e.offline_worker;
    }
  }
}

TEST_F(HtmlBuildTest, ARendererThatLosesChartsIsAReportFailure) {
  add_snapshot(add_pool("one"), time_point_cast<milliseconds>(kNow - 1h), 1e6);
  struct Lossy : ChartRenderer {
    std::vector<std::string> render(const std::vector<ChartRequest>&, ImageFormat) override {
      return {"<svg></svg>"};
    }
  } lossy;
  ReportCache cache(path_);
  try {
    build_html_report(cache, lossy, kNow, 7);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::report_failed);
    EXPECT_NE(std::string(e.what()).find("1 charts for 3 requests"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kz
