#include "scrape/observer/observer_values.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "common/error.hpp"
#include "common/units.hpp"
#include "scrape/observer/number_format.hpp"
#include "scrape/observer/page_dates.hpp"

namespace kz::observer {
namespace {

bool is_placeholder(std::string_view text) {
  for (const std::string_view p : {"-", "—", "–", "n/a", "N/A", "н/д"}) {
    if (text == p) return true;
  }
  return false;
}

// Stores a card's value in the page; false when the text does not read.
bool assign_card(Card card, std::string_view text, DecimalMark mark, ObserverPage& page) {
  switch (card) {
    case Card::current_hashrate:
    case Card::avg_hashrate_24h: {
      const auto hs = parse_hashrate_hs(text, mark);
      if (!hs) return false;
      (card == Card::current_hashrate ? page.current_hashrate_hs
                                      : page.avg_hashrate_24h_hs.emplace()) = *hs;
      return true;
    }
    case Card::online_workers:
    case Card::offline_workers: {
      const auto n = parse_count(text);
      if (!n) return false;
      (card == Card::online_workers ? page.online_workers : page.offline_workers) = *n;
      return true;
    }
    case Card::balance:
    case Card::last_income: {
      const auto sat = parse_btc_sat(text, mark);
      if (!sat) return false;
      (card == Card::balance ? page.balance_sat : page.last_income_sat) = *sat;
      return true;
    }
  }
  return false;
}

}  // namespace

DecimalMark page_decimal_mark(const CardTexts& cards, const TableTexts& tables,
                              std::string_view locale) {
  std::vector<std::string_view> values;
  values.reserve(tables.workers.size() * 3 + tables.income.size() * 2 + 8);
  for (const Card card :
       {Card::current_hashrate, Card::avg_hashrate_24h, Card::balance, Card::last_income}) {
    for (const std::string& text : cards[static_cast<size_t>(card)]) values.push_back(text);
  }
  for (const WorkerTexts& r : tables.workers) {
    values.insert(values.end(), {r.hashrate_10m, r.hashrate_1h, r.hashrate_24h});
  }
  for (const IncomeTexts& r : tables.income) {
    values.push_back(r.income);
    if (r.hashrate) values.push_back(*r.hashrate);
  }
  return decide_decimal_mark(values, locale);
}

bool is_optional(Card card) {
  return card == Card::avg_hashrate_24h || card == Card::balance || card == Card::last_income;
}

std::array<bool, kCardCount> read_cards(const CardTexts& texts, DecimalMark mark,
                                        ObserverPage& page) {
  std::array<bool, kCardCount> found{};
  for (size_t c = 0; c < kCardCount; ++c) {
    const auto card = static_cast<Card>(c);
    for (const std::string& text : texts[c]) {
      if ((is_optional(card) && is_placeholder(text)) || assign_card(card, text, mark, page)) {
        found[c] = true;
        break;
      }
    }
    if (!found[c] && !texts[c].empty()) {
      throw Error(ExitCode::no_data, std::string("page has no usable data: card \"") +
                                         card_name(card) + "\" has an unreadable value " +
                                         quoted(texts[c].front()));
    }
  }
  return found;
}

void read_workers(const std::vector<WorkerTexts>& rows, DecimalMark mark, ObserverPage& page) {
  page.workers.reserve(page.workers.size() + rows.size());
  std::unordered_set<std::string_view> names;  // points into `rows`
  names.reserve(rows.size());
  for (const WorkerTexts& r : rows) {
    if (names.contains(r.name)) {
      ++page.skipped_rows;
      continue;
    }
    const auto status = parse_status(r.status);
    const auto hs10 = parse_hashrate_hs(r.hashrate_10m, mark);
    const auto hs1 = parse_hashrate_hs(r.hashrate_1h, mark);
    const auto hs24 = parse_hashrate_hs(r.hashrate_24h, mark);
    if (!status || !hs10 || !hs1 || !hs24) {
      ++page.skipped_rows;
      continue;
    }
    WorkerRow& w = page.workers.emplace_back();
    w.name = r.name;
    w.status = *status;
    w.hashrate_10m_hs = *hs10;
    w.hashrate_1h_hs = *hs1;
    w.hashrate_24h_hs = *hs24;
    if (r.last_share) w.last_share_local = parse_share_time(*r.last_share);
    names.insert(r.name);
  }
}

void read_income(const std::vector<IncomeTexts>& rows, DecimalMark mark, ObserverPage& page) {
  std::unordered_set<std::string> dates;
  for (const IncomeTexts& r : rows) {
    auto date = parse_income_date(r.date);
    const auto sat = parse_btc_sat(r.income, mark);
    const auto hs = r.hashrate ? parse_hashrate_hs(*r.hashrate, mark) : std::nullopt;
    if (!date || !sat || (r.hashrate && !hs) || !dates.insert(*date).second) {
      ++page.skipped_rows;
      continue;
    }
    page.income.push_back(
        IncomeRow{.date = std::move(*date), .total_income_sat = *sat, .hashrate_hs = hs});
  }
}

}  // namespace kz::observer
