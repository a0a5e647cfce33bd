#include "common/units.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace kz {
namespace {

constexpr const char* kNbsp = "\u00A0";
constexpr const char* kNarrowNbsp = "\u202F";

TEST(Hashrate, ReadsThePageFormatsExactly) {
  EXPECT_EQ(parse_hashrate_hs("137.937 TH/s"), 137937e9);
  EXPECT_EQ(parse_hashrate_hs("38.384 PH/s"), 38384e12);
  EXPECT_EQ(parse_hashrate_hs("38,384 PH/s"), 38384e12);
  EXPECT_EQ(parse_hashrate_hs("181.037TH/s"), 181037e9);
  EXPECT_EQ(parse_hashrate_hs("0 H/s"), 0.0);
  EXPECT_EQ(parse_hashrate_hs("  175.600 TH/s \n"), 175.6e12);
}

TEST(Hashrate, EveryUnitAndLetterCase) {
  EXPECT_EQ(parse_hashrate_hs("5 H/s"), 5.0);
  EXPECT_EQ(parse_hashrate_hs("5 kH/s"), 5e3);
  EXPECT_EQ(parse_hashrate_hs("5 KH/s"), 5e3);
  EXPECT_EQ(parse_hashrate_hs("5 MH/s"), 5e6);
  EXPECT_EQ(parse_hashrate_hs("5 gh/s"), 5e9);
  EXPECT_EQ(parse_hashrate_hs("5 TH/S"), 5e12);
  EXPECT_EQ(parse_hashrate_hs("5 PH/s"), 5e15);
  EXPECT_EQ(parse_hashrate_hs("5 EH/s"), 5e18);
  EXPECT_EQ(parse_hashrate_hs("1.5 H/s"), 1.5);
  EXPECT_EQ(parse_hashrate_hs("0.000137937 EH/s"), 137937e9);
  EXPECT_EQ(parse_hashrate_hs("5 ТН/с"), 5e12);  // Cyrillic letters
  EXPECT_EQ(parse_hashrate_hs("5 Тх/с"), 5e12);
}

TEST(Hashrate, ThousandsSeparators) {
  EXPECT_EQ(parse_hashrate_hs("1 234,567 TH/s"), 1234567e9);
  EXPECT_EQ(parse_hashrate_hs(std::string("1") + kNbsp + "234,567" + kNbsp + "TH/s"), 1234567e9);
  EXPECT_EQ(parse_hashrate_hs(std::string("1") + kNarrowNbsp + "234,567 TH/s"), 1234567e9);
  EXPECT_EQ(parse_hashrate_hs("1,234.567 TH/s"), 1234567e9);
  EXPECT_EQ(parse_hashrate_hs("1.234,567 TH/s"), 1234567e9);
  EXPECT_EQ(parse_hashrate_hs("1.234.567,5 GH/s"), 1234567.5e9);
  EXPECT_EQ(parse_hashrate_hs("1 234 567 H/s"), 1234567.0);
  EXPECT_EQ(parse_hashrate_hs("137 937 000 000 000,000 H/s"), 137937e9);
}

TEST(Hashrate, ALoneCommaIsTheDecimalComma) {
  EXPECT_EQ(parse_hashrate_hs("1,234 TH/s"), 1.234e12);
  EXPECT_EQ(parse_hashrate_hs("1.234 TH/s"), 1.234e12);
}

TEST(Hashrate, RejectsGarbage) {
  for (const char* text :
       {"", "abc", "TH/s", "1.2.3 TH/s", "12 XH/s", "12", "12 TH", "-5 TH/s", "1..2 TH/s",
        "1,2,3 TH/s", "12 34 TH/s", "1 2345 TH/s", ".5 TH/s", "5. TH/s", "1,5.5,5 TH/s",
        "5 TH/s extra", "99999999999999999999999 TH/s", "1.5 000 TH/s", "5 mTH/s"}) {
    EXPECT_FALSE(parse_hashrate_hs(text).has_value()) << text;
  }
}

TEST(Btc, ReadsThePageFormats) {
  EXPECT_EQ(parse_btc_sat("0.01864218BTC"), 1864218);
  EXPECT_EQ(parse_btc_sat("0.01864218 BTC"), 1864218);
  EXPECT_EQ(parse_btc_sat("0.01864218"), 1864218);
  EXPECT_EQ(parse_btc_sat("0,01864218 BTC"), 1864218);
  EXPECT_EQ(parse_btc_sat("1 234.5 BTC"), 123450000000);
  EXPECT_EQ(parse_btc_sat(std::string("1") + kNbsp + "234,5" + kNbsp + "btc"), 123450000000);
  EXPECT_EQ(parse_btc_sat("1,234.5 BTC"), 123450000000);
  EXPECT_EQ(parse_btc_sat("0"), 0);
  EXPECT_EQ(parse_btc_sat("21000000"), 2100000000000000);
  EXPECT_EQ(parse_btc_sat("0.1"), 10000000);
  EXPECT_EQ(parse_btc_sat("0.00000001"), 1);
}

TEST(Btc, ExtraDecimalsOnlyWhenZero) {
  EXPECT_EQ(parse_btc_sat("0.0186421800"), 1864218);
  EXPECT_FALSE(parse_btc_sat("0.018642181").has_value());
  EXPECT_FALSE(parse_btc_sat("0.000000001").has_value());
}

TEST(Btc, RejectsGarbageNegativeAndOverflow) {
  for (const char* text : {"", "abc", "BTC", "-0.5", "-0.5 BTC", "0.5 ETH", "0.5 BTCX", "1.2.3",
                           "92233720368.54775808", "99999999999999999999", "1 2345 BTC"}) {
    EXPECT_FALSE(parse_btc_sat(text).has_value()) << text;
  }
  EXPECT_EQ(parse_btc_sat("92233720368.54775807"), std::numeric_limits<int64_t>::max());
}

TEST(Count, ReadsPlainAndGroupedIntegers) {
  EXPECT_EQ(parse_count("198"), 198);
  EXPECT_EQ(parse_count(" 0 "), 0);
  EXPECT_EQ(parse_count("1 234"), 1234);
  EXPECT_EQ(parse_count(std::string("12") + kNbsp + "345"), 12345);
  EXPECT_EQ(parse_count("1,234"), 1234);
  EXPECT_EQ(parse_count("1.234.567"), 1234567);
  for (const char* text : {"", "x", "1.5", "12 34", "-1", "5 workers", "99999999999999999999"}) {
    EXPECT_FALSE(parse_count(text).has_value()) << text;
  }
}

TEST(ImpliedDecimalMark, BothMarksPresentTheLastIsDecimal) {
  EXPECT_EQ(implied_decimal_mark("1,234.5 TH/s"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1.234,5 TH/s"), DecimalMark::comma);
  EXPECT_EQ(implied_decimal_mark("1,234,567.891"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1.234.567,891"), DecimalMark::comma);
  for (const char* malformed : {"1.234,5.6", "1,23.5", "1.2345,6", "12,34.5"}) {
    EXPECT_EQ(implied_decimal_mark(malformed), std::nullopt) << malformed;
  }
}

TEST(ImpliedDecimalMark, ARepeatedMarkGroupsSoTheOtherIsDecimal) {
  EXPECT_EQ(implied_decimal_mark("1,234,567"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1.234.567 H/s"), DecimalMark::comma);
  EXPECT_EQ(implied_decimal_mark("1,2,3"), std::nullopt);  // groups of one digit: no number
}

TEST(ImpliedDecimalMark, ALoneMarkIsDecimalWhenItCannotGroup) {
  EXPECT_EQ(implied_decimal_mark("1,5 TH/s"), DecimalMark::comma);
  EXPECT_EQ(implied_decimal_mark("1.2345"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("0.01864218BTC"), DecimalMark::dot);  // 8 digits after it
  EXPECT_EQ(implied_decimal_mark("0,123"), DecimalMark::comma);        // a leading "0" group
  EXPECT_EQ(implied_decimal_mark("012.345"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1234,567"), DecimalMark::comma);  // first group too long
  EXPECT_EQ(implied_decimal_mark("1 234,567 TH/s"), DecimalMark::comma);
  EXPECT_EQ(implied_decimal_mark(std::string("1") + kNarrowNbsp + "234.567"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1'234.567"), DecimalMark::dot);
  EXPECT_EQ(implied_decimal_mark("1\u2019234,567"), DecimalMark::comma);
  EXPECT_EQ(implied_decimal_mark("\u22121,5 TH/s"), DecimalMark::comma);
}

TEST(ImpliedDecimalMark, AmbiguousFormsAndNonNumbersSayNothing) {
  for (const char* text : {"1,234",
                           "1.234 TH/s",
                           "12,345",
                           "123.456",
                           "1 234",
                           "1'234",
                           "12",
                           "0",
                           "0 H/s",
                           "",
                           "ONLINE",
                           "v1.5",
                           "22.11.2026",
                           "22.11.2026 10:33:25",
                           "11/22/2026, 10:33:25",
                           "10:33",
                           "100x1.10X12X100X1",
                           "1,5 TH/s 2",
                           ".5",
                           "5.",
                           "1..5",
                           "1, 5"}) {
    EXPECT_EQ(implied_decimal_mark(text), std::nullopt) << text;
  }
}

TEST(GivenMark, TheOtherMarkGroupsInThrees) {
  EXPECT_EQ(parse_hashrate_hs("1,234 TH/s", DecimalMark::dot), 1234e12);
  EXPECT_EQ(parse_hashrate_hs("1,234 TH/s", DecimalMark::comma), 1.234e12);
  EXPECT_EQ(parse_hashrate_hs("1.234 TH/s", DecimalMark::comma), 1234e12);
  EXPECT_EQ(parse_hashrate_hs("137.937 TH/s", DecimalMark::dot), 137937e9);
  EXPECT_EQ(parse_btc_sat("1.234,5 BTC", DecimalMark::comma), 123450000000);
  EXPECT_EQ(parse_btc_sat("1,234", DecimalMark::dot), 123400000000);
  for (const char* text : {"1,5 TH/s", "0,123 TH/s", "1234,567 TH/s", "1,234.5,6 TH/s",
                           "1.234,5 TH/s", "1,2345 TH/s", "1 234,5 TH/s", "1,234 567 TH/s"}) {
    EXPECT_FALSE(parse_hashrate_hs(text, DecimalMark::dot).has_value()) << text;
  }
}

TEST(GivenMark, ApostrophesAndUnicodeSpacesGroup) {
  EXPECT_EQ(parse_hashrate_hs("1'234.5 TH/s", DecimalMark::dot), 1234.5e12);
  EXPECT_EQ(parse_hashrate_hs("1\u2019234\u2019567 H/s", DecimalMark::dot), 1234567.0);
  EXPECT_EQ(parse_btc_sat("1\u2009234,5 BTC", DecimalMark::comma), 123450000000);
  EXPECT_EQ(parse_count("1'234"), 1234);
  EXPECT_EQ(parse_count("1\u2019234\u2019567"), 1234567);
  EXPECT_EQ(parse_count(std::string("1") + kNarrowNbsp + "234"), 1234);
  EXPECT_EQ(parse_count("1\u2009234"), 1234);
  for (const char* text : {"1'23", "1,234 567", "1'234,567", "0 123", "'123"}) {
    EXPECT_FALSE(parse_count(text).has_value()) << text;
  }
}

TEST(GivenMark, MinusSignsGiveNoValue) {
  for (const DecimalMark mark : {DecimalMark::dot, DecimalMark::comma}) {
    for (const char* text : {"-5 TH/s", "\u22125 TH/s", "\u22120 H/s", "-0,5 TH/s"}) {
      EXPECT_FALSE(parse_hashrate_hs(text, mark).has_value()) << text;
    }
    for (const char* text : {"-0.5 BTC", "\u22120,5 BTC", "\u22121", "-0"}) {
      EXPECT_FALSE(parse_btc_sat(text, mark).has_value()) << text;
    }
  }
  EXPECT_FALSE(parse_count("\u22121").has_value());
}

TEST(GivenMark, OverlongNumbersGiveNoValue) {
  std::string grouped = "1";
  for (int i = 0; i < 100; ++i) grouped += " 000";
  std::string spaced = "1";
  for (int i = 0; i < 300; ++i) spaced += " ";
  for (const std::string& text : {grouped, spaced + "5", std::string(300, '0') + "1"}) {
    EXPECT_FALSE(parse_count(text).has_value());
    EXPECT_FALSE(parse_btc_sat(text, DecimalMark::dot).has_value());
    EXPECT_FALSE(parse_hashrate_hs(text + " H/s", DecimalMark::comma).has_value());
    EXPECT_FALSE(implied_decimal_mark(text + ",5").has_value());
  }
  EXPECT_FALSE(parse_hashrate_hs("\u22125 TH/s").has_value());
}

TEST(FormatBtc, AlwaysEightExactDecimals) {
  EXPECT_EQ(format_btc(1864218), "0.01864218");
  EXPECT_EQ(format_btc(0), "0.00000000");
  EXPECT_EQ(format_btc(1), "0.00000001");
  EXPECT_EQ(format_btc(123450000000), "1234.50000000");
  EXPECT_EQ(format_btc(-5), "-0.00000005");
  EXPECT_EQ(format_btc(std::numeric_limits<int64_t>::max()), "92233720368.54775807");
  EXPECT_EQ(format_btc(std::numeric_limits<int64_t>::min()), "-92233720368.54775808");
  for (const int64_t sat : {int64_t{0}, int64_t{7}, int64_t{1703869}, int64_t{2100000000000000}}) {
    EXPECT_EQ(parse_btc_sat(format_btc(sat)), sat);
  }
}

TEST(TrimSpace, TrimsAsciiAndUnicodeSpaces) {
  EXPECT_EQ(trim_space(std::string(kNbsp) + " a b\t" + kNarrowNbsp), "a b");
  EXPECT_EQ(trim_space("\u2009a\u2009\u00A0 \u202F"), "a");
  EXPECT_EQ(trim_space("a\u00A1"), "a\u00A1");
  EXPECT_EQ(trim_space("   "), "");
  EXPECT_EQ(trim_space("x"), "x");
  EXPECT_EQ(space_length(kNbsp), 2u);
  EXPECT_EQ(space_length("\u202F"), 3u);
  EXPECT_EQ(space_length("\u00A1"), 0u);
}

}  // namespace
}  // namespace kz
