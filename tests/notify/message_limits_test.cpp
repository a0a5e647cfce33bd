// Generated digests in every style under every limit: the text stays within the limit, the
// entries shown and "…and N more" add up, the order holds, and every value is escaped.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <regex>

#include "notify/message_format.hpp"
#include "notify/text_checks.hpp"

namespace kz {
namespace {

const std::vector<TextStyle> kStyles = {TextStyle::telegram_html, TextStyle::slack_mrkdwn,
                                        TextStyle::discord_markdown, TextStyle::plain};
const std::vector<std::size_t> kLimits = {
    kSlackTextLimit, kTelegramTextLimit, kDiscordContentLimit, 200, 60, 9, 1};

// Pieces of generated names: markup of every style, Cyrillic, emoji, controls, a broken byte.
const std::vector<std::string> kPieces = {
    "a",    "Z",  "7",  "-",         "_",     "<",     ">",   "&",    "*",    "`",       "~",
    "|",    "\\", "\"", "@everyone", "@here", "&amp;", "<b>", "</b>", "**",   "[",       "<@",
    "рига", "Ж",  "🔥",  "⛏️",    "é",     " ",     "\n",  "\t",   "\xFF", "\xE2\x80"};

std::string random_name(std::mt19937& random, std::size_t max_pieces) {
  std::string name;
  const std::size_t n = 1 + random() % max_pieces;
  for (std::size_t i = 0; i < n; ++i) name += kPieces[random() % kPieces.size()];
  return name;
}

// What the renderer must show of a value: controls as spaces, a broken byte as U+FFFD.
std::string as_shown(const std::string& value) {
  std::string out;
  for (std::size_t pos = 0; pos < value.size();) {
    const std::size_t n = test::utf8_length_at(value, pos);
    if (n == 0) {
      out += "\uFFFD";
      ++pos;
      continue;
    }
    const auto c = static_cast<unsigned char>(value[pos]);
    out += (n == 1 && (c < 0x20 || c == 0x7F)) ? std::string(" ") : value.substr(pos, n);
    pos += n;
  }
  return out;
}

int rank(const std::string& severity) {
  return severity == "high" ? 0 : severity == "medium" ? 1 : severity == "low" ? 2 : 3;
}

Digest random_digest(std::mt19937& random, std::size_t count, std::size_t max_pieces) {
  const std::vector<std::string> kinds = {"opened", "raised", "resolved"};
  const std::vector<std::string> types = {"worker_offline", "offline_workers", "hashrate_drop",
                                          "zero_hashrate",  "scrape_failed",   "new_type"};
  const std::vector<std::string> severities = {"low", "medium", "high", "odd"};
  Digest d;
  d.kind = random() % 5 == 0 ? DigestKind::open_now : DigestKind::transitions;
  for (std::size_t i = 0; i < count; ++i) {
    DigestEntry e;
    e.kind = d.kind == DigestKind::open_now ? "open" : kinds[random() % kinds.size()];
    // "P<i>:" identifies the entry in the text; no piece holds "P" or ":".
    e.account_name = "P" + std::to_string(i) + ":" + random_name(random, 3);
    e.alert_type = types[random() % types.size()];
    e.subject = random_name(random, max_pieces);
    e.severity = severities[random() % severities.size()];
    e.message = random_name(random, max_pieces);
    if (e.kind == "resolved") e.lasted = std::chrono::seconds(random() % 200000);
    d.entries.push_back(e);
  }
  return d;
}

std::string bold(const std::string& value, TextStyle style) {
  switch (style) {
    case TextStyle::telegram_html:
      return "<b>" + value + "</b>";
    case TextStyle::slack_mrkdwn:
      return "*" + value + "*";
    case TextStyle::discord_markdown:
      return "**" + value + "**";
    case TextStyle::plain:
      break;
  }
  return value;
}

// The index of the entry a line shows ("P<i>:"), or -1.
int entry_index(const std::string& line) {
  const std::size_t p = line.find('P');  // no generated value and no word of ours holds "P"
  if (p == std::string::npos) return -1;
  const std::size_t colon = line.find(':', p);
  const std::string digits = line.substr(p + 1, colon == std::string::npos ? 0 : colon - p - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

void check(const Digest& d, TextStyle style, std::size_t limit, const std::string& text) {
  SCOPED_TRACE("style " + std::to_string(static_cast<int>(style)) + ", limit " +
               std::to_string(limit) + ", " + std::to_string(d.entries.size()) + " entries");
  const std::size_t points = test::valid_code_points(text);
  ASSERT_NE(points, std::string::npos) << "invalid UTF-8";
  ASSERT_LE(points, limit) << text;
  std::vector<std::size_t> order(d.entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank(d.entries[a].severity) < rank(d.entries[b].severity);
  });

  auto lines = test::split_lines(text);
  std::size_t more = 0;
  static const std::regex more_line("…and ([0-9]+) more");
  std::smatch match;
  if (std::regex_match(lines.back(), match, more_line)) {
    more = std::stoul(match[1]);
    lines.pop_back();
  }
  // Only a text cut to its head may show neither entries nor "…and N more".
  if (more > 0 || lines.size() > 1 || limit >= 200) {
    EXPECT_EQ(lines.size() - 1 + more, d.entries.size()) << text;
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    ASSERT_LT(i - 1, order.size());
    const DigestEntry& e = d.entries[order[i - 1]];
    const int index = entry_index(lines[i]);
    // A shortened entry (no generated value holds "…") is the last one shown and may have lost
    // its marker; the others are whole.
    if (lines[i].find("…") != std::string::npos) {
      EXPECT_EQ(i + 1, lines.size()) << text;
      EXPECT_TRUE(index == -1 || index == static_cast<int>(order[i - 1])) << lines[i];
      continue;
    }
    EXPECT_EQ(index, static_cast<int>(order[i - 1])) << lines[i];
    const std::string read = test::unescaped(lines[i], style);
    EXPECT_NE(read.find(bold(as_shown(e.account_name), style)), std::string::npos)
        << lines[i] << "\nread: " << read;
    if (e.alert_type == "worker_offline") {
      EXPECT_NE(read.find(as_shown(e.subject)), std::string::npos) << read;
    }
    if (style == TextStyle::discord_markdown) {
      EXPECT_EQ(test::discord_problem(lines[i]), "");
    }
  }
  if (style == TextStyle::telegram_html) {
    EXPECT_EQ(test::telegram_html_problem(text), "") << text;
    std::size_t tags = 0;
    for (std::size_t at = text.find("<b>"); at != std::string::npos;
         at = text.find("<b>", at + 1)) {
      ++tags;
    }
    EXPECT_LE(tags, lines.size()) << "a name's <b> survived:\n" << text;
  }
  if (style == TextStyle::slack_mrkdwn) {
    EXPECT_EQ(text.find_first_of("<>"), std::string::npos) << text;
  }
}

TEST(RenderTextLimits, GeneratedDigestsFitAndAddUp) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    std::mt19937 random(seed);
    const std::size_t count = seed % 6 == 0 ? 1 + random() % 2000 : 1 + random() % 40;
    const Digest d = random_digest(random, count, 6);
    for (const TextStyle style : kStyles) {
      for (const std::size_t limit : kLimits) {
        check(d, style, limit, render_text(d, style, limit));
        if (testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

// Entries longer than the limit by themselves: shortened with "…", markup still balanced.
TEST(RenderTextLimits, AnEntryLongerThanTheLimitIsShortened) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 random(seed);
    const Digest d = random_digest(random, 1 + random() % 3, 2000);
    for (const TextStyle style : kStyles) {
      for (const std::size_t limit : kLimits) {
        const std::string text = render_text(d, style, limit);
        check(d, style, limit, text);
        if (limit >= 200) {
          const auto lines = test::split_lines(text);
          ASSERT_GE(lines.size(), 2U) << text;
          EXPECT_NE(entry_index(lines[1]), -1) << "the first entry is shown, shortened\n" << text;
        }
        if (testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(RenderTextLimits, EveryLimitFromOneUpIsKept) {
  std::mt19937 random(7);
  const Digest d = random_digest(random, 12, 4);
  for (const TextStyle style : kStyles) {
    for (std::size_t limit = 1; limit <= 700; ++limit) {
      check(d, style, limit, render_text(d, style, limit));
      if (testing::Test::HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace kz
