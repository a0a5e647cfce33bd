#pragma once

// Generic HTML tree code over gumbo: a guarded parse (markup pre-scan, arena
// allocation), node predicates, visible-text extraction and table structure.
// Knows nothing about observer pages.

#include <gumbo.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kz::html {

using Node = GumboNode;

// gumbo 0.10.1 has no depth limit, and its time grows with depth times tag
// count (100,000 nested <div>s take seconds) and with the square of a tag's
// attribute count, so such input is refused before gumbo sees it.
inline constexpr size_t kMaxNesting = 512;
inline constexpr size_t kMaxAttributes = 256;

// What makes the raw markup too costly for gumbo, if anything. Nesting is
// estimated from the tags: elements whose end tag is optional or absent by
// definition do not nest.
std::optional<std::string> markup_problem(std::string_view s);

// gumbo's parse of the input; the tree lives as long as this object.
class Document {
 public:
  explicit Document(std::string_view source);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  const Node* root() const { return output_->root; }

  // Where gumbo saw the input end. An element closed there without its end tag,
  // or text reaching it, may have been cut off. With </html> present the input
  // was not cut.
  size_t end_of_input() const;

 private:
  // Bump allocator for gumbo's many small allocations: nothing is freed until
  // the whole tree goes. Saves about a tenth of the parse time.
  class Arena {
   public:
    static void* allocate(void* arena, size_t size);
    static void deallocate(void*, void*) {}

   private:
    void* take(size_t size);

    std::vector<std::unique_ptr<std::byte[]>> blocks_;
    std::byte* cursor_ = nullptr;
    size_t left_ = 0;
    size_t next_block_ = 32 * 1024;
    static constexpr size_t kMaxBlock = 1024 * 1024;
  };

  Arena arena_;  // owns every node: gumbo_destroy_output is not needed
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

// The small predicates and accessors below run for every node of the page, so
// they stay inline.

inline bool is_text(const Node* n) {
  return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
         n->type == GUMBO_NODE_CDATA;
}

inline std::string_view text_of(const Node* n) {
  return n->v.text.text;
}

inline bool is_element(const Node* n, GumboTag tag) {
  return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag;
}

// Content a reader never sees: scripts, styles, templates, icons (SVG, MathML).
inline bool is_hidden(const Node* n) {
  if (n->type == GUMBO_NODE_TEMPLATE || n->type == GUMBO_NODE_COMMENT) return true;
  if (n->type != GUMBO_NODE_ELEMENT) return false;
  const GumboElement& e = n->v.element;
  return e.tag_namespace != GUMBO_NAMESPACE_HTML || e.tag == GUMBO_TAG_SCRIPT ||
         e.tag == GUMBO_TAG_STYLE || e.tag == GUMBO_TAG_NOSCRIPT || e.tag == GUMBO_TAG_TEMPLATE;
}

inline const GumboVector* children_of(const Node* n) {
  if (n->type == GUMBO_NODE_ELEMENT) return &n->v.element.children;
  if (n->type == GUMBO_NODE_DOCUMENT) return &n->v.document.children;
  return nullptr;
}

inline const Node* child(const GumboVector& v, size_t i) {
  return static_cast<const Node*>(v.data[i]);
}

inline void push_children_reversed(const Node* n, std::vector<const Node*>& stack) {
  const GumboVector* kids = children_of(n);
  for (size_t i = kids ? kids->length : 0; i > 0; --i) stack.push_back(child(*kids, i - 1));
}

// The first child element of `n` with `tag`, or nullptr.
inline const Node* find_child(const Node* n, GumboTag tag) {
  const GumboVector* kids = children_of(n);
  for (size_t i = 0; kids && i < kids->length; ++i) {
    if (is_element(child(*kids, i), tag)) return child(*kids, i);
  }
  return nullptr;
}

// The attribute's value, empty when `n` is no element or lacks it.
std::string_view attribute(const Node* n, const char* name);

// Whether `n` ended before `eof` (see Document::end_of_input), so was not cut off.
inline bool complete(const Node* n, size_t eof) {
  if (n->type == GUMBO_NODE_ELEMENT) {
    return n->v.element.original_end_tag.length > 0 || n->v.element.end_pos.offset < eof;
  }
  if (is_text(n)) return n->v.text.start_pos.offset + n->v.text.original_text.length < eof;
  return true;
}

// Whether `n` is one of `ancestors` or lies inside one.
bool inside_any(const Node* n, const std::vector<const Node*>& ancestors);

// Whether the element separates text like a line or cell boundary: <br> and the
// elements the HTML standard's rendering section (15.3) displays as block,
// list item or table parts (p, div, li, tr, td, h1..h6, ...). Inline elements
// (span, b, a, time, ...) and comments do not.
bool separates_text(const Node* n);

// Visible text of subtrees, walked with an explicit stack reused between calls.
// Block boundaries and <br> separate text (see separates_text); inline
// boundaries and comments do not: "<p>a</p><p>b</p>" reads "a b",
// "<span>1</span><!-- --><span>50</span>" reads "150".
class TextWalker {
 public:
  // The text under `n`, runs of ASCII whitespace and block boundaries collapsed
  // to one space, trimmed.
  void text(const Node* n, std::string& out);

  // The text under `n` as the page shows it, for identities such as worker
  // names: entities decoded, spaces at both ends trimmed (ASCII whitespace,
  // NBSP, thin and narrow NBSP: see trim_space), inner
  // whitespace (tabs, runs of spaces, NBSP) kept byte for byte. A block
  // boundary or <br> adds one space only where no whitespace is there already.
  void exact_text(const Node* n, std::string& out);

  // Whether `n` holds any visible non-space text.
  bool has_text(const Node* n);

 private:
  std::vector<const Node*> stack_;  // nullptr marks the end of a separating element
};

// The element holding the value that goes with a label: the label's block is
// the largest ancestor (below `body`) holding no other text; the value is the
// next subtree with text. nullptr when there is none.
const Node* value_after_label(const Node* label, const Node* body, TextWalker& walker);

inline bool has_cell(const Node* tr, GumboTag tag) {
  return find_child(tr, tag) != nullptr;
}

}  // namespace kz::html
