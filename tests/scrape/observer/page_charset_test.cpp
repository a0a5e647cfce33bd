#include "scrape/observer/page_charset.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/charset.hpp"
#include "common/error.hpp"
#include "scrape/observer/decoded_worker_names.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/page_json.hpp"
#include "support/page_generator.hpp"

namespace kz {
namespace {

const std::string kUtf8Meta = "<meta charSet=\"utf-8\"/>";

// A generated observer page (`locale` "ru" or "en") whose meta tag is replaced by `meta`.
std::string observer_page(const std::string& locale, uint32_t seed, const std::string& meta) {
  test::Variant variant;
  variant.locale = locale;
  variant.seed = seed;
  variant.decimal_comma = locale == "ru";
  variant.status_style = locale == "ru" ? test::StatusStyle::russian : test::StatusStyle::upper;
  std::string html = test::render_page(test::make_model(12, seed), variant);
  const auto at = html.find(kUtf8Meta);
  EXPECT_NE(at, std::string::npos);
  html.replace(at, kUtf8Meta.size(), meta);
  return html;
}

std::string parsed_json(const std::string& html) {
  return page_to_json(parse_observer_page(html)).dump();
}

struct Charset {
  std::string label;  // as a page declares it
  std::string iconv;  // to encode the page in the test
  std::string bom;    // written before the page, when the charset is only given by one
};

const std::vector<Charset> kCharsets = {
    {"windows-1251", "WINDOWS-1251", ""}, {"koi8-r", "KOI8-R", ""},       {"KOI8-U", "KOI8-U", ""},
    {"iso-8859-5", "ISO-8859-5", ""},     {"cp1251", "WINDOWS-1251", ""}, {"ibm866", "IBM866", ""},
};

TEST(PageCharset, EachCharsetDeclaredInAMetaTagDecodesToTheSamePage) {
  for (const Charset& c : kCharsets) {
    for (const std::string locale : {"ru", "en"}) {
      for (uint32_t seed = 1; seed <= 3; ++seed) {
        const std::string utf8 = observer_page(locale, seed, "<meta charset=\"" + c.label + "\">");
        const std::string encoded = from_utf8(utf8, c.iconv);
        if (locale == "ru") {
          EXPECT_NE(encoded, utf8);
        }
        EXPECT_EQ(decode_page(encoded), utf8) << c.label;
        EXPECT_EQ(parsed_json(decode_page(encoded)), parsed_json(utf8)) << c.label;
      }
    }
  }
}

TEST(PageCharset, EachCharsetFromTheContentTypeHeaderDecodesWithoutAMetaTag) {
  for (const Charset& c : kCharsets) {
    const std::string utf8 = observer_page("ru", 7, "");
    const std::string encoded = from_utf8(utf8, c.iconv);
    EXPECT_EQ(decode_page(encoded, "text/html; charset=" + c.label), utf8) << c.label;
    EXPECT_EQ(decode_page(encoded, "text/html;charset=\"" + c.label + "\""), utf8) << c.label;
    EXPECT_EQ(decode_page(encoded, "text/html; foo=bar; CHARSET = " + c.label + " "), utf8);
  }
}

TEST(PageCharset, Utf16WithABomDecodesInBothByteOrders) {
  for (const std::string order : {"LE", "BE"}) {
    const std::string utf8 = observer_page("ru", 3, "<meta charset=\"utf-16\">");
    const std::string bom = order == "LE" ? "\xFF\xFE" : "\xFE\xFF";
    const std::string encoded = bom + from_utf8(utf8, "UTF-16" + order);
    const DecodedPage page = decode_page_detailed(encoded, "text/html");
    EXPECT_EQ(page.text, utf8);
    EXPECT_EQ(page.charset, "UTF-16" + order);
    EXPECT_EQ(page.source, "BOM");
    EXPECT_EQ(parsed_json(page.text), parsed_json(utf8));
  }
}

TEST(PageCharset, Utf16FromTheHeaderWithoutABom) {
  const std::string utf8 = observer_page("ru", 4, "");
  EXPECT_EQ(decode_page(from_utf8(utf8, "UTF-16BE"), "text/html; charset=utf-16be"), utf8);
  EXPECT_EQ(decode_page(from_utf8(utf8, "UTF-16LE"), "text/html; charset=utf-16"), utf8);
}

TEST(PageCharset, TheBomWinsOverTheHeaderWhichWinsOverTheMetaTag) {
  const std::string text = "<p>Текущий хешрейт</p>";
  const std::string koi8_meta = "<meta charset=\"koi8-r\">";
  // A UTF-8 BOM beats a header and a meta naming other charsets.
  DecodedPage page =
      decode_page_detailed("\xEF\xBB\xBF" + koi8_meta + text, "text/html; charset=windows-1251");
  EXPECT_EQ(page.text, koi8_meta + text);
  EXPECT_EQ(page.source, "BOM");
  // The header beats the meta tag.
  page = decode_page_detailed(from_utf8(koi8_meta + text, "WINDOWS-1251"),
                              "text/html; charset=cp1251");
  EXPECT_EQ(page.text, koi8_meta + text);
  EXPECT_EQ(page.charset, "windows-1251");
  EXPECT_EQ(page.source, "Content-Type header");
  // Without a charset in the header, the meta tag decides.
  page = decode_page_detailed(from_utf8(koi8_meta + text, "KOI8-R"), "text/html");
  EXPECT_EQ(page.text, koi8_meta + text);
  EXPECT_EQ(page.source, "meta tag");
  // Nothing at all: UTF-8.
  page = decode_page_detailed(text);
  EXPECT_EQ(page.text, text);
  EXPECT_EQ(page.source, "default");
}

TEST(PageCharset, AMetaTagCountsOnlyWithinTheFirst1024Bytes) {
  const std::string text = "<p>Баланс</p>";
  for (std::size_t padding : {0u, 100u, 900u, 990u, 1000u, 1100u, 5000u}) {
    const std::string meta = "<meta charset=windows-1251>";
    const std::string page = "<!DOCTYPE html><html><head><!--" + std::string(padding, 'x') + "-->" +
                             meta + "</head><body>" + text;
    const bool within = page.find(meta) + meta.size() <= 1024;
    const DecodedPage decoded = decode_page_detailed(from_utf8(page, "WINDOWS-1251"));
    EXPECT_EQ(decoded.source, within ? "meta tag" : "default") << padding;
    if (within) {
      EXPECT_EQ(decoded.text, page);
    } else {
      EXPECT_GT(decoded.replaced, 0u);  // cp1251 bytes are not UTF-8
    }
  }
}

TEST(PageCharset, ThePrescanFollowsTheHtmlStandard) {
  EXPECT_EQ(prescan_meta_charset("<meta charset=KOI8-R>"), "koi8-r");
  EXPECT_EQ(prescan_meta_charset("<META CHARSET='cp1251'/>"), "cp1251");
  EXPECT_EQ(prescan_meta_charset("<meta http-equiv=\"Content-Type\" content=\"text/html; "
                                 "charset=windows-1251\">"),
            "windows-1251");
  EXPECT_EQ(prescan_meta_charset("<meta content='text/html;charset=\"koi8-u\"' "
                                 "http-equiv=content-type>"),
            "koi8-u");
  // content= without http-equiv="Content-Type" does not count.
  EXPECT_EQ(prescan_meta_charset("<meta content=\"text/html; charset=koi8-r\"><meta "
                                 "charset=cp1251>"),
            "cp1251");
  // Comments, other tags' attributes and bogus markup are skipped.
  EXPECT_EQ(prescan_meta_charset("<!-- <meta charset=koi8-r> --><meta charset=cp1251>"), "cp1251");
  EXPECT_EQ(prescan_meta_charset("<div title=\"<meta charset=koi8-r>\"><meta charset=cp1251>"),
            "cp1251");
  EXPECT_EQ(prescan_meta_charset("<?xml version=\"1.0\"?><meta charset=cp1251>"), "cp1251");
  EXPECT_EQ(prescan_meta_charset("<metadata charset=koi8-r>"), std::nullopt);
  EXPECT_EQ(prescan_meta_charset("<meta charset=koi8-r"), std::nullopt);  // cut short
  EXPECT_EQ(prescan_meta_charset("<p>no meta</p>"), std::nullopt);
}

TEST(PageCharset, LabelsFollowTheEncodingStandard) {
  const std::vector<std::pair<std::string, std::string>> labels = {
      {"latin1", "windows-1252"},     {"ISO-8859-1", "windows-1252"},
      {"us-ascii", "windows-1252"},   {" cp1251 ", "windows-1251"},
      {"x-cp1251", "windows-1251"},   {"koi8", "KOI8-R"},
      {"koi8-ru", "KOI8-U"},          {"utf-16", "UTF-16LE"},
      {"unicodefffe", "UTF-16BE"},    {"utf8", "UTF-8"},
      {"iso-8859-9", "windows-1254"}, {"cyrillic", "ISO-8859-5"},
      {"iso_8859-16", "iso_8859-16"},  // not a standard label, but iconv knows it
  };
  for (const auto& [label, name] : labels) {
    const auto encoding = encoding_for_label(label);
    ASSERT_TRUE(encoding.has_value()) << label;
    EXPECT_EQ(encoding->name, name) << label;
  }
  EXPECT_EQ(encoding_for_label("no-such-charset"), std::nullopt);
}

TEST(PageCharset, Windows1252AndIso8859LabelsDecodeWesternText) {
  const std::string text = "<p>Café – naïve 5 €</p>";
  EXPECT_EQ(decode_page(from_utf8(text, "WINDOWS-1252"), "text/html; charset=latin1"), text);
  const std::string latin2 = "<p>Zażółć gęślą jaźń</p>";
  EXPECT_EQ(decode_page(from_utf8(latin2, "ISO-8859-2"), "text/html; charset=iso-8859-2"), latin2);
}

TEST(PageCharset, AnUnknownCharsetIsNoDataNamingIt) {
  for (const auto& [body, content_type] : std::vector<std::pair<std::string, std::string>>{
           {"<p>x</p>", "text/html; charset=x-klingon-8"},
           {"<meta charset=\"x-klingon-8\"><p>x</p>", "text/html"},
           {"<meta charset=\"x-user-defined\"><p>x</p>", "text/html; charset=x-klingon-8"}}) {
    try {
      (void)decode_page(body, content_type);
      ADD_FAILURE() << "no error for " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data);
      EXPECT_NE(std::string(e.what()).find("x-klingon-8"), std::string::npos) << e.what();
    }
  }
}

TEST(PageCharset, InvalidUtf8BecomesReplacementCharacters) {
  const DecodedPage page = decode_page_detailed(
      "<p>a\xFF"
      "b</p>",
      "text/html; charset=utf-8");
  EXPECT_EQ(page.text,
            "<p>a\xEF\xBF\xBD"
            "b</p>");
  EXPECT_EQ(page.replaced, 1u);
}

// An English page whose first two workers have Cyrillic names that differ in one letter.
std::string page_with_names(const std::string& a, const std::string& b, uint32_t seed) {
  ObserverPage model = test::make_model(6, seed);
  model.workers[0].name = a;
  model.workers[1].name = b;
  test::Variant variant;
  variant.seed = seed;
  return test::render_page(model, variant);
}

TEST(DecodedWorkerNames, NamesThatDecodingWouldMergeAreAnErrorNamingBoth) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    // Declared UTF-8 but sent in windows-1251: "Ю" and "Я" are the invalid bytes DE and DF.
    const std::string body = from_utf8(page_with_names("Ферма-Ю", "Ферма-Я", seed), "WINDOWS-1251");
    const DecodedPage decoded = decode_page_detailed(body, "text/html; charset=utf-8");
    ASSERT_GT(decoded.replaced, 0u);
    try {
      check_decoding_keeps_workers_apart(body, "text/html; charset=utf-8");
      ADD_FAILURE() << "no error, seed " << seed;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data);
      const std::string what = e.what();
      EXPECT_NE(what.find("\\xDE"), std::string::npos) << what;
      EXPECT_NE(what.find("\\xDF"), std::string::npos) << what;
      EXPECT_NE(what.find("UTF-8"), std::string::npos) << what;
    }
  }
}

TEST(DecodedWorkerNames, NamesThatStayApartPass) {
  // Invalid bytes, but the names still differ in valid letters.
  const std::string body = from_utf8(page_with_names("Ю-a", "Ю-b", 2), "WINDOWS-1251");
  EXPECT_NO_THROW(check_decoding_keeps_workers_apart(body, "text/html; charset=utf-8"));
  // Decoded in the right charset nothing is invalid.
  EXPECT_NO_THROW(check_decoding_keeps_workers_apart(body, "text/html; charset=windows-1251"));
}

TEST(InvalidBytes, MarksTellEveryInvalidByteApart) {
  for (int byte = 0x80; byte <= 0xFF; ++byte) {
    const std::string mark = invalid_byte_mark(static_cast<unsigned char>(byte));
    EXPECT_EQ(valid_utf8(mark).replaced, 0u);  // a valid code point itself
    const Utf8Text text = valid_utf8(std::string(1, static_cast<char>(byte)), InvalidBytes::mark);
    EXPECT_EQ(text.text, mark);
    for (int other = 0x80; other < byte; ++other) {
      EXPECT_NE(invalid_byte_mark(static_cast<unsigned char>(other)), mark);
    }
  }
}

}  // namespace
}  // namespace kz
