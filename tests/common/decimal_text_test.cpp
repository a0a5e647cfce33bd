#include "common/decimal_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace kz {
namespace {

// `digits` * 10^exponent written in many ways: the point in every place from well before
// the first digit to after the last, leading and trailing zeros, exponents with e/E, with
// and without '+', with leading zeros, and none at all when the point lands right.
std::vector<std::string> spellings(const std::string& digits, int exponent, bool negative) {
  std::vector<std::string> out;
  const int n = static_cast<int>(digits.size());
  for (int point = -3; point <= n + 3; ++point) {
    // mantissa = digits with the point after `point` of them; value = mantissa * 10^e.
    std::string mantissa;
    if (point <= 0) {
      mantissa = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (point >= n) {
      mantissa = digits + std::string(static_cast<std::size_t>(point - n), '0');
    } else {
      mantissa = digits.substr(0, static_cast<std::size_t>(point)) + "." +
                 digits.substr(static_cast<std::size_t>(point));
    }
    const int e = exponent + n - point;
    const std::string sign = negative ? "-" : "";
    const std::string abs_e = std::to_string(std::abs(e));
    const std::vector<std::string> exponents = {
        std::string("e") + (e < 0 ? "-" : "") + abs_e,
        std::string("E") + (e < 0 ? "-" : "+") + abs_e,
        std::string("e") + (e < 0 ? "-" : "+") + "00" + abs_e,
    };
    for (const std::string& suffix : exponents) {
      out.push_back(sign + mantissa + suffix);
      out.push_back(sign + "00" + mantissa + suffix);
      if (mantissa.find('.') != std::string::npos) out.push_back(sign + mantissa + "000" + suffix);
    }
    if (e == 0) {
      out.push_back(sign + mantissa);
      if (mantissa.find('.') == std::string::npos) out.push_back(sign + mantissa + ".");
      if (mantissa.find('.') == std::string::npos) out.push_back(sign + mantissa + ".000");
    }
  }
  return out;
}

TEST(DecimalText, EverySpellingOfAValueReadsTheSame) {
  std::mt19937_64 random(20261122);
  for (int round = 0; round < 400; ++round) {
    std::string digits(1 + random() % 17, '0');
    for (char& c : digits) c = static_cast<char>('0' + random() % 10);
    digits.front() = static_cast<char>('1' + random() % 9);
    const int exponent = static_cast<int>(random() % 25) - 12;
    const bool negative = random() % 4 == 0;
    const auto forms = spellings(digits, exponent, negative);
    const auto first = parse_decimal_text(forms.front());
    ASSERT_TRUE(first) << forms.front();
    const auto sat = decimal_to_integer(*first, 8, Rounding::half_away_from_zero);
    for (const std::string& form : forms) {
      const auto value = parse_decimal_text(form);
      ASSERT_TRUE(value) << form;
      EXPECT_EQ(value->negative, first->negative) << form;
      EXPECT_EQ(value->digits, first->digits) << form;
      EXPECT_EQ(value->exponent, first->exponent) << form;
      // glibc's strtod rounds correctly: an independent reading of the same text.
      EXPECT_EQ(decimal_to_double(*value), std::strtod(form.c_str(), nullptr)) << form;
      EXPECT_EQ(decimal_to_integer(*value, 8, Rounding::half_away_from_zero), sat) << form;
    }
  }
}

// A satoshi amount followed by extra digits, in BTC: `sat` + 1 when the first extra digit is
// 5 or more, else `sat`.
TEST(DecimalText, DigitsPastTheEighthDecimalRoundToTheNearestSatoshi) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 2000; ++round) {
    const int64_t sat = static_cast<int64_t>(random() % 2'100'000'000'000'000ULL);
    std::string extra(1 + random() % 12, '0');
    for (char& c : extra) c = static_cast<char>('0' + random() % 10);
    const std::string whole = std::to_string(sat / 100'000'000);
    std::string fraction = std::to_string(sat % 100'000'000);
    fraction = std::string(8 - fraction.size(), '0') + fraction + extra;
    const int64_t expected = sat + (extra[0] >= '5' ? 1 : 0);
    for (const std::string& text :
         {whole + "." + fraction, "-" + whole + "." + fraction,
          whole + fraction + "e-" + std::to_string(fraction.size()),
          "0." + whole + fraction + "E+" + std::to_string(whole.size())}) {
      const auto value = parse_decimal_text(text);
      ASSERT_TRUE(value) << text;
      const int64_t sign = text.front() == '-' && expected != 0 ? -1 : 1;
      EXPECT_EQ(decimal_to_integer(*value, 8, Rounding::half_away_from_zero), sign * expected)
          << text;
    }
  }
}

std::optional<int64_t> sat(const std::string& text) {
  const auto value = parse_decimal_text(text);
  if (!value) return std::nullopt;
  return decimal_to_integer(*value, 8, Rounding::half_away_from_zero);
}

TEST(DecimalText, SatoshiEdges) {
  EXPECT_EQ(sat("0.30000000000000004"), 30'000'000);
  EXPECT_EQ(sat("4.941e-05"), 4'941);
  EXPECT_EQ(sat("0.000000005"), 1);
  EXPECT_EQ(sat("0.0000000049999999"), 0);
  EXPECT_EQ(sat("-0.000000005"), -1);
  EXPECT_EQ(sat("5e-10"), 0);
  EXPECT_EQ(sat("1e-999999"), 0);
  EXPECT_EQ(sat("0e999999"), 0);
  EXPECT_EQ(sat("92233720368.54775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(sat("92233720368.547758074"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(sat("92233720368.547758075"), std::nullopt);  // rounds past the top
  EXPECT_EQ(sat("92233720368.54775808"), std::nullopt);
  EXPECT_EQ(sat("1e11"), std::nullopt);
  EXPECT_EQ(sat("1e999999"), std::nullopt);
}

TEST(DecimalText, ExactIntegersRefuseFractions) {
  const auto whole = [](const std::string& text) {
    return decimal_to_integer(*parse_decimal_text(text), 0, Rounding::exact);
  };
  EXPECT_EQ(whole("12"), 12);
  EXPECT_EQ(whole("1.2e1"), 12);
  EXPECT_EQ(whole("12.000"), 12);
  EXPECT_EQ(whole("1E3"), 1000);
  EXPECT_EQ(whole("1795000000"), 1'795'000'000);
  EXPECT_EQ(whole("12.5"), std::nullopt);
  EXPECT_EQ(whole("1e-1"), std::nullopt);
  EXPECT_EQ(whole("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(whole("9223372036854775808"), std::nullopt);
}

TEST(DecimalText, DoublesOutOfRangeAreRefused) {
  EXPECT_EQ(decimal_to_double(*parse_decimal_text("3.8384e+16")), 38384000000000000.0);
  EXPECT_EQ(decimal_to_double(*parse_decimal_text("0")), 0.0);
  EXPECT_EQ(decimal_to_double(*parse_decimal_text("1e400")), std::nullopt);
  EXPECT_EQ(decimal_to_double(*parse_decimal_text("1e-400")), std::nullopt);
}

TEST(DecimalText, AnythingButADecimalIsRefused) {
  for (const char* text :
       {"",    "-",    "+",   ".",   "e5",    ".e5", "1e",  "1e+",   "1.2.3",     " 1", "1 ",
        "1,5", "0x10", "inf", "nan", "1_000", "+-1", "--1", "1e5.5", "1e1234567", "１", "1\n"}) {
    EXPECT_FALSE(parse_decimal_text(text)) << text;
  }
  EXPECT_TRUE(parse_decimal_text(".5"));
  EXPECT_TRUE(parse_decimal_text("5."));
  EXPECT_TRUE(parse_decimal_text("+5"));
  EXPECT_TRUE(parse_decimal_text("1e0001234"));  // leading zeros do not count
}

// Any int64 at 1 to 18 decimals reads back as the same digits, with exactly `decimals` after the
// point (the CSV, the metrics and the charts write amounts, hashrates and times this way).
TEST(FormatFixedPoint, EveryIntegerAtEveryScaleReadsBackExactly) {
  std::mt19937_64 random(14);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 9,
                                 -10,
                                 999,
                                 1000,
                                 std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min()};
  for (int i = 0; i < 2000; ++i)
    values.push_back(static_cast<int64_t>(random() >> (random() % 64)));
  for (const int64_t value : values) {
    for (int decimals = 1; decimals <= 18; ++decimals) {
      const std::string text = format_fixed_point(value, decimals);
      ASSERT_EQ(text.size() - text.find('.') - 1, static_cast<std::size_t>(decimals)) << text;
      std::string digits = text;
      digits.erase(digits.find('.'), 1);
      const bool negative = digits[0] == '-';
      if (negative) digits.erase(0, 1);
      digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
      EXPECT_EQ((negative ? "-" : "") + digits, std::to_string(value)) << text;
      const std::string whole = text.substr(negative ? 1 : 0, text.find('.') - (negative ? 1 : 0));
      EXPECT_TRUE(whole == "0" || whole[0] != '0') << text;
    }
  }
  EXPECT_EQ(format_fixed_point(1864218, 8), "0.01864218");
  EXPECT_EQ(format_fixed_point(-5, 3), "-0.005");
  EXPECT_EQ(format_fixed_point(12345, 2), "123.45");
}

}  // namespace
}  // namespace kz
