// Kind 5 of issue 9 at the parser's level: which character is the decimal mark is decided once
// per page, from its labels' language checked against its unambiguous numbers.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"

namespace kz {
namespace {

struct Labels {
  const char* lang;
  const char* current;
  const char* online;
  const char* offline;
  const char* balance;
};
constexpr Labels kEnglish{"en", "Current hashrate", "Online workers", "Offline workers", "Balance"};
constexpr Labels kRussian{"ru", "Текущий хешрейт", "Онлайн воркеры", "Оффлайн воркеры", "Баланс"};

// A page with the current hashrate card showing `hashrate` and the balance showing `balance`.
std::string page(const Labels& l, const std::string& hashrate, const std::string& balance,
                 const char* lang_attribute) {
  std::string cards;
  const auto card = [&](const char* label, const std::string& value) {
    cards += "<div><p>" + std::string(label) + "</p><p>" + value + "</p></div>\n";
  };
  card(l.current, hashrate);
  card(l.online, "1");
  card(l.offline, "0");
  if (!balance.empty()) card(l.balance, balance);
  return "<!DOCTYPE html><html lang=\"" + std::string(lang_attribute) +
         "\"><head><meta charset=\"utf-8\"></head><body>\n" + cards + "</body></html>";
}

TEST(ObserverNumbers, AnAmbiguousNumberTakesTheLabelsConvention) {
  // The labels' language decides, whatever the lang attribute says.
  for (const char* lang : {"en", "ru", "", "de"}) {
    EXPECT_EQ(parse_observer_page(page(kEnglish, "1,234 TH/s", "", lang)).current_hashrate_hs,
              1234e12)
        << lang;
    EXPECT_EQ(parse_observer_page(page(kRussian, "1,234 TH/s", "", lang)).current_hashrate_hs,
              1.234e12)
        << lang;
    // Russian groups with spaces, so a lone '.' there is decimal too (btcpool.kz writes it so).
    EXPECT_EQ(parse_observer_page(page(kRussian, "1.234 TH/s", "", lang)).current_hashrate_hs,
              1.234e12)
        << lang;
  }
}

TEST(ObserverNumbers, UnambiguousNumbersDecideForTheWholePage) {
  struct Case {
    const char* balance;  // implies the mark
    double hashrate_hs;   // "1,234 TH/s" read with it
  };
  for (const Labels* l : {&kEnglish, &kRussian}) {
    for (const Case& c : {Case{"0.01034044 BTC", 1234e12}, Case{"0,01034044 BTC", 1.234e12},
                          Case{"1,234.5 BTC", 1234e12}, Case{"1.234,5 BTC", 1.234e12},
                          Case{"1 234,50 BTC", 1.234e12}}) {
      const std::string html = page(*l, "1,234 TH/s", c.balance, l->lang);
      if (l == &kRussian && std::string_view(c.balance).find('.') != std::string_view::npos &&
          c.hashrate_hs == 1.234e12) {
        // A decimal comma beside a '.' that would group: Russian never groups with '.'.
        EXPECT_THROW(parse_observer_page(html), Error) << c.balance;
        continue;
      }
      EXPECT_EQ(parse_observer_page(html).current_hashrate_hs, c.hashrate_hs)
          << l->lang << " " << c.balance;
    }
  }
}

TEST(ObserverNumbers, GroupSeparatorsOfEveryKind) {
  for (const std::string sep : {" ", "\u00A0", "\u202F", "\u2009", "'", "\u2019"}) {
    const ObserverPage p =
        parse_observer_page(page(kEnglish, "1" + sep + "234.5 TH/s", "0.5 BTC", "en"));
    EXPECT_EQ(p.current_hashrate_hs, 1234.5e12) << sep;
  }
}

TEST(ObserverNumbers, ContradictingNumbersAreAnErrorNamingThem) {
  for (const Labels* l : {&kEnglish, &kRussian}) {
    try {
      parse_observer_page(page(*l, "1,234.5 TH/s", "0,5 BTC", l->lang));
      ADD_FAILURE() << "no error for " << l->lang;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data);
      EXPECT_NE(std::string(e.what()).find("\"1,234.5 TH/s\""), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("\"0,5 BTC\""), std::string::npos) << e.what();
    }
  }
}

TEST(ObserverNumbers, ARussianPageNeverGroupsWithADot) {
  // '.' beside a decimal comma, or beside an ambiguous ',': one of them would have to group
  // digits, and a Russian page groups with spaces. Refused rather than read 1000 times off.
  for (const auto& [hashrate, balance] :
       {std::pair{"137.937 TH/s", "0,01034044 BTC"}, std::pair{"1.234 PH/s", "1,235 BTC"},
        std::pair{"1.234.567,5 TH/s", ""}}) {
    EXPECT_THROW(parse_observer_page(page(kRussian, hashrate, balance, "ru")), Error) << hashrate;
  }
  // Alone, or beside en-US numbers (btcpool.kz's own Russian page), the '.' is decimal.
  EXPECT_EQ(parse_observer_page(page(kRussian, "137.937 TH/s", "0BTC", "ru")).current_hashrate_hs,
            137.937e12);
  EXPECT_EQ(
      parse_observer_page(page(kRussian, "1,234 TH/s", "0.01034044BTC", "ru")).current_hashrate_hs,
      1234e12);
}

TEST(ObserverNumbers, AUnicodeMinusIsNeverReadAsAPositiveValue) {
  for (const char* minus : {"-", "\u2212"}) {
    EXPECT_THROW(parse_observer_page(page(kEnglish, std::string(minus) + "5 TH/s", "", "en")),
                 Error)
        << minus;
  }
}

}  // namespace
}  // namespace kz
