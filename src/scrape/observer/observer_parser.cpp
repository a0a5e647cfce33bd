#include "scrape/observer/observer_parser.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scrape/observer/html_tree.hpp"
#include "scrape/observer/observer_tables.hpp"
#include "scrape/observer/observer_values.hpp"
#include "scrape/observer/page_text.hpp"

namespace kz {
namespace {

using html::Node;

[[noreturn]] void fail(const std::string& what) {
  throw Error(ExitCode::no_data, "page has no usable data: " + what);
}

struct LabelHit {
  const Node* node;
  CardLabel label;
};

// One open element of the walk in scan_body.
struct Frame {
  const Node* node;
  size_t next_child = 0;
  size_t non_space = 0;       // bytes of visible text other than ASCII whitespace
  unsigned char first = 0;    // the first such byte
  bool label_inside = false;  // a descendant reads as a card label
};

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The smallest elements of `body` whose whole visible text reads exactly like
// a card label (however split into text nodes and inline elements), in page
// order, and every table. One walk: each element's text is only put together
// when its size and first byte fit a label (page_text's may_be_card_label).
void scan_body(const Node* body, html::TextWalker& walker, std::vector<LabelHit>& hits,
               std::vector<const Node*>& tables) {
  std::vector<Frame> stack{Frame{body}};
  std::string text, normalized;
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& kids = top.node->v.element.children;
    if (top.next_child < kids.length) {
      const Node* n = html::child(kids, top.next_child++);
      if (html::is_text(n)) {
        for (const char c : html::text_of(n)) {
          if (is_ascii_space(c)) continue;
          if (top.non_space++ == 0) top.first = static_cast<unsigned char>(c);
        }
      } else if (n->type == GUMBO_NODE_ELEMENT && !html::is_hidden(n)) {
        if (n->v.element.tag == GUMBO_TAG_TABLE) tables.push_back(n);
        stack.push_back(Frame{n});  // `top` is invalid from here
      }
      continue;
    }
    const Frame done = top;
    stack.pop_back();
    bool label = done.label_inside;
    if (!label && may_be_card_label(done.first, done.non_space)) {
      walker.text(done.node, text);
      normalize_label(text, normalized);
      if (const auto match = match_card_label(normalized)) {
        hits.push_back({done.node, *match});
        label = true;
      }
    }
    if (stack.empty()) break;
    Frame& parent = stack.back();
    if (parent.non_space == 0) parent.first = done.first;
    parent.non_space += done.non_space;
    parent.label_inside = parent.label_inside || label;
  }
}

// The texts after each card's labels, in page order; labels inside the data
// tables do not count, nor values cut off by the end of the input.
observer::CardTexts card_texts(const std::vector<LabelHit>& hits,
                               const std::vector<const Node*>& data_tables, const Node* body,
                               html::TextWalker& walker, size_t eof) {
  observer::CardTexts texts;
  std::string text;
  for (const LabelHit& hit : hits) {
    if (html::inside_any(hit.node, data_tables)) continue;
    const Node* value = html::value_after_label(hit.node, body, walker);
    if (!value || !html::complete(value, eof)) continue;
    walker.text(value, text);
    texts[static_cast<size_t>(hit.label.card)].push_back(text);
  }
  return texts;
}

// The language of the page's labels (cards and table headers), else of its
// `lang` attribute, else "en".
std::string locale_of(const Node* root, const std::vector<LabelHit>& hits,
                      const std::vector<observer::TableLayout>& tables) {
  int russian = 0;
  for (const LabelHit& hit : hits) russian += hit.label.russian ? 1 : -1;
  for (const observer::TableLayout& t : tables) russian += t.russian_headers ? 1 : -1;
  if (russian != 0) return russian > 0 ? "ru" : "en";
  std::string lang(html::attribute(root, "lang"));
  lang = lang.substr(0, lang.find_first_of("-_"));
  for (char& c : lang) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return lang == "ru" ? "ru" : "en";
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
  if (body) scan_body(body, walker, hits, all_tables);

  // Step 1: every value's text; step 2: the values.
  observer::TableTexts tables = observer::collect_tables(all_tables, walker, eof);
  const observer::CardTexts cards = card_texts(hits, tables.nodes, body, walker, eof);

  ObserverPage page;
  page.locale = locale_of(root, hits, tables.layouts);
  const DecimalMark mark = observer::page_decimal_mark(cards, tables, page.locale);
  const auto found = observer::read_cards(cards, mark, page);
  page.skipped_rows = tables.skipped_rows;
  observer::read_workers(tables.workers, mark, page);
  observer::read_income(tables.income, mark, page);

  std::string missing;
  bool any_card = false;
  for (size_t c = 0; c < kCardCount; ++c) {
    any_card = any_card || found[c];
    if (!found[c] && !observer::is_optional(static_cast<Card>(c))) {
      missing += (missing.empty() ? "" : ", ") + std::string(card_name(static_cast<Card>(c)));
    }
  }
  if (!any_card && !tables.have_workers) {
    std::string title;
    if (const Node* head = html::find_child(root, GUMBO_TAG_HEAD)) {
      if (const Node* t = html::find_child(head, GUMBO_TAG_TITLE)) walker.text(t, title);
    }
    fail("no summary cards and no workers table (" +
         (title.empty() ? std::string() : "title " + quoted(title) + "; ") +
         "a JavaScript shell? try --render)");
  }
  if (!missing.empty()) fail("missing cards: " + missing);
  return page;
}

}  // namespace kz
