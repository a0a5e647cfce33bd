// The page generator's knobs do what they claim (tests/support/page_generator.hpp).
// The metamorphic test relies on them.

#include "support/page_generator.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

namespace kz {
namespace {

using test::Variant;

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t i = haystack.find(needle); i != std::string::npos; i = haystack.find(needle, i + 1)) {
    ++n;
  }
  return n;
}

std::string without(std::string s, const std::string& needle) {
  for (size_t i = s.find(needle); i != std::string::npos; i = s.find(needle, i)) {
    s.erase(i, needle.size());
  }
  return s;
}

// glibc iconv, the way a reader of the bytes would decode them.
std::string iconv_to_utf8(const std::string& bytes, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(bytes.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &dst_left), static_cast<size_t>(-1)) << from;
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

TEST(PageGenerator, NumberConventions) {
  using test::Numbers;
  const double hs = 1'234'567e9;  // 1234.567 TH/s
  EXPECT_EQ(test::format_hashrate(hs, {.unit = test::HashUnit::th, .numbers = Numbers::en_us}),
            "1,234.567 TH/s");
  EXPECT_EQ(test::format_hashrate(hs, {.unit = test::HashUnit::th, .numbers = Numbers::de}),
            "1.234,567 TH/s");
  EXPECT_EQ(test::format_hashrate(hs, {.unit = test::HashUnit::th, .numbers = Numbers::ch}),
            "1'234.567 TH/s");
  EXPECT_EQ(test::format_hashrate(
                hs, {.locale = "ru", .unit = test::HashUnit::th, .numbers = Numbers::by_locale}),
            "1\u00A0234,567 TH/s");
  EXPECT_EQ(test::format_hashrate(hs, {.thousands = test::Thousands::thin,
                                       .unit = test::HashUnit::th,
                                       .numbers = Numbers::ru}),
            "1\u2009234,567 TH/s");
  const Variant trim{.unit = test::HashUnit::th, .numbers = Numbers::en_us, .trim_fraction = true};
  EXPECT_EQ(test::format_hashrate(1234e12, trim), "1,234 TH/s");
  EXPECT_EQ(test::format_hashrate(137.25e12, trim), "137.25 TH/s");
  EXPECT_EQ(test::format_hashrate(1234e12, {.unit = test::HashUnit::th}), "1234.000 TH/s");
}

TEST(PageGenerator, CellBreaksSplitDateAndTime) {
  ObserverPage model = test::make_model(3, 4, 2);
  model.workers[0].last_share_local = "2026-11-22T10:33:25";
  const std::string br = test::render_page(model, {.cell_breaks = test::CellBreaks::br});
  EXPECT_NE(br.find("11/22/2026<br>10:33:25"), std::string::npos);
  const std::string block = test::render_page(model, {.cell_breaks = test::CellBreaks::block});
  EXPECT_NE(block.find("<div>11/22/2026</div><div>10:33:25</div>"), std::string::npos);
  EXPECT_GT(count(block, "<p>"), 3 * 5u);  // the other cells of the rows
}

TEST(PageGenerator, CommentSplitsOnlyAddComments) {
  const ObserverPage model = test::make_model(8, 5, 3);
  for (const bool decorate : {false, true}) {
    const Variant plain{.locale = "ru", .decorate = decorate, .seed = 9};
    Variant split = plain;
    split.comment_splits = true;
    const std::string page = test::render_page(model, split);
    EXPECT_GT(count(page, "<!-- -->"), 50u);
    EXPECT_EQ(without(page, "<!-- -->"), test::render_page(model, plain));
  }
}

TEST(PageGenerator, HeaderShapes) {
  const ObserverPage model = test::make_model(3, 6, 2);
  const std::string two = test::render_page(
      model, {.shuffle_columns = true, .seed = 4, .header_rows = test::HeaderRows::two});
  EXPECT_EQ(count(two, "<th colspan=\"3\">Hashrate</th>"), 1u);
  EXPECT_EQ(count(two, "<th rowspan=\"2\">"), 3u);
  for (const char* sub : {"<th>10 min</th>", "<th>1 h</th>", "<th>24 h</th>"}) {
    EXPECT_EQ(count(two, sub), 1u) << sub;
  }
  const std::string bare = test::render_page(model, {.thead = false});
  EXPECT_EQ(count(bare, "<thead>") + count(bare, "<tbody>"), 0u);
  EXPECT_EQ(count(bare, "<th>"), 6u + 3u);
}

TEST(PageGenerator, PlaceholderRowsInEmptyTables) {
  ObserverPage empty;
  EXPECT_EQ(count(test::render_page(empty, {}), "No workers"), 0u);
  const std::string page = test::render_page(empty, {.placeholder_rows = true});
  EXPECT_EQ(count(page, "<td colspan=\"6\">No workers</td>"), 1u);
  EXPECT_EQ(count(page, "<td colspan=\"3\">No data</td>"), 1u);
}

TEST(PageGenerator, CharsetsEncodeThePageAndDeclareIt) {
  ObserverPage model = test::make_model(5, 7, 2);
  model.workers[0].name = "ферма\u00A0№1";
  const Variant utf8{.locale = "ru",
                     .status_style = test::StatusStyle::russian,
                     .charset_decl = test::CharsetDecl::header};
  const std::string want = test::render_page(model, utf8);
  struct Case {
    test::Charset charset;
    const char* iconv_name;
    std::string bom;
  };
  for (const Case& c : {Case{test::Charset::windows_1251, "WINDOWS-1251", ""},
                        Case{test::Charset::iso_8859_5, "ISO-8859-5", ""},
                        Case{test::Charset::utf16le, "UTF-16LE", "\xFF\xFE"},
                        Case{test::Charset::utf16be, "UTF-16BE", "\xFE\xFF"}}) {
    Variant v = utf8;
    v.charset = c.charset;
    const std::string bytes = test::render_page(model, v);
    ASSERT_EQ(bytes.substr(0, c.bom.size()), c.bom) << c.iconv_name;
    EXPECT_EQ(iconv_to_utf8(bytes.substr(c.bom.size()), c.iconv_name), want) << c.iconv_name;
    EXPECT_EQ(test::content_type(v),
              "text/html; charset=" + std::string(test::charset_label(c.charset)));
  }
  // KOI8-R has no "№": it becomes a character reference.
  Variant koi8 = utf8;
  koi8.charset = test::Charset::koi8_r;
  const std::string decoded = iconv_to_utf8(test::render_page(model, koi8), "KOI8-R");
  EXPECT_NE(decoded.find("ферма\u00A0&#8470;1"), std::string::npos);
  Variant meta = koi8;
  meta.charset_decl = test::CharsetDecl::meta_http_equiv;
  EXPECT_EQ(test::content_type(meta), "text/html");
  EXPECT_NE(test::render_page(model, meta)
                .find("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"/>"),
            std::string::npos);
}

TEST(PageGenerator, HardNamesStayDistinct) {
  ObserverPage model = test::make_model(20, 8);
  test::use_hard_names_and_values(model);
  const std::string page = test::render_page(model, {});
  for (const char* shown : {">rig 7<", ">rig  7<", ">rig\t7<", ">rig\u00A07<", ">Ферма-1<",
                            ">a&amp;b&lt;c&gt;&quot;&#39;<", ">rig&amp;nbsp;7<"}) {
    EXPECT_EQ(count(page, shown), 1u) << shown;
  }
}

}  // namespace
}  // namespace kz
