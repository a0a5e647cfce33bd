#include "notify/message_format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "notify/text_checks.hpp"

namespace kz {
namespace {

using namespace std::chrono;

DigestEntry entry(std::string kind, std::string pool, std::string type, std::string subject,
                  std::string severity, std::string message) {
  DigestEntry e;
  e.kind = std::move(kind);
  e.account_name = std::move(pool);
  e.source = "btcpool";
  e.alert_type = std::move(type);
  e.subject = std::move(subject);
  e.severity = std::move(severity);
  e.message = std::move(message);
  return e;
}

Digest transitions(std::vector<DigestEntry> entries) {
  Digest d;
  d.kind = DigestKind::transitions;
  d.entries = std::move(entries);
  return d;
}

TEST(FormatDuration, Table) {
  const std::vector<std::pair<seconds, std::string>> table = {
      {0s, "0 s"},
      {1s, "1 s"},
      {45s, "45 s"},
      {59s, "59 s"},
      {60s, "1 min"},
      {119s, "1 min"},
      {42min, "42 min"},
      {59min + 59s, "59 min"},
      {1h, "1 h"},
      {1h + 1min, "1 h 01 min"},
      {3h + 5min, "3 h 05 min"},
      {3h + 5min + 59s, "3 h 05 min"},
      {10h + 30min, "10 h 30 min"},
      {23h + 59min + 59s, "23 h 59 min"},
      {24h, "1 d"},
      {24h + 59min, "1 d"},
      {2 * 24h + 4h, "2 d 4 h"},
      {2 * 24h + 4h + 59min, "2 d 4 h"},
      {400 * 24h + 23h, "400 d 23 h"},
      {-5s, "0 s"},
  };
  for (const auto& [duration, text] : table) {
    EXPECT_EQ(format_duration(duration), text) << duration.count() << " s";
  }
}

TEST(EscapeHtml, EscapesEveryMarkupCharacterAndKeepsTheRest) {
  EXPECT_EQ(escape_html("rig<7>&\"x\" ж🔥"), "rig&lt;7&gt;&amp;&quot;x&quot; ж🔥");
  EXPECT_EQ(escape_html("&amp;"), "&amp;amp;");
  EXPECT_EQ(escape_html(""), "");
  std::mt19937 random(13);
  const std::string alphabet = "ab<>&\"' \xD0\x96";
  for (int i = 0; i < 500; ++i) {
    std::string text;
    for (int n = 0; n < 30; ++n) text += alphabet[random() % alphabet.size()];
    const std::string escaped = escape_html(text);
    EXPECT_EQ(escaped.find_first_of("<>\""), std::string::npos) << escaped;
    EXPECT_EQ(test::unescaped(escaped, TextStyle::telegram_html), text);
  }
}

TEST(CodePoints, CountsCharactersAndEachInvalidByte) {
  EXPECT_EQ(code_points(""), 0U);
  EXPECT_EQ(code_points("abc"), 3U);
  EXPECT_EQ(code_points("Жук"), 3U);
  EXPECT_EQ(code_points("🔴 ✅"), 3U);
  EXPECT_EQ(code_points("\xFF\xFE"), 2U);
  EXPECT_EQ(code_points("a\xE2\x82"), 3U);  // a cut character: two stray bytes
  EXPECT_EQ(code_points("\xC0\xAF"), 2U);   // overlong "/"
}

TEST(RenderText, EntryLinesSayWhatHappenedInWords) {
  DigestEntry offline =
      entry("opened", "KZPool_001", "worker_offline", "rig-07", "high", "worker rig-07 offline");
  DigestEntry drop = entry("raised", "KZPool_002", "hashrate_drop", "", "high",
                           "hashrate 70.1 TH/s, 35% below 108 TH/s");
  drop.previous_severity = "medium";
  DigestEntry back = entry("resolved", "KZPool_001", "worker_offline", "rig-07", "high", "");
  back.lasted = 42min;
  DigestEntry many =
      entry("opened", "KZPool_003", "offline_workers", "", "medium", "3 of 60 workers offline");
  DigestEntry scrape = entry("opened", "KZPool_004", "scrape_failed", "", "low", "HTTP 503");
  DigestEntry zero = entry("resolved", "KZPool_005", "zero_hashrate", "", "high", "");
  DigestEntry odd = entry("opened", "KZPool_006", "fan_speed", "rig-1", "low", "fan at 0 rpm");
  const std::string text = render_text(transitions({offline, drop, back, many, scrape, zero, odd}),
                                       TextStyle::plain, 4096);
  const auto lines = test::split_lines(text);
  ASSERT_EQ(lines.size(), 8U) << text;
  EXPECT_EQ(lines[0], "🔴 4 alerts opened · ⬆️ 1 raised · ✅ 2 resolved");
  EXPECT_EQ(lines[1], "🔴 KZPool_001 · worker rig-07 offline (high)");
  EXPECT_EQ(
      lines[2],
      "⬆️ KZPool_002 · hashrate drop raised to high: hashrate 70.1 TH/s, 35% below 108 TH/s");
  EXPECT_EQ(lines[3], "✅ KZPool_001 · worker rig-07 back online after 42 min");
  EXPECT_EQ(lines[4], "✅ KZPool_005 · zero hashrate resolved");
  EXPECT_EQ(lines[5], "🟠 KZPool_003 · 3 of 60 workers offline (medium)");
  EXPECT_EQ(lines[6], "🟡 KZPool_004 · scrape failing: HTTP 503 (low)");
  EXPECT_EQ(lines[7], "🟡 KZPool_006 · fan_speed on rig-1: fan at 0 rpm (low)");
}

TEST(RenderText, EachStyleMarksThePoolBoldAndEscapesValues) {
  const Digest d = transitions(
      {entry("opened", "K<1>*_", "worker_offline", "a&b<c>*_~`|\\@everyone", "high", "")});
  EXPECT_EQ(render_text(d, TextStyle::telegram_html, 4096),
            "<b>🔴 1 alert opened</b>\n🔴 <b>K&lt;1&gt;*_</b> · worker "
            "a&amp;b&lt;c&gt;*_~`|\\@everyone offline (high)");
  EXPECT_EQ(render_text(d, TextStyle::slack_mrkdwn, 4096),
            "*🔴 1 alert opened*\n🔴 *K&lt;1&gt;*_* · worker a&amp;b&lt;c&gt;*_~`|\\@everyone "
            "offline (high)");
  EXPECT_EQ(render_text(d, TextStyle::discord_markdown, 4096),
            "**🔴 1 alert opened**\n🔴 **K<1\\>\\*\\_** · worker "
            "a&b<c\\>\\*\\_\\~\\`\\|\\\\@\u200Beveryone offline (high)");
  EXPECT_EQ(render_text(d, TextStyle::plain, 4096),
            "🔴 1 alert opened\n🔴 K<1>*_ · worker a&b<c>*_~`|\\@everyone offline (high)");
}

TEST(RenderText, DiscordLinksAndMentionsStayText) {
  const Digest d = transitions(
      {entry("opened", "P", "worker_offline", "[x](http://e) <@123> @here", "low", "")});
  EXPECT_EQ(render_text(d, TextStyle::discord_markdown, 2000),
            "**🟡 1 alert opened**\n🟡 **P** · worker \\[x](http://e) <\u200B@123\\> "
            "@\u200Bhere offline (low)");
}

TEST(RenderText, ControlCharactersAndBrokenUtf8NeverBreakALine) {
  const Digest d = transitions(
      {entry("opened", "P\n1", "worker_offline", "rig\r\n\t\xFF\xE2\x80\xA8x", "low", "")});
  const std::string text = render_text(d, TextStyle::telegram_html, 4096);
  const auto lines = test::split_lines(text);
  ASSERT_EQ(lines.size(), 2U) << text;
  EXPECT_EQ(lines[1], "🟡 <b>P 1</b> · worker rig   \uFFFD x offline (low)");
  EXPECT_EQ(test::telegram_html_problem(text), "");
}

TEST(RenderText, OtherDigestKindsHaveTheirTitles) {
  Digest open = transitions({entry("open", "KZPool_001", "zero_hashrate", "", "high", "")});
  open.kind = DigestKind::open_now;
  EXPECT_EQ(render_text(open, TextStyle::plain, 4096),
            "🔔 Open alerts now (first message to this destination)\n"
            "🔴 KZPool_001 · zero hashrate (high)");
  Digest test;
  test.kind = DigestKind::test;
  test.note = "If you read this, destination <ops> works.";
  EXPECT_EQ(render_text(test, TextStyle::telegram_html, 4096),
            "<b>kzpool test message</b>\nIf you read this, destination &lt;ops&gt; works.");
  EXPECT_EQ(render_title(test), "kzpool: test message");
}

TEST(RenderTitle, CountsAndNamesThePools) {
  const Digest d = transitions({entry("opened", "KZPool_001", "worker_offline", "a", "high", ""),
                                entry("opened", "KZPool_002", "worker_offline", "b", "low", ""),
                                entry("resolved", "KZPool_001", "worker_offline", "c", "low", "")});
  EXPECT_EQ(render_title(d), "kzpool: 2 opened, 1 resolved (KZPool_001, KZPool_002)");
  std::vector<DigestEntry> many;
  for (int i = 0; i < 7; ++i) {
    many.push_back(entry("raised", "P" + std::to_string(i), "hashrate_drop", "", "high", ""));
  }
  EXPECT_EQ(render_title(transitions(many)), "kzpool: 7 raised (P0, P1, P2 +4)");
  const std::string long_title = render_title(
      transitions({entry("opened", std::string(1000, 'x') + "\n", "zero_hashrate", "", "", "")}));
  EXPECT_LE(test::valid_code_points(long_title), 150U);
  EXPECT_EQ(long_title.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace kz
