#include "common/charset.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.hpp"

namespace kz {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Russian and English text with digits and punctuation, varied by `seed`.
std::string sample_text(int seed) {
  const std::vector<std::string> words = {"Воркер", "хешрейт", "Баланс", "worker",  "Онлайн",
                                          "щука",   "ЁЖИК",    "ёлка",   "Balance", "эхо"};
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += words[static_cast<std::size_t>((seed * 7 + i * 3) % 10)];
    out += i % 3 == 0 ? ", " : " ";
    out += std::to_string(seed * 131 + i);
  }
  return out;
}

TEST(Charset, RoundTripsRussianAndEnglishTextInEachCharset) {
  for (const std::string charset : {"WINDOWS-1251", "KOI8-R", "KOI8-U", "ISO-8859-5", "IBM866",
                                    "UTF-16LE", "UTF-16BE", "MAC-CYRILLIC"}) {
    for (int seed = 0; seed < 20; ++seed) {
      const std::string text = sample_text(seed);
      const std::string encoded = from_utf8(text, charset);
      EXPECT_NE(encoded, text) << charset;
      const Utf8Text decoded = to_utf8(encoded, charset);
      EXPECT_EQ(decoded.text, text) << charset << " seed " << seed;
      EXPECT_EQ(decoded.replaced, 0u) << charset;
    }
  }
}

TEST(Charset, CharsetNamesAreCaseInsensitive) {
  const std::string encoded = from_utf8("Привет", "windows-1251");
  EXPECT_EQ(to_utf8(encoded, "Windows-1251").text, "Привет");
}

TEST(Charset, InvalidBytesBecomeOneReplacementEach) {
  // 0x98 is unassigned in windows-1251.
  const Utf8Text text = to_utf8(std::string("a\x98\xC0z\x98", 5), "WINDOWS-1251");
  EXPECT_EQ(text.text, "a" + kFffd + "Аz" + kFffd);
  EXPECT_EQ(text.replaced, 2u);
}

TEST(Charset, AnUnpairedSurrogateOrOddByteInUtf16IsOneReplacement) {
  std::string bytes = from_utf8("ab", "UTF-16LE");
  bytes += std::string("\x00\xD8", 2);  // a lone high surrogate
  bytes += from_utf8("c", "UTF-16LE");
  bytes += 'x';  // half a code unit at the end
  const Utf8Text text = to_utf8(bytes, "UTF-16LE");
  EXPECT_EQ(text.text, "ab" + kFffd + "c" + kFffd);
  EXPECT_EQ(text.replaced, 2u);
}

TEST(Charset, AnUnknownCharsetIsNoDataNamingIt) {
  try {
    (void)to_utf8("abc", "x-no-such-charset");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    EXPECT_NE(std::string(e.what()).find("x-no-such-charset"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(iconv_knows("x-no-such-charset"));
  EXPECT_TRUE(iconv_knows("KOI8-R"));
}

TEST(Charset, ValidUtf8IsCopiedUnchanged) {
  for (int seed = 0; seed < 10; ++seed) {
    const std::string text = sample_text(seed) + "\xF0\x9F\x98\x80 €";
    const Utf8Text valid = valid_utf8(text);
    EXPECT_EQ(valid.text, text);
    EXPECT_EQ(valid.replaced, 0u);
  }
}

TEST(Charset, IllFormedUtf8IsReplacedPerMaximalSubpart) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"a\x80z", "a" + kFffd + "z"},                          // lone continuation byte
      {"a\xC0\xAFz", "a" + kFffd + kFffd + "z"},              // overlong lead: each byte
      {"a\xE2\x82z", "a" + kFffd + "z"},                      // truncated 3-byte: one
      {"a\xED\xA0\x80z", "a" + kFffd + kFffd + kFffd + "z"},  // surrogate: each byte
      {"a\xF0\x9F\x98", "a" + kFffd},                         // truncated at the end
      {"\xF5\x80", kFffd + kFffd},                            // beyond U+10FFFF
      {"\xD0\x9F\xFF\xD0\x9F", "П" + kFffd + "П"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(valid_utf8(c.in).text, c.out);
    // The result is valid: a second pass changes nothing.
    EXPECT_EQ(valid_utf8(c.out).replaced, 0u);
  }
}

TEST(Charset, AnIllFormedByteIsFoundAtEveryOffsetOfLongAsciiText) {
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(40, 'a');
    text[at] = '\xFF';
    std::string expected(40, 'a');
    expected.replace(at, 1, kFffd);
    const Utf8Text valid = valid_utf8(text);
    EXPECT_EQ(valid.text, expected) << at;
    EXPECT_EQ(valid.replaced, 1u) << at;
  }
}

TEST(Charset, TextACharsetCannotWriteIsAnError) {
  EXPECT_THROW((void)from_utf8("Привет", "ISO-8859-1"), Error);
}

}  // namespace
}  // namespace kz
