#pragma once

// What the observer page's visible text means: card labels, table headers,
// status words, dates. Russian and English. Knows nothing about HTML.

#include <optional>
#include <string>
#include <string_view>

#include "scrape/observer_page.hpp"

namespace kz {

// Writes `text` lowercased (ASCII and Cyrillic, 'ё' read as 'е') to `out`, with
// ':', '(', ')' and every space (NBSP too) turned into one space, no space
// between a number and the word after it ("24 ч" -> "24ч"), trimmed.
void normalize_label(std::string_view text, std::string& out);
std::string normalize_label(std::string_view text);

enum class Card {
  current_hashrate,
  avg_hashrate_24h,
  online_workers,
  offline_workers,
  balance,
  last_income
};
inline constexpr int kCardCount = 6;

// The card's English label, for messages: "Current hashrate".
const char* card_name(Card card);

struct CardLabel {
  Card card;
  bool russian;
};
// A cheap test before normalize_label(): false when a text whose first
// non-space byte is `first` and that has `non_space` bytes other than ASCII
// whitespace cannot normalize to a card label.
bool may_be_card_label(unsigned char first, size_t non_space);

// The card whose label is `normalized` (see normalize_label), if any.
std::optional<CardLabel> match_card_label(std::string_view normalized);

enum class Column {
  unknown,
  name,
  status,
  hashrate_10m,
  hashrate_1h,
  hashrate_24h,
  hashrate,  // a hashrate without a period (income table)
  last_share,
  date,
  income,
};
// The role of a table column from its normalized header text.
Column classify_header(std::string_view normalized);

// "ONLINE", "Online", "В сети" -> online; "OFFLINE", "Не в сети" -> offline.
std::optional<WorkerStatus> parse_status(std::string_view text);

bool has_cyrillic(std::string_view text);

// `text` in double quotes on one line, for error messages: '"' and '\' escaped,
// tab and newline as \t and \n, other control bytes as \xHH; cut after about
// `max_bytes` bytes (never inside a UTF-8 character) with "...".
std::string quoted(std::string_view text, size_t max_bytes = 60);

}  // namespace kz
