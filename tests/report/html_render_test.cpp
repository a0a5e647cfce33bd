// render_html_report over generated inputs: escaping, durations, worst-first order, exact totals.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "report/html_report.hpp"
#include "report/html_report_test_util.hpp"
#include "report/html_text.hpp"
#include "support/report/report_input_generator.hpp"

namespace kz {
namespace {

using test::body_rows;
using test::expected_btc;
using test::expected_escape;

std::string pool_section(const std::string& html, int64_t id) {
  return test::between(html, "<section class=\"pool\" id=\"pool-" + std::to_string(id) + "\"",
                       "</section>");
}

std::string table_after(const std::string& section, const std::string& heading) {
  const auto at = section.find(heading);
  if (at == std::string::npos) return "";
  const auto next = section.find("<h3", at + 1);
  return test::between(section.substr(at, next == std::string::npos ? next : next - at), "<table",
                       "</table>");
}

TEST(HtmlReport, WithoutPoolsThePageSaysToRunKzscrape) {
  std::mt19937 rng(1);
  const auto generated = test::generate_report(rng, 0);
  const std::string html = render_html_report(generated.input);
  EXPECT_NE(html.find("No pools yet: run kzscrape"), std::string::npos) << html;
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            std::string::npos);
  EXPECT_EQ(html.find("<section"), std::string::npos);
  EXPECT_TRUE(test::external_references(html).empty());
}

TEST(HtmlReport, EveryTextFromTheCacheIsEscaped) {
  for (unsigned seed = 0; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    const auto generated = test::generate_report(rng, int(seed % 6) + 1);
    const std::string html = render_html_report(generated.input);
    for (const std::string& text : generated.cache_texts) {
      EXPECT_NE(html.find(expected_escape(text)), std::string::npos)
          << "seed " << seed << ": " << text;
      if (text.find_first_of("<>&\"'") != std::string::npos) {
        EXPECT_EQ(html.find(text), std::string::npos) << "seed " << seed << ": raw " << text;
      }
    }
    EXPECT_EQ(html.find("<script"), std::string::npos) << "seed " << seed;
  }
}

TEST(HtmlReport, DurationsReadAsDaysHoursAndMinutes) {
  using std::chrono::seconds;
  EXPECT_EQ(incident_duration(seconds(-5)), "0 min");
  EXPECT_EQ(incident_duration(seconds(59)), "under 1 min");
  EXPECT_EQ(incident_duration(seconds(60)), "1 min");
  EXPECT_EQ(incident_duration(seconds(2 * 3600 + 5 * 60 + 59)), "2 h 05 min");
  EXPECT_EQ(incident_duration(seconds(86400 + 4 * 3600)), "1 d 04 h 00 min");
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const int64_t s = std::uniform_int_distribution<int64_t>(60, 40'000'000)(rng);
    const std::string text = incident_duration(seconds(s));
    long long d = 0, h = 0, m = 0;
    if (std::sscanf(text.c_str(), "%lld d %lld h %lld min", &d, &h, &m) != 3) {
      d = 0;
      if (std::sscanf(text.c_str(), "%lld h %lld min", &h, &m) != 2) {
        h = 0;
        ASSERT_EQ(std::sscanf(text.c_str(), "%lld min", &m), 1) << text;
      }
    }
    EXPECT_EQ((d * 24 + h) * 60 + m, s / 60) << text;
    EXPECT_TRUE(h < 24 && m < 60) << text;
  }
}

TEST(HtmlReport, IncidentsShowOpenedResolvedAndDuration) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    const auto generated = test::generate_report(rng, 3);
    const std::string html = render_html_report(generated.input);
    for (const PoolHistory& history : generated.input.pools) {
      const auto rows = body_rows(table_after(pool_section(html, history.pool.id), "Incidents"));
      ASSERT_EQ(rows.size(), history.alerts.size()) << "seed " << seed;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const AlertPeriod& alert = history.alerts[i];
        const auto end = alert.resolved_at.value_or(generated.input.generated_at);
        EXPECT_EQ(rows[i][4], format_report_time(alert.opened_at));
        EXPECT_EQ(rows[i][5], alert.resolved_at ? format_report_time(*alert.resolved_at) : "open");
        EXPECT_EQ(rows[i][2],
                  incident_duration(end - alert.opened_at) + (alert.resolved_at ? "" : " so far"));
        EXPECT_EQ(rows[i][3], expected_escape(alert.message));
      }
    }
  }
}

TEST(HtmlReport, PoolsAreListedWorstFirst) {
  static const char* const kText[] = {"failing", "stale data", "open alerts", "ok"};
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(seed);
    const auto generated = test::generate_report(rng, int(seed % 8) + 2);
    std::map<std::string, int> rank_of;  // escaped account -> intended rank
    for (std::size_t i = 0; i < generated.input.fleet.size(); ++i) {
      rank_of[expected_escape(generated.input.fleet[i].pool.account)] =
          static_cast<int>(generated.health[i]);
    }
    const std::string html = render_html_report(generated.input);
    const auto rows = body_rows(test::between(html, "<table class=\"pools\">", "</table>"));
    ASSERT_EQ(rows.size(), generated.input.fleet.size());
    int previous = -1;
    for (const auto& row : rows) {
      const std::string account = row[0].substr(0, row[0].rfind(' '));
      ASSERT_TRUE(rank_of.count(account)) << account;
      const int rank = rank_of[account];
      EXPECT_GE(rank, previous) << "seed " << seed << ": " << account;
      EXPECT_TRUE(row[1].starts_with(kText[rank])) << row[1];
      previous = rank;
    }
  }
}

TEST(HtmlReport, TotalsAreExactSums) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    auto generated = test::generate_report(rng, int(seed % 5) + 1);
    // Beyond a double's 53 bits: a floating-point sum would lose the last satoshi.
    generated.input.fleet[0].balance_sat = 4'503'599'627'370'497;
    int64_t balances = 0, income = 0;
    for (const auto& status : generated.input.fleet) balances += status.balance_sat.value_or(0);
    const std::string html = render_html_report(generated.input);
    for (const auto& history : generated.input.pools) {
      int64_t pool_income = 0, paid = 0;
      for (const auto& day : history.income) pool_income += day.income_sat;
      for (const auto& payment : history.payments) paid += payment.amount_sat;
      income += pool_income;
      const std::string section = pool_section(html, history.pool.id);
      if (!history.income.empty()) {
        EXPECT_NE(section.find("<tfoot><tr><th>Total</th><td class=\"num\">" +
                               expected_btc(pool_income) + "</td>"),
                  std::string::npos);
      }
      if (!history.payments.empty()) {
        EXPECT_NE(section.find("<th>Total</th><td class=\"num\">" + expected_btc(paid) + "</td>"),
                  std::string::npos);
      }
    }
    EXPECT_NE(html.find("<dt>Balances</dt><dd>" + expected_btc(balances) + " BTC</dd>"),
              std::string::npos)
        << "seed " << seed;
    EXPECT_NE(html.find("<dt>Income, 7 days</dt><dd>" + expected_btc(income) + " BTC</dd>"),
              std::string::npos);
  }
}

TEST(HtmlReport, WorkersAreWorstFirstAndOfflineOnesStandOut) {
  for (unsigned seed = 0; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    const auto generated = test::generate_report(rng, 3);
    const std::string html = render_html_report(generated.input);
    for (const PoolHistory& history : generated.input.pools) {
      auto expected = history.workers;
      std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
        return std::tie(a.uptime, a.avg_hashrate_hs, a.name) <
               std::tie(b.uptime, b.avg_hashrate_hs, b.name);
      });
      const std::string section = pool_section(html, history.pool.id);
      const auto rows = body_rows(table_after(section, "<h3>Workers"));
      ASSERT_EQ(rows.size(), expected.size());
      const auto newest = std::chrono::floor<std::chrono::seconds>(history.points.back().at);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i][0], expected_escape(expected[i].name)) << "seed " << seed;
        const bool offline = !expected[i].last_online_at || *expected[i].last_online_at < newest;
        EXPECT_EQ(rows[i][1], offline ? "offline" : "online") << expected[i].name;
        if (offline) {
          EXPECT_NE(test::between(section, "Offline now:", "</p>")
                        .find(expected_escape(expected[i].name)),
                    std::string::npos);
        }
      }
    }
  }
}

TEST(HtmlReport, ChartsAreInlineWithIdsUniqueOnThePage) {
  std::mt19937 rng(3);
  auto generated = test::generate_report(rng, 4);
  const auto charts = make_gnuplot_renderer();
  for (std::size_t i = 0; i < generated.input.pools.size(); ++i) {
    std::vector<ChartRequest> requests;
    for (auto kind : {ChartKind::hashrate, ChartKind::workers, ChartKind::income}) {
      requests.push_back(
          {.kind = kind, .history = &generated.input.pools[i], .window = generated.input.window});
    }
    const auto svgs = charts->render(requests, ImageFormat::svg);
    generated.input.charts[i] = {svgs[0], svgs[1], svgs[2]};
  }
  const std::string html = render_html_report(generated.input);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  std::set<std::string> ids;
  const std::regex id(R"re(\sid=["']([^"']+)["'])re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(ids.insert((*it)[1]).second) << "duplicate id " << (*it)[1];
  }
  const std::regex reference(R"re((?:url\(#|href=["']#)([^"')]+))re");
  int references = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), reference);
       it != std::sregex_iterator(); ++it, ++references) {
    EXPECT_TRUE(ids.count((*it)[1])) << "dangling reference " << (*it)[0];
  }
  EXPECT_GT(references, 4 * 3);  // gnuplot's point markers, the index, the pool table
  size_t svgs = 0;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 4u * 3u);
}

TEST(HtmlReport, ThePageRefersToNothingOutsideIt) {
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::mt19937 rng(seed);
    const std::string html = render_html_report(test::generate_report(rng, 3).input);
    EXPECT_EQ(test::external_references(html), std::vector<std::string>{}) << "seed " << seed;
  }
  // The check itself sees what it is for.
  for (const char* outside : {"<img src=\"http://a/b.png\">", "<link rel=stylesheet href=x.css>",
                              "<p style=\"background:url(https://a/b)\">", "<a href='//x'>",
                              "<script>1</script>", "<style>@import 'x.css';</style>"}) {
    EXPECT_FALSE(test::external_references(std::string("<p>") + outside).empty()) << outside;
  }
}

TEST(HtmlReport, HashratesUseTheLargestFittingUnit) {
  EXPECT_EQ(hashrate_text(0), "0.000 H/s");
  EXPECT_EQ(hashrate_text(38.384e15), "38.384 PH/s");
  EXPECT_EQ(hashrate_text(999.9996e12), "1.000 PH/s");
  EXPECT_EQ(hashrate_text(137.937e12), "137.937 TH/s");
  EXPECT_EQ(hashrate_text(2.5e21), "2500.000 EH/s");
}

}  // namespace
}  // namespace kz

namespace kz {
namespace {

// A pool that never had a good run has no workers and no balance: the summary says "no data"
// rather than showing zeros as facts, and counts only the pools that have them.
TEST(HtmlReport, PoolsWithoutDataAreNotCountedAsZeros) {
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::mt19937 rng(seed);
    auto generated = test::generate_report(rng, int(seed % 4) + 1);
    int64_t online = 0, offline = 0, balance = 0;
    bool any_snapshot = false, any_balance = false;
    for (std::size_t i = 0; i < generated.input.fleet.size(); ++i) {
      PoolStatus& status = generated.input.fleet[i];
      if ((i + seed) % 2 == 0) {
        status.last_snapshot_at.reset();
        status.hashrate_hs.reset();
        status.hashrate_24h_hs.reset();
        status.balance_sat.reset();
        status.workers_online = 99;  // not read without a snapshot
      }
      if (status.last_snapshot_at) {
        online += status.workers_online;
        offline += status.workers_offline;
        any_snapshot = true;
      }
      if (status.balance_sat) {
        balance += *status.balance_sat;
        any_balance = true;
      }
    }
    const std::string html = render_html_report(generated.input);
    const std::string workers =
        any_snapshot ? std::to_string(online) + " online, " + std::to_string(offline) + " offline"
                     : "no data";
    EXPECT_NE(html.find("<dt>Workers</dt><dd>" + workers + "</dd>"), std::string::npos)
        << "seed " << seed;
    const std::string balances = any_balance ? expected_btc(balance) + " BTC" : "no data";
    EXPECT_NE(html.find("<dt>Balances</dt><dd>" + balances + "</dd>"), std::string::npos)
        << "seed " << seed;
  }
}

}  // namespace
}  // namespace kz
