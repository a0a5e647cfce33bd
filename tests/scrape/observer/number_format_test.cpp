#include "scrape/observer/number_format.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/number_rendering.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

using testing::DecimalValue;
using testing::NumberConvention;

constexpr uint64_t kSeed = 9;
constexpr const char* kUnits[] = {"", " BTC", "BTC", " H/s", " GH/s", " TH/s", "PH/s"};
// Texts of a page's cells that are no numbers and must not count as evidence.
constexpr const char* kOtherTexts[] = {
    "ONLINE",    "В сети", "22.11.2026 10:33:25", "11/22/2026, 10:33:25", "100x1.10X12X100X1",
    "2026-11-22"};

// A page's value texts: `count` values rendered in `c`, with units and other
// cell texts mixed in; `evidence` gets whether any of them implies a mark.
std::vector<std::string> page_values(const NumberConvention& c,
                                     const std::vector<DecimalValue>& pool, std::mt19937_64& rng,
                                     size_t count, bool& evidence) {
  std::vector<std::string> out;
  evidence = false;
  for (size_t i = 0; i < count; ++i) {
    const DecimalValue& v = pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
    evidence = evidence || testing::expected_implied_mark(v, c).has_value();
    out.push_back(testing::render(v, c) + kUnits[rng() % std::size(kUnits)]);
    if (rng() % 4 == 0) out.emplace_back(kOtherTexts[rng() % std::size(kOtherTexts)]);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

bool is_number(const std::string& t) {
  return parse_hashrate_hs(t, DecimalMark::dot) || parse_btc_sat(t, DecimalMark::dot) ||
         parse_hashrate_hs(t, DecimalMark::comma) || parse_btc_sat(t, DecimalMark::comma);
}

// The rules of decide_decimal_mark as a model: `evidence` is the mark the page's unambiguous
// numbers imply, if any; nullopt is a contradiction. A comma locale never groups with '.'.
std::optional<DecimalMark> expected_mark(const std::vector<std::string>& texts,
                                         std::string_view locale,
                                         std::optional<DecimalMark> evidence) {
  bool dotted = false, lone_comma = false;
  for (const std::string& t : texts) {
    if (!is_number(t)) continue;
    dotted = dotted || t.find('.') != std::string::npos;
    lone_comma = lone_comma || (t.find(',') != std::string::npos && !implied_decimal_mark(t));
  }
  const bool comma_locale = locale_decimal_mark(locale) == DecimalMark::comma;
  if (evidence == DecimalMark::dot) return DecimalMark::dot;
  if (evidence == DecimalMark::comma) {
    if (comma_locale && dotted) return std::nullopt;
    return DecimalMark::comma;
  }
  if (!comma_locale) return DecimalMark::dot;
  if (dotted && lone_comma) return std::nullopt;
  return dotted ? DecimalMark::dot : DecimalMark::comma;
}

std::optional<DecimalMark> decided(const std::vector<std::string>& texts, std::string_view locale) {
  try {
    return decide_decimal_mark({texts.begin(), texts.end()}, locale);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data);
    return std::nullopt;
  }
}

TEST(LocaleDecimalMark, RussianAndKazakhWriteACommaOthersADot) {
  for (const char* locale : {"ru", "RU", "ru-RU", "ru_RU", "kk", "kk-KZ"}) {
    EXPECT_EQ(locale_decimal_mark(locale), DecimalMark::comma) << locale;
  }
  for (const char* locale : {"en", "en-US", "EN", "", "de", "r", "rus", "-ru"}) {
    EXPECT_EQ(locale_decimal_mark(locale), DecimalMark::dot) << locale;
  }
}

TEST(DecideDecimalMark, TheNumbersDecideWhenTheyCanElseTheLocale) {
  const auto pool = testing::sample_decimal_values(kSeed, 9);
  std::mt19937_64 rng(kSeed);
  size_t pages_with_evidence = 0;
  size_t pages_without = 0;
  for (const NumberConvention& c : testing::number_conventions()) {
    for (int page = 0; page < 40; ++page) {
      bool evidence = false;
      const auto texts = page_values(c, pool, rng, 1 + rng() % (page % 2 == 0 ? 2 : 12), evidence);
      ++(evidence ? pages_with_evidence : pages_without);
      for (const char* locale : {"en", "ru"}) {
        const auto expected =
            expected_mark(texts, locale, evidence ? std::optional(c.mark) : std::nullopt);
        EXPECT_EQ(decided(texts, locale), expected)
            << c.name << ", " << locale << ", first value \"" << texts[0] << "\"";
      }
    }
  }
  EXPECT_GT(pages_with_evidence, 20u);
  EXPECT_GT(pages_without, 20u) << pages_with_evidence;
}

TEST(DecideDecimalMark, AmbiguousPagesTakeTheLocalesMark) {
  std::vector<DecimalValue> ambiguous;
  for (const NumberConvention& c : testing::number_conventions()) {
    ambiguous.clear();
    for (const DecimalValue& v : testing::sample_decimal_values(kSeed + 1, 9)) {
      if (!testing::expected_implied_mark(v, c)) ambiguous.push_back(v);
    }
    ASSERT_GT(ambiguous.size(), 20u) << c.name;
    std::vector<std::string> texts;
    for (const DecimalValue& v : ambiguous) texts.push_back(testing::render(v, c) + " TH/s");
    EXPECT_EQ(decide_decimal_mark(views(texts), "en-US"), DecimalMark::dot) << c.name;
    EXPECT_EQ(decided(texts, "ru"), expected_mark(texts, "ru", std::nullopt)) << c.name;
  }
  EXPECT_EQ(decide_decimal_mark({}, "ru"), DecimalMark::comma);
  // The Russian page as btcpool.kz writes it: 3 decimals after a dot, no other evidence.
  EXPECT_EQ(decide_decimal_mark({"137.937 TH/s", "38.384 PH/s", "198"}, "ru"), DecimalMark::dot);
  EXPECT_EQ(decide_decimal_mark({"137,937 TH/s", "38,384 PH/s"}, "ru"), DecimalMark::comma);
  // A '.' and a ',' on a Russian page: one of them would have to group, and '.' never does.
  EXPECT_EQ(decided({"137.937 TH/s", "1,234 TH/s"}, "ru"), std::nullopt);
  EXPECT_EQ(decided({"137.937 TH/s", "137,5 TH/s", "0,5 BTC"}, "ru"), std::nullopt);
  EXPECT_EQ(decided({"1.234,5 BTC"}, "ru"), std::nullopt);
  EXPECT_EQ(decided({"1.234,5 BTC", "1.234 TH/s"}, "en"), DecimalMark::comma);  // de style
  EXPECT_EQ(decided({"137.937 TH/s", "1,234 TH/s"}, "en"), DecimalMark::dot);   // en-US
  EXPECT_EQ(decide_decimal_mark({}, ""), DecimalMark::dot);
}

TEST(DecideDecimalMark, ContradictingNumbersAreAnErrorNamingBoth) {
  const auto pool = testing::sample_decimal_values(kSeed + 2, 9);
  std::mt19937_64 rng(kSeed + 2);
  for (const NumberConvention& c : testing::number_conventions()) {
    for (const NumberConvention& alien : testing::number_conventions()) {
      if (alien.mark == c.mark) continue;
      bool evidence = false;
      std::vector<std::string> texts = page_values(c, pool, rng, 8, evidence);
      // One value that tells, in each convention, at random places.
      const DecimalValue telling{1234567, 1};  // "123,456.7" / "123 456,7" / "123456.7"
      texts.insert(texts.begin() + static_cast<std::ptrdiff_t>(rng() % (texts.size() + 1)),
                   testing::render(telling, c) + " TH/s");
      texts.insert(texts.begin() + static_cast<std::ptrdiff_t>(rng() % (texts.size() + 1)),
                   testing::render(telling, alien) + " BTC");
      std::string first_dot, first_comma;
      for (const std::string& t : texts) {
        const auto mark = implied_decimal_mark(t);
        std::string& first = mark == DecimalMark::dot ? first_dot : first_comma;
        if (mark && first.empty()) first = t;
      }
      try {
        decide_decimal_mark(views(texts), "en");
        ADD_FAILURE() << c.name << " with " << alien.name << ": no error";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::no_data);
        const std::string message = e.what();
        EXPECT_NE(message.find('"' + first_dot + "\" reads only with a decimal point"),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find('"' + first_comma + "\" only with a decimal comma"),
                  std::string::npos)
            << message;
      }
    }
  }
}

// Value texts copied from ../shared/cases (en_comma_thousands_no_fraction.html,
// cyrillic_cp1251_meta_charset.html decoded): the page's numbers decide.
TEST(DecideDecimalMark, ThePagesThatBrokeUs) {
  const std::vector<std::string_view> en = {"1,234 TH/s", "1,233.5 TH/s",   "9",
                                            "0",          "0.01034044 BTC", "137.25 TH/s",
                                            "1,024 GH/s", "136.5 TH/s",     "11/22/2026, 10:33:25"};
  for (const char* locale : {"en", "ru"}) {
    const DecimalMark mark = decide_decimal_mark(en, locale);
    EXPECT_EQ(mark, DecimalMark::dot);
    EXPECT_EQ(parse_hashrate_hs(en[0], mark), 1234e12);
    EXPECT_EQ(parse_hashrate_hs(en[6], mark), 1024e9);
  }
  const std::vector<std::string_view> ru = {"150,000 TH/s",   "160,000 TH/s",       "1",
                                            "0,01034044 BTC", "0,00016375 BTC",     "0 H/s",
                                            "12,000 TH/s",    "22.11.2026 10:33:25"};
  const DecimalMark mark = decide_decimal_mark(ru, "en");
  EXPECT_EQ(mark, DecimalMark::comma);
  EXPECT_EQ(parse_hashrate_hs(ru[0], mark), 150e12);
  EXPECT_EQ(parse_btc_sat(ru[3], mark), 1034044);
}

// The samples' numeric cells, found without the parser: the Russian sample
// writes a decimal dot, which its 8-decimal BTC amounts tell.
TEST(DecideDecimalMark, TheSamplesDecideTheirOwnMark) {
  const std::regex cell(">([^<]*[0-9][^<]*)<");
  for (const auto& [name, locale] :
       {std::pair{"observer_ru_200.html", "ru"}, std::pair{"observer_en_60.html", "en"}}) {
    const std::string html = test::read_test_data(name);
    std::vector<std::string> texts;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), cell);
         it != std::sregex_iterator(); ++it) {
      texts.push_back((*it)[1]);
    }
    ASSERT_GT(texts.size(), 100u) << name;
    const DecimalMark mark = decide_decimal_mark(views(texts), locale);
    EXPECT_EQ(mark, DecimalMark::dot) << name;
  }
}

}  // namespace
}  // namespace kz
