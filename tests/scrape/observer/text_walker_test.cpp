// Visible text (issue 9, kinds 1, 2 and 9): which boundaries separate text, and
// names read byte for byte.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scrape/observer/html_fixtures.hpp"
#include "scrape/observer/html_tree.hpp"

namespace kz::html {
namespace {

using test::by_id;

struct Texts {
  std::string text, exact;
};

// The text of `inner` inside a <div id=t> (or a cell, when `in_table`).
Texts texts_of(const std::string& inner, bool in_table = false) {
  const std::string html =
      in_table ? "<html><body><table><tr><td id=t>" + inner + "</td></tr></table></body></html>"
               : "<html><body><div id=t>" + inner + "</div></body></html>";
  const Document doc(html);
  const Node* n = by_id(doc.root(), "t");
  EXPECT_NE(n, nullptr) << html;
  Texts out{"stale", "stale"};
  TextWalker walker;
  if (n) {
    walker.text(n, out.text);
    walker.exact_text(n, out.exact);
  }
  return out;
}

// <table> and <form> are left to the other tests: the HTML parser moves text
// out of a table (foster parenting) and gumbo keeps text after </form> inside it.
const std::vector<std::string> kBlockTags = {
    "p",          "div",     "li",       "ul",     "ol",      "h1",         "h2",
    "h3",         "h4",      "h5",       "h6",     "section", "article",    "header",
    "footer",     "nav",     "aside",    "main",   "figure",  "figcaption", "address",
    "blockquote", "pre",     "fieldset", "legend", "dl",      "dt",         "dd",
    "details",    "summary", "center",   "hgroup", "menu"};
const std::vector<std::string> kInlineTags = {
    "span", "b",     "i",    "a",    "strong", "em",  "small", "sup",  "sub", "abbr",
    "time", "code",  "kbd",  "mark", "u",      "s",   "q",     "cite", "bdi", "bdo",
    "data", "label", "font", "big",  "tt",     "var", "samp",  "nobr", "ins", "del"};

TEST(TextWalker, BlockElementsSeparateTextEverywhereTheyStand) {
  for (const std::string& tag : kBlockTags) {
    SCOPED_TRACE(tag);
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    // Inside text, at the start, at the end, nested and back to back.
    EXPECT_EQ(texts_of("a" + open + "b" + close + "c").text, "a b c");
    EXPECT_EQ(texts_of(open + "a" + close + "b").text, "a b");
    EXPECT_EQ(texts_of("a" + open + "b" + close).text, "a b");
    EXPECT_EQ(texts_of(open + "a" + close + open + "b" + close).text, "a b");
    EXPECT_EQ(texts_of(open + open + "a" + close + close + "b").text, "a b");
    EXPECT_EQ(texts_of("a" + open + close + "b").text, "a b");
    EXPECT_EQ(texts_of(" a " + open + " b " + close + " c ").text, "a b c");
    EXPECT_EQ(texts_of("a" + open + "b" + close + "c").exact, "a b c");
  }
}

TEST(TextWalker, InlineElementsAndCommentsDoNotSeparate) {
  for (const std::string& tag : kInlineTags) {
    SCOPED_TRACE(tag);
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    EXPECT_EQ(texts_of(open + "1" + close + open + "50" + close).text, "150");
    EXPECT_EQ(texts_of("1" + open + "5" + close + "0").text, "150");
    EXPECT_EQ(texts_of("1" + open + close + "50").exact, "150");
    EXPECT_EQ(texts_of("1" + open + "5" + close + " " + open + "TH/s" + close).text, "15 TH/s");
  }
  // React SSR comments between pieces of text, at every position of a word.
  const std::string word = "hashrate";
  for (size_t cut = 0; cut <= word.size(); ++cut) {
    const std::string split = word.substr(0, cut) + "<!-- -->" + word.substr(cut);
    EXPECT_EQ(texts_of(split).text, word) << split;
    EXPECT_EQ(texts_of(split).exact, word) << split;
    EXPECT_EQ(texts_of("<!---->" + split + "<!--x-->").text, word) << split;
  }
}

TEST(TextWalker, LineBreaksAndCellBoundariesSeparate) {
  for (const std::string br : {"<br>", "<br/>", "<BR>", "<br >", "<hr>"}) {
    EXPECT_EQ(texts_of("11/22/2026" + br + "10:33:25").text, "11/22/2026 10:33:25") << br;
    EXPECT_EQ(texts_of("11/22/2026" + br + "10:33:25", true).text, "11/22/2026 10:33:25") << br;
    EXPECT_EQ(texts_of("a" + br + br + "b").text, "a b") << br;
    EXPECT_EQ(texts_of(br + "a" + br).text, "a") << br;
  }
  EXPECT_EQ(texts_of("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>").text,
            "a b c");
  // <wbr> is a break opportunity, not a break.
  EXPECT_EQ(texts_of("ab<wbr>cd").text, "abcd");
}

TEST(TextWalker, ExactTextKeepsInnerWhitespaceByteForByte) {
  const std::vector<std::string> names = {
      "a\tb",     "a b",      "a  b", "a\u00A0b",       "a \t b",      "a\n b",
      "a\u202Fb", "x\u3000y", "a&b",  "a\u00A0\u00A0b", "имя  воркера"};
  for (const std::string& name : names) {
    for (const std::string pad :
         {"", " ", "\n\t  ", "\t", "&nbsp;", "\u00A0 ", "\u202F", "\u2009"}) {
      SCOPED_TRACE("[" + name + "] pad [" + pad + "]");
      EXPECT_EQ(texts_of(pad + "<span>" + pad + name + pad + "</span>" + pad, true).exact, name);
      EXPECT_EQ(texts_of(pad + name + pad).exact, name);
    }
  }
  // Entities are decoded, comments and inline elements join without a byte added.
  EXPECT_EQ(texts_of("a&nbsp;&nbsp;b&amp;c&#9;d").exact, "a\u00A0\u00A0b&c\td");
  EXPECT_EQ(texts_of("kz<!-- -->01<b>x</b>\t001").exact, "kz01x\t001");
  // Block boundaries still separate, with one space only where there is none.
  EXPECT_EQ(texts_of("<div>a</div><div>b</div>").exact, "a b");
  EXPECT_EQ(texts_of("<div>a</div>\t<div>b</div>").exact, "a\tb");
  EXPECT_EQ(texts_of("a<br>b").exact, "a b");
  // The collapsing walk makes these equal; the exact one never does.
  EXPECT_EQ(texts_of("a\tb").text, texts_of("a  b").text);
  EXPECT_NE(texts_of("a\tb").exact, texts_of("a  b").exact);
}

TEST(TextWalker, HiddenContentIsNoTextAndNoBoundary) {
  EXPECT_EQ(texts_of("1<script>x</script>50").text, "150");
  EXPECT_EQ(texts_of("1<style>p{}</style>50").exact, "150");
  EXPECT_EQ(texts_of("1<svg><text>icon</text></svg>50").text, "150");
  EXPECT_EQ(texts_of("<img src=x alt=y>1").text, "1");
}

}  // namespace
}  // namespace kz::html
