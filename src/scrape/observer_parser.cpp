#include "scrape/observer_parser.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"
#include "common/units.hpp"
#include "scrape/page_text.hpp"

namespace kz {
namespace {

namespace html {

using Node = GumboNode;

// gumbo 0.10.1 has no depth limit, and its time grows with depth times tag
// count (100,000 nested <div>s take seconds) and with the square of a tag's
// attribute count, so such input is refused before gumbo sees it.
constexpr size_t kMaxNesting = 512;
constexpr size_t kMaxAttributes = 256;

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

template <size_t N>
bool in(std::string_view name, const std::string_view (&names)[N]) {
  for (const std::string_view n : names) {
    if (iequals(name, n)) return true;
  }
  return false;
}

bool is_tag_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// From just after a tag name: the index of the '>' ending the tag (npos when
// none), counting the attributes on the way. Quoted values may hold '>'.
size_t scan_tag(std::string_view s, size_t i, size_t& attributes) {
  attributes = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_tag_space(s[i]) || s[i] == '/')) ++i;
    if (i >= s.size() || s[i] == '>') return i;
    ++attributes;
    while (i < s.size() && !is_tag_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') ++i;
    while (i < s.size() && is_tag_space(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') continue;
    ++i;
    while (i < s.size() && is_tag_space(s[i])) ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const size_t close = s.find(s[i], i + 1);
      if (close == std::string_view::npos) return close;
      i = close + 1;
    } else {
      while (i < s.size() && !is_tag_space(s[i]) && s[i] != '>') ++i;
    }
  }
  return std::string_view::npos;
}

// What makes the raw markup too costly for gumbo, if anything. Nesting is
// estimated from the tags: elements whose end tag is optional or absent by
// definition do not nest.
std::optional<std::string> markup_problem(std::string_view s) {
  static constexpr std::string_view kFlat[] = {
      "area",  "base",   "br",       "col",   "embed", "hr",    "img",      "input", "link", "meta",
      "param", "source", "track",    "wbr",   "p",     "li",    "td",       "th",    "tr",   "dt",
      "dd",    "option", "optgroup", "tbody", "thead", "tfoot", "colgroup", "rp",    "rt"};
  static constexpr std::string_view kRawText[] = {"script", "style", "textarea", "title"};
  size_t depth = 0;
  size_t i = 0;
  while ((i = s.find('<', i)) != std::string_view::npos && ++i < s.size()) {
    if (s[i] == '/') {
      depth -= depth > 0 ? 1 : 0;
      continue;
    }
    if (s[i] == '!') {
      i = s.substr(i).starts_with("!--") ? s.find("-->", i) : s.find('>', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (!is_alpha(s[i])) continue;
    size_t j = i;
    while (j < s.size() && (is_alpha(s[j]) || (s[j] >= '0' && s[j] <= '9') || s[j] == '-')) ++j;
    const std::string_view name = s.substr(i, j - i);
    size_t attributes = 0;
    const size_t gt = scan_tag(s, j, attributes);
    if (attributes > kMaxAttributes) {
      return "a tag with more than " + std::to_string(kMaxAttributes) + " attributes";
    }
    if (gt == std::string_view::npos) break;
    i = gt + 1;
    if (in(name, kRawText)) {
      // Skip to the matching end tag: its content is text, not tags.
      for (size_t k = s.find("</", i); k != std::string_view::npos; k = s.find("</", k + 2)) {
        if (iequals(s.substr(k + 2, name.size()), name)) {
          i = k + 2;
          break;
        }
      }
      continue;
    }
    if (s[gt - 1] != '/' && !in(name, kFlat) && ++depth > kMaxNesting) {
      return "elements nested more than " + std::to_string(kMaxNesting) + " deep";
    }
  }
  return std::nullopt;
}

// Bump allocator for gumbo's many small allocations: nothing is freed until
// the whole tree goes. Saves about a tenth of the parse time.
class Arena {
 public:
  static void* allocate(void* arena, size_t size) { return static_cast<Arena*>(arena)->take(size); }
  static void deallocate(void*, void*) {}

 private:
  void* take(size_t size) {
    size = (size + 15) & ~size_t{15};
    if (size > left_) {
      next_block_ = std::max(next_block_ * 2, size);
      blocks_.push_back(std::make_unique<std::byte[]>(next_block_));
      cursor_ = blocks_.back().get();
      left_ = next_block_;
    }
    void* p = cursor_;
    cursor_ += size;
    left_ -= size;
    return p;
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cursor_ = nullptr;
  size_t left_ = 0;
  size_t next_block_ = 32 * 1024;
};

// gumbo's parse of the input; the tree lives as long as this object.
class Document {
 public:
  explicit Document(std::string_view source) : options_(kGumboDefaultOptions) {
    options_.max_errors = 0;  // gumbo copies the open-element stack into every parse error
    options_.allocator = &Arena::allocate;
    options_.deallocator = &Arena::deallocate;
    options_.userdata = &arena_;
    output_ = gumbo_parse_with_options(&options_, source.data(), source.size());
    if (!output_) throw std::bad_alloc();
  }

  const Node* root() const { return output_->root; }

  // Where gumbo saw the input end. An element closed there without its end tag,
  // or text reaching it, may have been cut off. With </html> present the input
  // was not cut.
  size_t end_of_input() const {
    const GumboElement& html = output_->root->v.element;
    if (html.original_end_tag.length > 0) return std::numeric_limits<size_t>::max();
    return html.end_pos.offset;
  }

 private:
  Arena arena_;  // owns every node: gumbo_destroy_output is not needed
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

bool is_text(const Node* n) {
  return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
         n->type == GUMBO_NODE_CDATA;
}

std::string_view text_of(const Node* n) {
  return n->v.text.text;
}

bool is_element(const Node* n, GumboTag tag) {
  return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag;
}

// Content a reader never sees: scripts, styles, templates, icons (SVG, MathML).
bool is_hidden(const Node* n) {
  if (n->type == GUMBO_NODE_TEMPLATE || n->type == GUMBO_NODE_COMMENT) return true;
  if (n->type != GUMBO_NODE_ELEMENT) return false;
  const GumboElement& e = n->v.element;
  return e.tag_namespace != GUMBO_NAMESPACE_HTML || e.tag == GUMBO_TAG_SCRIPT ||
         e.tag == GUMBO_TAG_STYLE || e.tag == GUMBO_TAG_NOSCRIPT || e.tag == GUMBO_TAG_TEMPLATE;
}

const GumboVector* children_of(const Node* n) {
  if (n->type == GUMBO_NODE_ELEMENT) return &n->v.element.children;
  if (n->type == GUMBO_NODE_DOCUMENT) return &n->v.document.children;
  return nullptr;
}

const Node* child(const GumboVector& v, size_t i) {
  return static_cast<const Node*>(v.data[i]);
}

void push_children_reversed(const Node* n, std::vector<const Node*>& stack) {
  const GumboVector* kids = children_of(n);
  for (size_t i = kids ? kids->length : 0; i > 0; --i) stack.push_back(child(*kids, i - 1));
}

const Node* find_child(const Node* n, GumboTag tag) {
  const GumboVector* kids = children_of(n);
  for (size_t i = 0; kids && i < kids->length; ++i) {
    if (is_element(child(*kids, i), tag)) return child(*kids, i);
  }
  return nullptr;
}

std::string_view attribute(const Node* n, const char* name) {
  if (n->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : std::string_view();
}

bool complete(const Node* n, size_t eof) {
  if (n->type == GUMBO_NODE_ELEMENT) {
    return n->v.element.original_end_tag.length > 0 || n->v.element.end_pos.offset < eof;
  }
  if (is_text(n)) return n->v.text.start_pos.offset + n->v.text.original_text.length < eof;
  return true;
}

bool inside_any(const Node* n, const std::vector<const Node*>& ancestors) {
  for (; n; n = n->parent) {
    for (const Node* a : ancestors) {
      if (n == a) return true;
    }
  }
  return false;
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Visible text of subtrees, walked with an explicit stack reused between calls.
class TextWalker {
 public:
  // The text under `n`, runs of ASCII whitespace collapsed to one space, trimmed.
  void text(const Node* n, std::string& out) {
    out.clear();
    bool pending_space = false;
    stack_.assign(1, n);
    while (!stack_.empty()) {
      const Node* cur = stack_.back();
      stack_.pop_back();
      if (is_text(cur)) {
        const std::string_view t = text_of(cur);
        for (size_t i = 0; i < t.size();) {
          if (is_ascii_space(t[i])) {
            pending_space = !out.empty();
            ++i;
            continue;
          }
          size_t j = i;
          while (j < t.size() && !is_ascii_space(t[j])) ++j;
          if (pending_space) out += ' ';
          pending_space = false;
          out.append(t.substr(i, j - i));
          i = j;
        }
      } else if (!is_hidden(cur)) {
        push_children_reversed(cur, stack_);
      }
    }
  }

  // Whether `n` holds any visible non-space text.
  bool has_text(const Node* n) {
    stack_.assign(1, n);
    while (!stack_.empty()) {
      const Node* cur = stack_.back();
      stack_.pop_back();
      if (is_text(cur)) {
        if (!trim_space(text_of(cur)).empty()) return true;
      } else if (!is_hidden(cur)) {
        push_children_reversed(cur, stack_);
      }
    }
    return false;
  }

 private:
  std::vector<const Node*> stack_;
};

// The element holding a card's value: the label's block is the largest
// ancestor holding no other text; the value is the next subtree with text.
const Node* value_after_label(const Node* label, const Node* body, TextWalker& walker) {
  const Node* block = label;
  while (block->parent && block->parent != body && block->parent->type == GUMBO_NODE_ELEMENT) {
    const GumboVector& siblings = block->parent->v.element.children;
    bool other_text = false;
    for (size_t i = 0; i < siblings.length && !other_text; ++i) {
      other_text = child(siblings, i) != block && walker.has_text(child(siblings, i));
    }
    if (other_text) break;
    block = block->parent;
  }
  for (const Node* n = block; n != body && n->parent; n = n->parent) {
    const GumboVector* siblings = children_of(n->parent);
    for (size_t i = n->index_within_parent + 1; siblings && i < siblings->length; ++i) {
      if (walker.has_text(child(*siblings, i))) return child(*siblings, i);
    }
  }
  return nullptr;
}

bool has_cell(const Node* tr, GumboTag tag) {
  return find_child(tr, tag) != nullptr;
}

void row_cells(const Node* tr, std::vector<const Node*>& cells) {
  cells.clear();
  const GumboVector& kids = tr->v.element.children;
  for (size_t i = 0; i < kids.length; ++i) {
    const Node* c = child(kids, i);
    if (is_element(c, GUMBO_TAG_TD) || is_element(c, GUMBO_TAG_TH)) cells.push_back(c);
  }
}

// All rows of `table` (not of nested tables) in order; returns the header row:
// the first row of <thead>, else the first row with <th> cells, else the first.
const Node* table_rows(const Node* table, std::vector<const Node*>& rows) {
  const Node* thead_row = nullptr;
  const GumboVector& kids = table->v.element.children;
  for (size_t i = 0; i < kids.length; ++i) {
    const Node* c = child(kids, i);
    if (is_element(c, GUMBO_TAG_TR)) {
      rows.push_back(c);
    } else if (is_element(c, GUMBO_TAG_THEAD) || is_element(c, GUMBO_TAG_TBODY) ||
               is_element(c, GUMBO_TAG_TFOOT)) {
      const GumboVector& section = c->v.element.children;
      for (size_t j = 0; j < section.length; ++j) {
        if (!is_element(child(section, j), GUMBO_TAG_TR)) continue;
        rows.push_back(child(section, j));
        if (!thead_row && is_element(c, GUMBO_TAG_THEAD)) thead_row = rows.back();
      }
    }
  }
  if (thead_row) return thead_row;
  for (const Node* r : rows) {
    if (has_cell(r, GUMBO_TAG_TH)) return r;
  }
  return rows.empty() ? nullptr : rows.front();
}

}  // namespace html

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

constexpr size_t kColumns = static_cast<size_t>(Column::income) + 1;

struct TableLayout {
  const Node* table = nullptr;
  std::array<int, kColumns> column{};  // cell index by Column, -1 when absent
  std::vector<const Node*> rows;       // data rows
  bool russian_headers = false;
  int at(Column c) const { return column[static_cast<size_t>(c)]; }
};

TableLayout read_table(const Node* table, html::TextWalker& walker) {
  TableLayout layout;
  layout.table = table;
  layout.column.fill(-1);
  std::vector<const Node*> rows;
  const Node* header = html::table_rows(table, rows);
  if (!header) return layout;
  std::vector<const Node*> cells;
  html::row_cells(header, cells);
  std::string text, normalized;
  for (size_t i = 0; i < cells.size(); ++i) {
    walker.text(cells[i], text);
    normalize_label(text, normalized);
    layout.russian_headers = layout.russian_headers || has_cyrillic(normalized);
    int& slot = layout.column[static_cast<size_t>(classify_header(normalized))];
    if (slot < 0) slot = static_cast<int>(i);
  }
  for (const Node* row : rows) {
    if (row != header && html::has_cell(row, GUMBO_TAG_TD)) layout.rows.push_back(row);
  }
  return layout;
}

bool is_workers_table(const TableLayout& t) {
  return t.at(Column::name) >= 0 && t.at(Column::status) >= 0 && t.at(Column::hashrate_10m) >= 0 &&
         t.at(Column::hashrate_1h) >= 0 && t.at(Column::hashrate_24h) >= 0;
}

bool is_income_table(const TableLayout& t) {
  return t.at(Column::date) >= 0 && t.at(Column::income) >= 0;
}

// Reads the cells of data rows; a row is used only when it is complete.
class RowReader {
 public:
  RowReader(html::TextWalker& walker, size_t eof) : walker_(walker), eof_(eof) {}

  // False when the row was cut off by the end of the input.
  bool load(const Node* row) {
    html::row_cells(row, cells_);
    if (buffers_.size() < cells_.size()) buffers_.resize(cells_.size());
    return html::complete(row, eof_);
  }
  // The cell's text, valid until the next load(), or nullopt when the row lacks it.
  std::optional<std::string_view> cell(int column) {
    if (column < 0 || static_cast<size_t>(column) >= cells_.size()) return std::nullopt;
    std::string& buffer = buffers_[static_cast<size_t>(column)];
    walker_.text(cells_[static_cast<size_t>(column)], buffer);
    return buffer;
  }

 private:
  html::TextWalker& walker_;
  size_t eof_;
  std::vector<const Node*> cells_;
  std::vector<std::string> buffers_;  // one per column, reused from row to row
};

void read_workers(const TableLayout& t, RowReader& reader, ObserverPage& page) {
  page.workers.reserve(t.rows.size());  // `names` points into the rows: no reallocation
  std::unordered_set<std::string_view> names;
  names.reserve(t.rows.size());
  for (const Node* row : t.rows) {
    if (!reader.load(row)) {
      ++page.skipped_rows;
      continue;
    }
    const auto name = reader.cell(t.at(Column::name));
    const auto status_text = reader.cell(t.at(Column::status));
    const auto h10 = reader.cell(t.at(Column::hashrate_10m));
    const auto h1 = reader.cell(t.at(Column::hashrate_1h));
    const auto h24 = reader.cell(t.at(Column::hashrate_24h));
    if (!name || name->empty() || !status_text || !h10 || !h1 || !h24 || names.contains(*name)) {
      ++page.skipped_rows;
      continue;
    }
    const auto status = parse_status(*status_text);
    const auto hs10 = parse_hashrate_hs(*h10);
    const auto hs1 = parse_hashrate_hs(*h1);
    const auto hs24 = parse_hashrate_hs(*h24);
    if (!status || !hs10 || !hs1 || !hs24) {
      ++page.skipped_rows;
      continue;
    }
    WorkerRow& w = page.workers.emplace_back();
    w.name = std::string(*name);
    w.status = *status;
    w.hashrate_10m_hs = *hs10;
    w.hashrate_1h_hs = *hs1;
    w.hashrate_24h_hs = *hs24;
    if (const auto share = reader.cell(t.at(Column::last_share))) {
      w.last_share_local = parse_share_time(*share);
    }
    names.insert(w.name);
  }
}

int income_hashrate_column(const TableLayout& t) {
  int best = -1;
  for (const Column c : {Column::hashrate, Column::hashrate_24h, Column::hashrate_1h}) {
    if (t.at(c) >= 0 && (best < 0 || t.at(c) < best)) best = t.at(c);
  }
  return best;
}

void read_income(const TableLayout& t, RowReader& reader, ObserverPage& page) {
  const int hashrate_column = income_hashrate_column(t);
  std::unordered_set<std::string> dates;
  for (const Node* row : t.rows) {
    if (!reader.load(row)) {
      ++page.skipped_rows;
      continue;
    }
    const auto date_text = reader.cell(t.at(Column::date));
    const auto income_text = reader.cell(t.at(Column::income));
    const auto hashrate_text = reader.cell(hashrate_column);
    auto date = date_text ? parse_income_date(*date_text) : std::nullopt;
    const auto sat = income_text ? parse_btc_sat(*income_text) : std::nullopt;
    const auto hs = hashrate_text ? parse_hashrate_hs(*hashrate_text) : std::nullopt;
    const bool hashrate_ok = hashrate_column < 0 || hs.has_value();
    if (!date || !sat || !hashrate_ok || !dates.insert(*date).second) {
      ++page.skipped_rows;
      continue;
    }
    page.income.push_back(IncomeRow{std::move(*date), *sat, hs});
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
                      const std::vector<TableLayout>& tables) {
  std::string lang(html::attribute(root, "lang"));
  lang = lang.substr(0, lang.find_first_of("-_"));
  for (char& c : lang) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lang == "ru" || lang == "en") return lang;
  int russian = 0;
  for (const LabelHit& hit : hits) russian += hit.label.russian ? 1 : -1;
  for (const TableLayout& t : tables) russian += t.russian_headers ? 1 : -1;
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
  std::vector<TableLayout> data_tables;
  std::vector<const Node*> data_table_nodes;
  RowReader reader(walker, eof);
  bool have_workers = false, have_income = false;
  for (const Node* table : all_tables) {
    TableLayout t = read_table(table, walker);
    if (!have_workers && is_workers_table(t)) {
      have_workers = true;
      read_workers(t, reader, page);
    } else if (!have_income && is_income_table(t)) {
      have_income = true;
      read_income(t, reader, page);
    } else {
      continue;
    }
    data_table_nodes.push_back(table);
    data_tables.push_back(std::move(t));
  }

  const auto found = read_cards(hits, data_table_nodes, body, walker, eof, page);
  std::string missing;
  bool any_card = false;
  for (size_t c = 0; c < kCardCount; ++c) {
    any_card = any_card || found[c];
    if (!found[c] && !is_optional(static_cast<Card>(c))) {
      missing += (missing.empty() ? "" : ", ") + std::string(card_name(static_cast<Card>(c)));
    }
  }
  if (!any_card && !have_workers) {
    std::string title;
    if (const Node* head = html::find_child(root, GUMBO_TAG_HEAD)) {
      if (const Node* t = html::find_child(head, GUMBO_TAG_TITLE)) walker.text(t, title);
    }
    fail("no summary cards and no workers table (" +
         (title.empty() ? std::string() : "title " + quoted(title) + "; ") +
         "a JavaScript shell? try --render)");
  }
  if (!missing.empty()) fail("missing cards: " + missing);
  page.locale = locale_of(root, hits, data_tables);
  return page;
}

}  // namespace kz
