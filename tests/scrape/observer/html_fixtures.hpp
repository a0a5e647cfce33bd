#pragma once

// Small HTML builders and tree lookups shared by the parser's tests.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "scrape/observer/html_tree.hpp"

namespace kz::test {

// The first element under `n` with this id, depth first, or nullptr.
inline const html::Node* by_id(const html::Node* n, std::string_view id) {
  if (html::attribute(n, "id") == id) return n;
  const GumboVector* kids = html::children_of(n);
  for (size_t i = 0; kids && i < kids->length; ++i) {
    if (const html::Node* hit = by_id(html::child(*kids, i), id)) return hit;
  }
  return nullptr;
}

// Every <table> under `n`, in document order.
inline void collect_tables(const html::Node* n, std::vector<const html::Node*>& out) {
  if (html::is_element(n, GUMBO_TAG_TABLE)) out.push_back(n);
  const GumboVector* kids = html::children_of(n);
  for (size_t i = 0; kids && i < kids->length; ++i) collect_tables(html::child(*kids, i), out);
}

// "<tr><td>a</td><td>b</td></tr>" from {"a", "b"}; `tag` "th" for header cells.
inline std::string row(std::initializer_list<std::string_view> cells, std::string_view tag = "td") {
  std::string s = "<tr>";
  for (const std::string_view c : cells) {
    s += "<" + std::string(tag) + ">" + std::string(c) + "</" + std::string(tag) + ">";
  }
  return s + "</tr>";
}

inline std::string table(const std::string& rows) {
  return "<table>" + rows + "</table>";
}

inline std::string page_html(std::initializer_list<std::string> tables) {
  std::string s = "<html><body>";
  for (const std::string& t : tables) s += t;
  return s + "</body></html>";
}

}  // namespace kz::test
