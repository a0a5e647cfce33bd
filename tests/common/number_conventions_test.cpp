// Properties of the number parsers over numbers rendered in many locales'
// conventions (tests/common/number_rendering.hpp).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/number_rendering.hpp"
#include "common/units.hpp"

namespace kz {
namespace {

using testing::DecimalValue;
using testing::NumberConvention;
using testing::render;

constexpr uint64_t kSeed = 20261122;

DecimalMark other(DecimalMark mark) {
  return mark == DecimalMark::dot ? DecimalMark::comma : DecimalMark::dot;
}

std::string describe(const std::string& text, const NumberConvention& c) {
  return "\"" + text + "\" (" + std::string(c.name) + ")";
}

// The double nearest to mantissa * 10^exponent, by the C library.
double nearest_double(uint64_t mantissa, int exponent) {
  const std::string text = std::to_string(mantissa) + "e" + std::to_string(exponent);
  return std::strtod(text.c_str(), nullptr);
}

TEST(NumberConventions, BtcRoundTripsExactlyInEveryConvention) {
  const auto values = testing::sample_decimal_values(kSeed, 10);
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : values) {
      uint64_t sat = v.mantissa;
      for (int i = v.decimals; i < 8; ++i) sat *= 10;
      const std::string number = render(v, c);
      for (const char* unit : {"", " BTC", "BTC", "\u00A0btc"}) {
        const std::string text = number + unit;
        EXPECT_EQ(parse_btc_sat(text, c.mark), static_cast<int64_t>(sat)) << describe(text, c);
      }
    }
  }
}

TEST(NumberConventions, HashrateRoundTripsExactlyInEveryUnitAndConvention) {
  static constexpr std::pair<const char*, int> kUnits[] = {
      {"H/s", 0}, {"kH/s", 3}, {"MH/s", 6}, {"GH/s", 9}, {"TH/s", 12}, {"PH/s", 15}, {"EH/s", 18}};
  const auto values = testing::sample_decimal_values(kSeed + 1, 11);
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : values) {
      const std::string number = render(v, c);
      for (const auto& [unit, exponent] : kUnits) {
        const double expected = nearest_double(v.mantissa, exponent - v.decimals);
        for (const char* space : {" ", ""}) {
          const std::string text = number + space + unit;
          EXPECT_EQ(parse_hashrate_hs(text, c.mark), expected) << describe(text, c);
        }
      }
    }
  }
}

TEST(NumberConventions, WholeNumbersReadAsCountsInEveryConvention) {
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 2, 12)) {
      const DecimalValue whole{v.integer_part(), 0};
      const std::string text = render(whole, c);
      EXPECT_EQ(parse_count(text), static_cast<int64_t>(whole.mantissa)) << describe(text, c);
    }
  }
}

TEST(NumberConventions, ImpliedMarkIsTheConventionsOrAmbiguous) {
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 3, 10)) {
      const std::string number = render(v, c);
      const auto expected = testing::expected_implied_mark(v, c);
      for (const std::string& text : {number, number + " TH/s", number + "BTC", "-" + number,
                                      "\u2212" + number + " PH/s", " " + number + "\n"}) {
        const auto implied = implied_decimal_mark(text);
        EXPECT_TRUE(!implied || *implied == c.mark) << describe(text, c);  // never contradicts
        EXPECT_EQ(implied, expected) << describe(text, c);
      }
    }
  }
}

TEST(NumberConventions, AnUnambiguousNumberHasNoValueUnderTheOtherMark) {
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 4, 10)) {
      const std::string text = render(v, c);
      if (!implied_decimal_mark(text)) continue;
      EXPECT_FALSE(parse_btc_sat(text, other(c.mark)).has_value()) << describe(text, c);
      EXPECT_FALSE(parse_hashrate_hs(text + " TH/s", other(c.mark)).has_value())
          << describe(text, c);
      // A value read alone agrees with the page-wide reading whenever it can tell.
      EXPECT_EQ(parse_btc_sat(text), parse_btc_sat(text, c.mark)) << describe(text, c);
    }
  }
}

TEST(NumberConventions, NegativeValuesAreNeverTheirAbsoluteValue) {
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 5, 6)) {
      const std::string number = render(v, c);
      for (const char* minus : {"-", "\u2212"}) {
        const std::string text = minus + number;
        EXPECT_FALSE(parse_btc_sat(text + " BTC", c.mark).has_value()) << describe(text, c);
        EXPECT_FALSE(parse_hashrate_hs(text + " TH/s", c.mark).has_value()) << describe(text, c);
        EXPECT_FALSE(parse_count(text).has_value()) << describe(text, c);
        EXPECT_FALSE(parse_btc_sat(text).has_value()) << describe(text, c);
      }
    }
  }
}

// Breaks the grouping of a rendered number with several groups: a group one
// digit longer or shorter, or one separator of another kind.
TEST(NumberConventions, BrokenGroupingIsRejectedUnderBothMarks) {
  for (const NumberConvention& c : testing::number_conventions()) {
    if (c.group.empty()) continue;
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 6, 10)) {
      if (v.integer_part() < 1'000'000) continue;  // needs three integer groups
      const std::string number = render(v, c);
      const size_t last_group = number.rfind(c.group);
      const bool space_groups =
          c.group != "." && c.group != "," && c.group != "'" && c.group != "\u2019";
      const std::string alien = space_groups ? "'" : "\u00A0";
      const std::string broken[] = {
          number.substr(0, last_group) + "5" + number.substr(last_group),
          number.substr(0, last_group + c.group.size() + 1) +
              number.substr(last_group + c.group.size() + 2),
          number.substr(0, last_group) + alien + number.substr(last_group + c.group.size()),
      };
      for (const std::string& text : broken) {
        for (const DecimalMark mark : {DecimalMark::dot, DecimalMark::comma}) {
          EXPECT_FALSE(parse_btc_sat(text, mark).has_value()) << describe(text, c);
          EXPECT_FALSE(parse_hashrate_hs(text + " H/s", mark).has_value()) << describe(text, c);
        }
        EXPECT_FALSE(implied_decimal_mark(text).has_value()) << describe(text, c);
      }
    }
  }
}

}  // namespace
}  // namespace kz
