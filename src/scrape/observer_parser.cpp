#include "scrape/observer_parser.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/units.hpp"
#include "scrape/html_tree.hpp"
#include "scrape/observer_tables.hpp"
#include "scrape/page_text.hpp"

namespace kz {
namespace {

using html::Node;

[[noreturn]] void fail(const std::string& what) {
  throw Error(ExitCode::no_data, "page has no usable data: " + what);
}

// Quoted, one line, at most ~60 bytes, for error messages.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (out.size() >= 60 && (c & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    out += c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c);
  }
  return out + "\"";
}

bool is_placeholder(std::string_view text) {
  for (const std::string_view p : {"-", "—", "–", "n/a", "N/A", "н/д"}) {
    if (text == p) return true;
  }
  return false;
}

struct LabelHit {
  const Node* node;
  CardLabel label;
};

// Text nodes of `body` that read exactly like a card label, and every table.
void scan_body(const Node* body, std::vector<LabelHit>& hits, std::vector<const Node*>& tables) {
  std::vector<const Node*> stack{body};
  std::string normalized;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (html::is_text(n)) {
      const std::string_view text = trim_space(html::text_of(n));
      if (text.empty() || text.size() > 120) continue;
      const auto first = static_cast<unsigned char>(text.front());
      if (!((first | 0x20) >= 'a' && (first | 0x20) <= 'z') && first != 0xD0 && first != 0xD1) {
        continue;  // every label starts with a Latin or Cyrillic letter
      }
      normalize_label(text, normalized);
      if (const auto label = match_card_label(normalized)) hits.push_back({n, *label});
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT || html::is_hidden(n)) continue;
    if (n->v.element.tag == GUMBO_TAG_TABLE) tables.push_back(n);
    html::push_children_reversed(n, stack);
  }
}

// Stores a card's value in the page; false when the text does not read.
bool assign_card(Card card, std::string_view text, ObserverPage& page) {
  switch (card) {
    case Card::current_hashrate:
    case Card::avg_hashrate_24h: {
      const auto hs = parse_hashrate_hs(text);
      if (!hs) return false;
      (card == Card::current_hashrate ? page.current_hashrate_hs
                                      : page.avg_hashrate_24h_hs.emplace()) = *hs;
      return true;
    }
    case Card::online_workers:
    case Card::offline_workers: {
      const auto n = parse_count(text);
      if (!n || *n > std::numeric_limits<int>::max()) return false;
      (card == Card::online_workers ? page.online_workers : page.offline_workers) =
          static_cast<int>(*n);
      return true;
    }
    case Card::balance:
    case Card::last_income: {
      const auto sat = parse_btc_sat(text);
      if (!sat) return false;
      (card == Card::balance ? page.balance_sat : page.last_income_sat) = *sat;
      return true;
    }
  }
  return false;
}

bool is_optional(Card card) {
  return card == Card::avg_hashrate_24h || card == Card::balance || card == Card::last_income;
}

// Fills the cards from the first label of each whose value reads; labels inside
// the data tables do not count. Returns which cards were found.
std::array<bool, kCardCount> read_cards(const std::vector<LabelHit>& hits,
                                        const std::vector<const Node*>& data_tables,
                                        const Node* body, html::TextWalker& walker, size_t eof,
                                        ObserverPage& page) {
  std::array<bool, kCardCount> found{};
  std::array<std::optional<std::string>, kCardCount> unreadable;
  std::string text;
  for (const LabelHit& hit : hits) {
    const auto card = static_cast<size_t>(hit.label.card);
    if (found[card] || html::inside_any(hit.node, data_tables)) continue;
    const Node* value = html::value_after_label(hit.node, body, walker);
    if (!value || !html::complete(value, eof)) continue;
    walker.text(value, text);
    if (is_optional(hit.label.card) && is_placeholder(text)) {
      found[card] = true;
    } else if (assign_card(hit.label.card, text, page)) {
      found[card] = true;
    } else if (!unreadable[card]) {
      unreadable[card] = text;
    }
  }
  for (size_t c = 0; c < kCardCount; ++c) {
    if (!found[c] && unreadable[c]) {
      fail(std::string("card \"") + card_name(static_cast<Card>(c)) +
           "\" has an unreadable value " + quoted(*unreadable[c]));
    }
  }
  return found;
}

std::string locale_of(const Node* root, const std::vector<LabelHit>& hits,
                      const std::vector<observer::TableLayout>& tables) {
  std::string lang(html::attribute(root, "lang"));
  lang = lang.substr(0, lang.find_first_of("-_"));
  for (char& c : lang) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lang == "ru" || lang == "en") return lang;
  int russian = 0;
  for (const LabelHit& hit : hits) russian += hit.label.russian ? 1 : -1;
  for (const observer::TableLayout& t : tables) russian += t.russian_headers ? 1 : -1;
  return russian > 0 ? "ru" : "en";
}

}  // namespace

ObserverPage parse_observer_page(std::string_view source) {
  if (const auto problem = html::markup_problem(source)) {
    fail(*problem + " (not an observer page)");
  }
  const html::Document doc(source);
  const Node* root = doc.root();
  const Node* body = html::find_child(root, GUMBO_TAG_BODY);
  const size_t eof = doc.end_of_input();
  html::TextWalker walker;

  std::vector<LabelHit> hits;
  std::vector<const Node*> all_tables;
  if (body) scan_body(body, hits, all_tables);

  ObserverPage page;
  const observer::DataTables data = observer::read_data_tables(all_tables, walker, eof, page);

  const auto found = read_cards(hits, data.nodes, body, walker, eof, page);
  std::string missing;
  bool any_card = false;
  for (size_t c = 0; c < kCardCount; ++c) {
    any_card = any_card || found[c];
    if (!found[c] && !is_optional(static_cast<Card>(c))) {
      missing += (missing.empty() ? "" : ", ") + std::string(card_name(static_cast<Card>(c)));
    }
  }
  if (!any_card && !data.have_workers) {
    std::string title;
    if (const Node* head = html::find_child(root, GUMBO_TAG_HEAD)) {
      if (const Node* t = html::find_child(head, GUMBO_TAG_TITLE)) walker.text(t, title);
    }
    fail("no summary cards and no workers table (" +
         (title.empty() ? std::string() : "title " + quoted(title) + "; ") +
         "a JavaScript shell? try --render)");
  }
  if (!missing.empty()) fail("missing cards: " + missing);
  page.locale = locale_of(root, hits, data.layouts);
  return page;
}

}  // namespace kz
