#include "scrape/observer/html_tree.hpp"

#include <algorithm>
#include <limits>
#include <new>

#include "common/units.hpp"

namespace kz::html {
namespace {

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

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

}  // namespace

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

void* Document::Arena::allocate(void* arena, size_t size) {
  return static_cast<Arena*>(arena)->take(size);
}

void* Document::Arena::take(size_t size) {
  size = (size + 15) & ~size_t{15};
  if (size > left_) {
    // Blocks stop growing at 1 MiB and are not zero-filled, so the unused tail of the last
    // block stays small and untouched (not resident).
    next_block_ = std::max(std::min(next_block_ * 2, kMaxBlock), size);
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(next_block_));
    cursor_ = blocks_.back().get();
    left_ = next_block_;
  }
  void* p = cursor_;
  cursor_ += size;
  left_ -= size;
  return p;
}

Document::Document(std::string_view source) : options_(kGumboDefaultOptions) {
  options_.max_errors = 0;  // gumbo copies the open-element stack into every parse error
  options_.allocator = &Arena::allocate;
  options_.deallocator = &Arena::deallocate;
  options_.userdata = &arena_;
  output_ = gumbo_parse_with_options(&options_, source.data(), source.size());
  if (!output_) throw std::bad_alloc();
}

size_t Document::end_of_input() const {
  const GumboElement& html = output_->root->v.element;
  if (html.original_end_tag.length > 0) return std::numeric_limits<size_t>::max();
  return html.end_pos.offset;
}

std::string_view attribute(const Node* n, const char* name) {
  if (n->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : std::string_view();
}

bool inside_any(const Node* n, const std::vector<const Node*>& ancestors) {
  for (; n; n = n->parent) {
    for (const Node* a : ancestors) {
      if (n == a) return true;
    }
  }
  return false;
}

namespace {

// Tags displayed as block, list item or table parts by the HTML standard's
// rendering section (15.3.3 to 15.3.8), and <br>.
constexpr GumboTag kSeparating[] = {
    GUMBO_TAG_HTML,    GUMBO_TAG_BODY,       GUMBO_TAG_ADDRESS,    GUMBO_TAG_ARTICLE,
    GUMBO_TAG_ASIDE,   GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BR,         GUMBO_TAG_CAPTION,
    GUMBO_TAG_CENTER,  GUMBO_TAG_COL,        GUMBO_TAG_COLGROUP,   GUMBO_TAG_DD,
    GUMBO_TAG_DETAILS, GUMBO_TAG_DIR,        GUMBO_TAG_DIV,        GUMBO_TAG_DL,
    GUMBO_TAG_DT,      GUMBO_TAG_FIELDSET,   GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,
    GUMBO_TAG_FOOTER,  GUMBO_TAG_FORM,       GUMBO_TAG_FRAMESET,   GUMBO_TAG_H1,
    GUMBO_TAG_H2,      GUMBO_TAG_H3,         GUMBO_TAG_H4,         GUMBO_TAG_H5,
    GUMBO_TAG_H6,      GUMBO_TAG_HEADER,     GUMBO_TAG_HGROUP,     GUMBO_TAG_HR,
    GUMBO_TAG_LEGEND,  GUMBO_TAG_LI,         GUMBO_TAG_LISTING,    GUMBO_TAG_MAIN,
    GUMBO_TAG_MENU,    GUMBO_TAG_NAV,        GUMBO_TAG_OL,         GUMBO_TAG_OPTGROUP,
    GUMBO_TAG_OPTION,  GUMBO_TAG_P,          GUMBO_TAG_PLAINTEXT,  GUMBO_TAG_PRE,
    GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY,    GUMBO_TAG_TABLE,      GUMBO_TAG_TBODY,
    GUMBO_TAG_TD,      GUMBO_TAG_TFOOT,      GUMBO_TAG_TH,         GUMBO_TAG_THEAD,
    GUMBO_TAG_TR,      GUMBO_TAG_UL,         GUMBO_TAG_XMP,
};

struct SeparatingTags {
  bool is[GUMBO_TAG_LAST + 1] = {};
  constexpr SeparatingTags() {
    for (const GumboTag t : kSeparating) is[t] = true;
  }
};
constexpr SeparatingTags kSeparatingTags;

}  // namespace

bool separates_text(const Node* n) {
  return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
         kSeparatingTags.is[n->v.element.tag];
}

void TextWalker::text(const Node* n, std::string& out) {
  out.clear();
  bool pending_space = false;
  stack_.assign(1, n);
  while (!stack_.empty()) {
    const Node* cur = stack_.back();
    stack_.pop_back();
    if (!cur) {
      pending_space = !out.empty();
    } else if (is_text(cur)) {
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
      if (separates_text(cur)) {
        pending_space = !out.empty();
        stack_.push_back(nullptr);
      }
      push_children_reversed(cur, stack_);
    }
  }
}

void TextWalker::exact_text(const Node* n, std::string& out) {
  out.clear();
  bool pending_break = false;
  stack_.assign(1, n);
  while (!stack_.empty()) {
    const Node* cur = stack_.back();
    stack_.pop_back();
    if (!cur) {
      pending_break = true;
    } else if (is_text(cur)) {
      std::string_view t = text_of(cur);
      if (out.empty()) {  // leading whitespace
        while (!t.empty() && is_ascii_space(t.front())) t.remove_prefix(1);
      }
      if (t.empty()) continue;
      if (pending_break && !out.empty() && !is_ascii_space(out.back()) &&
          !is_ascii_space(t.front())) {
        out += ' ';
      }
      pending_break = false;
      out.append(t);
    } else if (!is_hidden(cur)) {
      if (separates_text(cur)) {
        pending_break = true;
        stack_.push_back(nullptr);
      }
      push_children_reversed(cur, stack_);
    }
  }
  // Outer NBSP, thin and narrow spaces are padding too (&nbsp; around a name), as in trim_space.
  const std::string_view trimmed = trim_space(out);
  if (trimmed.size() != out.size()) out = std::string(trimmed);
}

bool TextWalker::has_text(const Node* n) {
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

}  // namespace kz::html
