#include "scrape/observer/html_tree.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "scrape/observer/html_fixtures.hpp"
#include "scrape/observer/table_grid.hpp"

namespace kz::html {
namespace {

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const Node* body_of(const Document& doc) {
  const Node* body = find_child(doc.root(), GUMBO_TAG_BODY);
  EXPECT_NE(body, nullptr);
  return body;
}

using test::by_id;

std::string text_of_id(const Document& doc, std::string_view id) {
  const Node* n = by_id(doc.root(), id);
  EXPECT_NE(n, nullptr) << id;
  std::string out = "stale";
  TextWalker walker;
  if (n) walker.text(n, out);
  return out;
}

TEST(HtmlText, CollapsesAsciiWhitespaceAcrossNodesAndTrims) {
  const Document doc(
      "<html><body><div id=a>\n\t  Online  <b>\r\n 12 </b>\f<i>TH/s</i>  \n</div>"
      "<div id=b>ab<b>cd</b>ef</div><div id=c> \n </div></body></html>");
  EXPECT_EQ(text_of_id(doc, "a"), "Online 12 TH/s");
  EXPECT_EQ(text_of_id(doc, "b"), "abcdef");  // no space where the markup had none
  EXPECT_EQ(text_of_id(doc, "c"), "");        // `out` is cleared, not appended to
}

TEST(HtmlText, KeepsNonAsciiSpacesAndSkipsHiddenContent) {
  const Document doc(
      "<html><body><div id=a>1\u00A0234 <script>var x = 1;</script><style>p{}</style>"
      "<!-- note --><svg><text>icon</text></svg><template>t</template>BTC</div>"
      "<div id=h><script>x</script><!-- c --> \u00A0 </div></body></html>");
  EXPECT_EQ(text_of_id(doc, "a"), "1\u00A0234 BTC");
  TextWalker walker;
  EXPECT_FALSE(walker.has_text(by_id(doc.root(), "h")));  // only spaces and hidden content
  EXPECT_TRUE(walker.has_text(by_id(doc.root(), "a")));
}

TEST(HtmlMarkup, RefusesNestingDeeperThanTheLimit) {
  const std::string ok = repeat("<div>", kMaxNesting);
  EXPECT_EQ(markup_problem(ok), std::nullopt);
  const std::string deep = repeat("<div>", kMaxNesting + 1);
  EXPECT_EQ(markup_problem(deep), "elements nested more than 512 deep");
  EXPECT_EQ(markup_problem(repeat("<SPAN class='a>b'>", 100000)),
            "elements nested more than 512 deep");
}

TEST(HtmlMarkup, CountsOnlyRealNesting) {
  // Closed, self-closed and void/optional-end elements do not nest.
  EXPECT_EQ(markup_problem(repeat("<div><b>x</b></div>", 5000)), std::nullopt);
  EXPECT_EQ(markup_problem(repeat("<div/>", 5000)), std::nullopt);
  EXPECT_EQ(markup_problem(repeat("<p><li><td><tr><br><IMG src=x>", 5000)), std::nullopt);
  // Tags inside comments, scripts and other raw text are not tags.
  EXPECT_EQ(markup_problem("<!-- " + repeat("<div>", 5000) + " -->"), std::nullopt);
  EXPECT_EQ(markup_problem("<script>" + repeat("<div>", 5000) + "</SCRIPT>"), std::nullopt);
  // ...but what follows the end of the raw text is.
  EXPECT_NE(markup_problem("<title>x</title>" + repeat("<div>", 5000)), std::nullopt);
}

TEST(HtmlMarkup, RefusesTooManyAttributes) {
  const auto tag = [](size_t n) {
    std::string s = "<div";
    for (size_t i = 0; i < n; ++i) s += " a" + std::to_string(i) + "=\"v>\"";
    return s + ">";
  };
  EXPECT_EQ(markup_problem(tag(kMaxAttributes)), std::nullopt);
  EXPECT_EQ(markup_problem(tag(kMaxAttributes + 1)), "a tag with more than 256 attributes");
}

TEST(HtmlTree, FindChildLooksAtDirectChildrenOnly) {
  const Document doc(
      "<html><head><title>T</title></head><body>"
      "<div id=outer><table id=inner><tr><td>x</td></tr></table></div>"
      "<div id=second></div></body></html>");
  const Node* body = body_of(doc);
  ASSERT_NE(body, nullptr);
  const Node* div = find_child(body, GUMBO_TAG_DIV);
  ASSERT_NE(div, nullptr);
  EXPECT_EQ(attribute(div, "id"), "outer");               // the first of two
  EXPECT_EQ(find_child(body, GUMBO_TAG_TABLE), nullptr);  // a grandchild
  EXPECT_EQ(find_child(div, GUMBO_TAG_TABLE), by_id(doc.root(), "inner"));
  EXPECT_EQ(find_child(body, GUMBO_TAG_SPAN), nullptr);
  const Node* head = find_child(doc.root(), GUMBO_TAG_HEAD);
  ASSERT_NE(head, nullptr);
  const Node* title = find_child(head, GUMBO_TAG_TITLE);
  ASSERT_NE(title, nullptr);
  EXPECT_EQ(find_child(child(title->v.element.children, 0), GUMBO_TAG_TITLE),
            nullptr);  // a text node has no children
}

TEST(HtmlTree, CutOffInputLeavesElementsIncomplete) {
  const Document whole("<html><body><p id=p>x</p></body></html>");
  EXPECT_EQ(whole.end_of_input(), std::numeric_limits<size_t>::max());
  EXPECT_TRUE(complete(by_id(whole.root(), "p"), whole.end_of_input()));

  const std::string cut = "<html><body><p id=done>x</p><div id=open><span>12";
  const Document doc(cut);
  EXPECT_EQ(doc.end_of_input(), cut.size());
  EXPECT_TRUE(complete(by_id(doc.root(), "done"), doc.end_of_input()));
  EXPECT_FALSE(complete(by_id(doc.root(), "open"), doc.end_of_input()));
}

TEST(HtmlTree, TableRowsPickTheHeaderRow) {
  const Document doc(
      "<html><body>"
      "<table id=a><tr><td>1</td></tr><thead><tr id=ah><td>H</td></tr></thead>"
      "<tbody><tr><th>x</th><td>2</td></tr></tbody></table>"
      "<table id=b><tr id=b1><td>1</td></tr><tr id=bh><th>H</th></tr></table>"
      "<table id=c><tr id=c1><td>1</td></tr><tr><td><table><tr><td>n</td></tr></table></td></tr>"
      "</table><table id=d></table></body></html>");
  const auto header_row = [&](const char* id) {
    TableGrid grid(by_id(doc.root(), id));
    return grid.header_count() > 0 ? grid.row_at(grid.header_first()) : nullptr;
  };
  EXPECT_EQ(header_row("a"), by_id(doc.root(), "ah"));
  EXPECT_EQ(TableGrid(by_id(doc.root(), "a")).rows(), 3u);
  EXPECT_EQ(header_row("b"), by_id(doc.root(), "bh"));
  EXPECT_EQ(TableGrid(by_id(doc.root(), "b")).rows(), 2u);
  EXPECT_EQ(header_row("c"), by_id(doc.root(), "c1"));
  EXPECT_EQ(TableGrid(by_id(doc.root(), "c")).rows(), 2u);  // not the nested table's row
  EXPECT_EQ(header_row("d"), nullptr);
}

TEST(HtmlTree, ValueAfterLabelSkipsEmptySiblings) {
  const Document doc(
      "<html><body><div class=card><div><span id=label>Balance</span></div>"
      "<div> <i></i> </div><div id=value><b>0.5</b> BTC</div></div>"
      "<div><span id=lonely>Orphan</span></div></body></html>");
  const Node* body = body_of(doc);
  TextWalker walker;
  const Node* label_text = child(by_id(doc.root(), "label")->v.element.children, 0);
  EXPECT_EQ(value_after_label(label_text, body, walker), by_id(doc.root(), "value"));
  const Node* lonely = child(by_id(doc.root(), "lonely")->v.element.children, 0);
  EXPECT_EQ(value_after_label(lonely, body, walker), nullptr);
}

TEST(HtmlTree, InsideAnyWalksUpTheParents) {
  const Document doc("<html><body><div id=a><p id=in>x</p></div><p id=out>y</p></body></html>");
  const std::vector<const Node*> tables{by_id(doc.root(), "a")};
  EXPECT_TRUE(inside_any(by_id(doc.root(), "in"), tables));
  EXPECT_TRUE(inside_any(by_id(doc.root(), "a"), tables));
  EXPECT_FALSE(inside_any(by_id(doc.root(), "out"), tables));
}

}  // namespace
}  // namespace kz::html
