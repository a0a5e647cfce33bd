// The daily summary's text: per pool hashrate, uptime, workers online, income (exact satoshis)
// and incidents, in every style and under every limit.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>

#include "notify/message_format.hpp"
#include "notify/text_checks.hpp"

namespace kz {
namespace {

// "0.01864218": integer arithmetic, written here apart from the code under test.
std::string btc_text(int64_t sat) {
  std::string fraction = std::to_string(sat % 100'000'000);
  return std::to_string(sat / 100'000'000) + "." + std::string(8 - fraction.size(), '0') + fraction;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// TH/s with 2 decimals below 10, 1 decimal below 1000, else PH/s with 2 decimals.
std::string hashrate_text(double hs) {
  const double ths = hs / 1e12;
  if (ths >= 999.95) return fixed(ths / 1000, 2) + " PH/s";
  return fixed(ths, ths >= 9.995 ? 1 : 2) + " TH/s";
}

TEST(SummaryFormat, OnePoolAsAPersonReadsIt) {
  Digest d;
  d.kind = DigestKind::daily_summary;
  d.summary_date = "2026-11-30";
  PoolSummary pool;
  pool.account_name = "KZPool_001";
  pool.average_hashrate_hs = 108.34e12;
  pool.uptime_pct = 99.25;
  pool.fewest_workers_online = 58;
  pool.most_workers_online = 60;
  pool.income_sat = 1864218;
  pool.incidents = 3;
  pool.incident_lines = {"worker_offline rig-07: 42 min", "hashrate_drop: 1 h 05 min"};
  PoolSummary big;
  big.account_name = "KZPool_002";
  big.average_hashrate_hs = 38.384e15;
  big.most_workers_online = 4000;
  big.income_sat = 2'100'000'000'000'000;  // every bitcoin there will be
  d.pools = {pool, big};
  EXPECT_EQ(render_text(d, TextStyle::plain, 4096),
            "📊 Daily summary 2026-11-30\n"
            "📊 KZPool_001\n"
            "hashrate 108.3 TH/s · uptime 99.2%\n"
            "workers online 58–60 · income 0.01864218 BTC\n"
            "incidents 3\n"
            "• worker_offline rig-07: 42 min\n"
            "• hashrate_drop: 1 h 05 min\n"
            "• +1 more\n"
            "📊 KZPool_002\n"
            "hashrate 38.38 PH/s · uptime no data\n"
            "workers online 4000 · income 21000000.00000000 BTC\n"
            "incidents 0");
  EXPECT_EQ(render_title(d), "kzpool: daily summary 2026-11-30");
}

TEST(SummaryFormat, GeneratedPoolsShowExactValuesAndFitEveryLimit) {
  const std::vector<TextStyle> styles = {TextStyle::telegram_html, TextStyle::slack_mrkdwn,
                                         TextStyle::discord_markdown, TextStyle::plain};
  const std::vector<std::string> pieces = {"K", "<", ">", "&", "*", "_", "`", "Ж", "🔥", "7"};
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 random(seed);
    Digest d;
    d.kind = DigestKind::daily_summary;
    d.summary_date = "2026-11-30";
    const std::size_t count = seed % 4 == 0 ? 1 + random() % 300 : 1 + random() % 6;
    for (std::size_t i = 0; i < count; ++i) {
      PoolSummary p;
      p.account_name = "P" + std::to_string(i) + ":" + pieces[random() % pieces.size()];
      if (random() % 5 != 0) {
        p.average_hashrate_hs = static_cast<double>(random() % 100'000'000) * 1e9;  // to 100 PH/s
      }
      if (random() % 5 != 0) p.uptime_pct = static_cast<double>(random() % 1001) / 10.0;
      if (random() % 5 != 0) p.income_sat = static_cast<int64_t>(random() % 2'100'000'000'000'000);
      p.fewest_workers_online = static_cast<int>(random() % 100);
      p.most_workers_online = *p.fewest_workers_online + static_cast<int>(random() % 3);
      p.incidents = static_cast<int>(random() % 4);
      for (int k = 0; k < p.incidents; ++k) {
        p.incident_lines.push_back("worker_offline " + pieces[random() % pieces.size()]);
      }
      d.pools.push_back(p);
    }
    for (const TextStyle style : styles) {
      for (const std::size_t limit :
           {std::size_t{40000}, std::size_t{4096}, std::size_t{2000}, std::size_t{200}}) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", limit " + std::to_string(limit));
        const std::string text = render_text(d, style, limit);
        const std::size_t points = test::valid_code_points(text);
        ASSERT_LE(points, limit);
        if (style == TextStyle::telegram_html) {
          EXPECT_EQ(test::telegram_html_problem(text), "");
        }
        const auto lines = test::split_lines(text);
        std::size_t shown = 0;
        std::size_t more = 0;
        for (std::size_t i = 1; i < lines.size(); ++i) {
          if (lines[i].rfind("📊 ", 0) == 0) ++shown;
          if (lines[i].rfind("…and ", 0) == 0) more = std::stoul(lines[i].substr(7));
        }
        EXPECT_EQ(shown + more, d.pools.size()) << text;
        if (limit != 40000 || more > 0) continue;
        // Everything shown: every value is there, exactly.
        for (std::size_t j = 0; j < d.pools.size(); ++j) {
          const PoolSummary& p = d.pools[j];
          std::size_t head = 0;
          for (std::size_t i = 1; i < lines.size() && head == 0; ++i) {
            if (lines[i].find("P" + std::to_string(j) + ":") != std::string::npos) head = i;
          }
          ASSERT_NE(head, 0U);
          ASSERT_LT(head + 3, lines.size());
          const std::string hashrate =
              !p.average_hashrate_hs ? "no data" : hashrate_text(*p.average_hashrate_hs);
          const std::string uptime = !p.uptime_pct ? "no data" : fixed(*p.uptime_pct, 1) + "%";
          EXPECT_EQ(lines[head + 1], "hashrate " + hashrate + " · uptime " + uptime);
          const std::string workers = *p.fewest_workers_online == *p.most_workers_online
                                          ? std::to_string(*p.most_workers_online)
                                          : std::to_string(*p.fewest_workers_online) + "–" +
                                                std::to_string(*p.most_workers_online);
          const std::string income = !p.income_sat ? "no data" : btc_text(*p.income_sat) + " BTC";
          EXPECT_EQ(lines[head + 2], "workers online " + workers + " · income " + income);
          EXPECT_EQ(lines[head + 3], "incidents " + std::to_string(p.incidents));
          for (std::size_t k = 0; k < p.incident_lines.size(); ++k) {
            ASSERT_LT(head + 4 + k, lines.size());
            EXPECT_EQ(test::unescaped(lines[head + 4 + k], style), "• " + p.incident_lines[k]);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace kz
