#include "report/chart_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

#include "common/units.hpp"
#include "report/gnuplot_text.hpp"

// The numbers and texts behind the charts, checked against plain recomputation.
namespace kz {
namespace {

using namespace std::chrono_literals;
using chart_data::Row;

// The income bars' amounts (format_btc) as gnuplot reads them.
TEST(GnuplotText, BtcIsExactForAnyAmount) {
  std::mt19937_64 random(1);
  std::vector<int64_t> amounts = {0,
                                  1,
                                  -1,
                                  99'999'999,
                                  100'000'000,
                                  -100'000'000,
                                  std::numeric_limits<int64_t>::max(),
                                  std::numeric_limits<int64_t>::min()};
  for (int i = 0; i < 1000; ++i)
    amounts.push_back(static_cast<int64_t>(random()) >> (random() % 63));
  for (const int64_t sat : amounts) {
    const std::string text = format_btc(sat);
    ASSERT_EQ(text.size() - text.find('.'), 9u) << text;
    std::string digits = text;
    digits.erase(digits.find('.'), 1);
    const bool negative = digits[0] == '-';
    if (negative) digits.erase(0, 1);
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
    const std::string expected = std::to_string(sat);
    EXPECT_EQ((negative ? "-" : "") + digits, expected) << text;
  }
}

TEST(GnuplotText, NumbersReadBackExactlyWhateverTheLocale) {
  std::setlocale(LC_NUMERIC, "de_DE.UTF-8");  // a comma locale, where installed
  std::mt19937_64 random(2);
  for (int i = 0; i < 2000; ++i) {
    const double value = std::ldexp(std::uniform_real_distribution<double>(-1, 1)(random),
                                    std::uniform_int_distribution<int>(-60, 60)(random));
    const std::string text = gnuplot::number(value);
    EXPECT_EQ(text.find(','), std::string::npos) << text;
    std::setlocale(LC_NUMERIC, "C");
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
    std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
  }
  std::setlocale(LC_NUMERIC, "C");
  EXPECT_EQ(gnuplot::epoch_seconds(1'700'000'000'123), "1700000000.123");
  EXPECT_EQ(gnuplot::epoch_seconds(1'700'000'000'005), "1700000000.005");
}

TEST(GnuplotText, QuotedStringsHoldAnyName) {
  const std::string specials = "'\"\\_^@&{}~%\n\r\t$`<>";
  std::mt19937 random(3);
  for (int i = 0; i < 500; ++i) {
    std::string name;
    const int length = std::uniform_int_distribution<int>(0, 12)(random);
    for (int j = 0; j < length; ++j) {
      name += random() % 3 == 0 ? "ü"[random() % 2] : specials[random() % specials.size()];
    }
    const std::string text = gnuplot::quoted(name);
    ASSERT_GE(text.size(), 2u);
    EXPECT_EQ(text.front(), '\'');
    EXPECT_EQ(text.back(), '\'');
    EXPECT_EQ(text.find_first_of("\n\r\t"), std::string::npos);
    std::string inner = text.substr(1, text.size() - 2), back;
    for (std::size_t k = 0; k < inner.size(); ++k) {
      if (inner[k] == '\'') {
        ASSERT_EQ(inner[k + 1], '\'') << text;  // a lone quote would end the string
        ++k;
      }
      back += inner[k];
    }
    std::string expected = name;
    std::replace_if(
        expected.begin(), expected.end(),
        [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    EXPECT_EQ(back, expected);
  }
}

std::vector<Row> regular_rows(std::mt19937& random, int64_t from_ms, std::size_t n,
                              int64_t step_ms) {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < n; ++i) {
    rows.push_back(Row{from_ms + static_cast<int64_t>(i) * step_ms,
                       std::uniform_real_distribution<double>(0, 100)(random),
                       std::uniform_real_distribution<double>(-5, 5)(random)});
  }
  return rows;
}

TEST(ChartData, InWindowKeepsTheWindowAndAtMostMaxRowsOfMeans) {
  std::mt19937 random(4);
  const TimePoint from(std::chrono::seconds(1'700'000'000));
  for (int round = 0; round < 50; ++round) {
    const ReportWindow window{
        from, from + std::chrono::hours(std::uniform_int_distribution<int>(1, 744)(random))};
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 3000)(random);
    const int64_t step = std::uniform_int_distribution<int64_t>(1000, 3'600'000)(random);
    std::vector<Row> rows = regular_rows(random, 1'700'000'000'000 - 86'400'000, n, step);
    std::shuffle(rows.begin(), rows.end(), random);
    const std::size_t max_rows = std::uniform_int_distribution<std::size_t>(1, 800)(random);
    const std::vector<Row> out = chart_data::in_window(rows, window, max_rows);
    std::vector<Row> inside;
    double lo = 1e300, hi = -1e300, sum_a = 0;
    for (const Row& row : rows) {
      if (row.at_ms >= 1'700'000'000'000 &&
          row.at_ms < window.to.time_since_epoch().count() * 1000) {
        inside.push_back(row);
        lo = std::min(lo, row.a);
        hi = std::max(hi, row.a);
        sum_a += row.a;
      }
    }
    EXPECT_LE(out.size(), max_rows);
    EXPECT_EQ(out.empty(), inside.empty());
    if (inside.size() <= max_rows) {
      ASSERT_EQ(out.size(), inside.size());
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_GE(out[i].at_ms, 1'700'000'000'000);
      EXPECT_LT(out[i].at_ms, window.to.time_since_epoch().count() * 1000);
      if (i > 0) {
        EXPECT_LT(out[i - 1].at_ms, out[i].at_ms);
      }
      EXPECT_GE(out[i].a, lo - 1e-9);
      EXPECT_LE(out[i].a, hi + 1e-9);
    }
    if (!inside.empty() && inside.size() <= max_rows) {
      double out_sum = 0;
      for (const Row& row : out) out_sum += row.a;
      EXPECT_NEAR(out_sum, sum_a, 1e-6);
    }
  }
}

TEST(ChartData, GapsBreakOnlyWhereAStepIsLong) {
  std::mt19937 random(5);
  for (int round = 0; round < 50; ++round) {
    std::vector<Row> rows = regular_rows(
        random, 0, std::uniform_int_distribution<std::size_t>(5, 500)(random), 600'000);
    const std::size_t at = std::uniform_int_distribution<std::size_t>(1, rows.size() - 1)(random);
    for (std::size_t i = at; i < rows.size(); ++i) rows[i].at_ms += 4 * 600'000 + 1;
    const std::vector<bool> gap = chart_data::gaps(rows);
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(gap[i], i == at) << i;
  }
}

TEST(ChartData, HashrateUnitFollowsTheScale) {
  EXPECT_EQ(chart_data::hashrate_unit(0).name, "TH/s");
  EXPECT_EQ(chart_data::hashrate_unit(999.9e12).name, "TH/s");
  EXPECT_EQ(chart_data::hashrate_unit(1e15).name, "PH/s");
  EXPECT_EQ(chart_data::hashrate_unit(1e15).hs_per_unit, 1e15);
  EXPECT_EQ(chart_data::hashrate_unit(5e18).name, "PH/s");
}

TEST(ChartData, Average24hUsesTheSnapshotsOwnElseTheMeanOfTheDayBefore) {
  std::mt19937 random(6);
  for (int round = 0; round < 30; ++round) {
    std::vector<HashratePoint> points;
    TimePointMs at(std::chrono::milliseconds(1'700'000'000'000));
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 600)(random);
    for (std::size_t i = 0; i < n; ++i) {
      at += std::chrono::milliseconds(
          std::uniform_int_distribution<int64_t>(60'000, 7'200'000)(random));
      HashratePoint point;
      point.at = at;
      point.hashrate_hs = std::uniform_real_distribution<double>(1e12, 1e16)(random);
      if (random() % 2)
        point.hashrate_24h_hs = std::uniform_real_distribution<double>(1e12, 1e16)(random);
      points.push_back(point);
    }
    const std::vector<double> average = chart_data::average_24h(points);
    ASSERT_EQ(average.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      if (points[i].hashrate_24h_hs) {
        EXPECT_EQ(average[i], *points[i].hashrate_24h_hs);
        continue;
      }
      double sum = 0;
      int count = 0;
      for (std::size_t j = 0; j <= i; ++j) {
        if (points[j].at > points[i].at - 24h) {
          sum += points[j].hashrate_hs;
          ++count;
        }
      }
      EXPECT_NEAR(average[i], sum / count, 1e-9 * sum / count) << i;
    }
  }
}

TEST(ChartData, AlertSpansAreTheOpenTimeClippedToTheWindow) {
  std::mt19937 random(7);
  const TimePoint from(std::chrono::seconds(1'700'000'000));
  const ReportWindow window{from, from + std::chrono::days(7)};
  for (int round = 0; round < 500; ++round) {
    AlertPeriod alert;
    alert.severity = "high";
    alert.opened_at = from + std::chrono::seconds(std::uniform_int_distribution<int64_t>(
                                 -3 * 86400, 10 * 86400)(random));
    if (random() % 3)
      alert.resolved_at =
          alert.opened_at +
          std::chrono::seconds(std::uniform_int_distribution<int64_t>(1, 5 * 86400)(random));
    const std::vector<chart_data::Span> spans = chart_data::alert_spans({alert}, window);
    const TimePoint end = alert.resolved_at.value_or(window.to);
    const bool overlaps = alert.opened_at < window.to && end > window.from;
    ASSERT_EQ(spans.size(), overlaps ? 1u : 0u);
    if (!overlaps) continue;
    EXPECT_EQ(
        spans[0].from_s,
        static_cast<double>(std::max(alert.opened_at, window.from).time_since_epoch().count()));
    EXPECT_EQ(spans[0].to_s,
              static_cast<double>(std::min(end, window.to).time_since_epoch().count()));
    EXPECT_EQ(spans[0].severity, "high");
  }
}

TEST(ChartData, TimeTicksFitTheWidthAndFallOnHoursOrDays) {
  for (int64_t hours = 1; hours <= 31 * 24; hours += 5) {
    for (int width = 300; width <= 1600; width += 130) {
      const chart_data::TimeTicks ticks = chart_data::time_ticks(hours * 3600, width);
      EXPECT_LE(hours * 3600 / ticks.step_s, std::max(2, width / 80))
          << hours << " h, " << width << " px";
      EXPECT_EQ(ticks.step_s % 3600, 0);
      if (ticks.step_s >= 86400) {
        EXPECT_EQ(ticks.step_s % 86400, 0);
      }
      EXPECT_NE(ticks.format.find("%d %b"), std::string::npos);
      EXPECT_EQ(ticks.format.find("%H:%M") != std::string::npos, ticks.step_s < 86400);
    }
  }
}

}  // namespace
}  // namespace kz
