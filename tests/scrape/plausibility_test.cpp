#include "scrape/plausibility.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "support/page_generator.hpp"

namespace kz {
namespace {

using test::HashUnit;

// The message check_plausible() throws for `page`, or "" when it accepts the page.
std::string refusal(const ObserverPage& page) {
  try {
    check_plausible(page);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data) << e.what();
    return e.what();
  }
  return "";
}

// One field of the page, set to a value, and how the refusal names its place.
struct Field {
  std::string where;
  std::function<void(ObserverPage&, double)> set;
};

PaymentRow payment(int64_t sat) {
  PaymentRow row;
  row.payment_id = "p-9";
  row.amount_sat = sat;
  return row;
}

size_t some_worker(const ObserverPage& p, uint32_t seed) {
  return seed % p.workers.size();
}

std::vector<Field> hashrate_fields(uint32_t seed) {
  return {
      {"pool current hashrate", [](ObserverPage& p, double v) { p.current_hashrate_hs = v; }},
      {"pool 24 h hashrate", [](ObserverPage& p, double v) { p.avg_hashrate_24h_hs = v; }},
      {"10 min hashrate",
       [seed](ObserverPage& p, double v) { p.workers[some_worker(p, seed)].hashrate_10m_hs = v; }},
      {"1 h hashrate",
       [seed](ObserverPage& p, double v) { p.workers[some_worker(p, seed)].hashrate_1h_hs = v; }},
      {"24 h hashrate",
       [seed](ObserverPage& p, double v) { p.workers[some_worker(p, seed)].hashrate_24h_hs = v; }},
      {"hashrate", [](ObserverPage& p, double v) { p.income.back().hashrate_hs = v; }},
  };
}

std::vector<Field> sat_fields() {
  const auto sat = [](double v) { return static_cast<int64_t>(v); };
  return {
      {"balance", [=](ObserverPage& p, double v) { p.balance_sat = sat(v); }},
      {"last income", [=](ObserverPage& p, double v) { p.last_income_sat = sat(v); }},
      {"income of", [=](ObserverPage& p, double v) { p.income.front().total_income_sat = sat(v); }},
      {"(PPS)", [=](ObserverPage& p, double v) { p.income.front().pps_sat = sat(v); }},
      {"(PPLNS)", [=](ObserverPage& p, double v) { p.income.back().pplns_sat = sat(v); }},
      {"payment", [=](ObserverPage& p, double v) { p.payments.push_back(payment(sat(v))); }},
  };
}

TEST(Plausibility, GeneratedPagesPass) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(refusal(test::make_model(seed * 7, seed)), "") << seed;
  }
}

TEST(Plausibility, HashratesJustBelowPassJustAboveAreRefusedNamingValueAndPlace) {
  const double above = std::nextafter(kMaxPlausibleHashrateHs, 2 * kMaxPlausibleHashrateHs);
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    for (const Field& field : hashrate_fields(seed)) {
      ObserverPage page = test::make_model(12, seed);
      field.set(page, kMaxPlausibleHashrateHs);
      EXPECT_EQ(refusal(page), "") << field.where;
      for (const double bad : {above, 1.2e23, 1e300, std::numeric_limits<double>::infinity()}) {
        field.set(page, bad);
        const std::string message = refusal(page);
        EXPECT_NE(message.find(field.where), std::string::npos) << message;
        EXPECT_NE(message.find("is above 10 ZH/s"), std::string::npos) << message;
        // The value reads back exactly from the message.
        const auto at = message.rfind(": ") + 2;
        EXPECT_EQ(std::stod(message.substr(at)), bad) << message;
      }
      for (const double bad : {-1.0, -1e-300, std::nan("")}) {
        field.set(page, bad);
        const std::string message = refusal(page);
        EXPECT_NE(message.find(field.where), std::string::npos) << message;
        EXPECT_NE(message.find("is not a hashrate"), std::string::npos) << message;
      }
    }
  }
}

TEST(Plausibility, WorkerRefusalsNameTheWorker) {
  ObserverPage page = test::make_model(30, 3);
  page.workers[17].name = "rig7";
  page.workers[17].hashrate_24h_hs = 1.2e23;
  EXPECT_NE(refusal(page).find("worker \"rig7\" 24 h hashrate: 1.2e+23 H/s is above 10 ZH/s"),
            std::string::npos)
      << refusal(page);
}

TEST(Plausibility, BtcAmountsUpTo21MillionBtcPass) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    for (const Field& field : sat_fields()) {
      ObserverPage page = test::make_model(10, seed);
      field.set(page, static_cast<double>(kMaxPlausibleSat));
      EXPECT_EQ(refusal(page), "") << field.where;
    }
  }
}

TEST(Plausibility, BtcAmountsAboveOrNegativeAreRefused) {
  const std::vector<std::pair<int64_t, std::string>> bad = {
      {kMaxPlausibleSat + 1, "21000000.00000001 BTC is above 21 million BTC"},
      {std::numeric_limits<int64_t>::max(), "92233720368.54775807 BTC is above 21 million BTC"},
      {-1, "-0.00000001 BTC is negative"},
      {std::numeric_limits<int64_t>::min(), "-92233720368.54775808 BTC is negative"}};
  for (const Field& field : sat_fields()) {
    for (const auto& [sat, says] : bad) {
      ObserverPage page = test::make_model(10, 4);
      // Set through an integer, not the double of sat_fields(): every satoshi counts here.
      if (field.where == "balance") {
        page.balance_sat = sat;
      } else if (field.where == "last income") {
        page.last_income_sat = sat;
      } else if (field.where == "income of") {
        page.income.front().total_income_sat = sat;
      } else if (field.where == "(PPS)") {
        page.income.front().pps_sat = sat;
      } else if (field.where == "(PPLNS)") {
        page.income.back().pplns_sat = sat;
      } else {
        page.payments.push_back(payment(sat));
      }
      const std::string message = refusal(page);
      EXPECT_NE(message.find(field.where), std::string::npos) << message;
      EXPECT_NE(message.find(says), std::string::npos) << message;
    }
  }
}

TEST(Plausibility, WorkerCountsUpToTenMillionPassAboveAreRefused) {
  const int64_t max = kMaxPlausibleWorkers;
  for (const int64_t offline : {int64_t{0}, int64_t{1}, int64_t{4'999'999}, max}) {
    ObserverPage page = test::make_model(5, 2);
    page.offline_workers = offline;
    page.online_workers = max - offline;
    EXPECT_EQ(refusal(page), "") << offline;
    page.online_workers += 1;  // the sum is one above, and with offline 0 the online count too
    const std::string where = offline == 0 ? "online workers" : "online + offline workers";
    EXPECT_NE(refusal(page).find(where + ": 10000001 workers is above 10 million"),
              std::string::npos)
        << refusal(page);
  }
  for (const int64_t bad :
       {max + 1, int64_t{2147483647}, int64_t{2147483648}, std::numeric_limits<int64_t>::max()}) {
    for (const bool online : {true, false}) {
      ObserverPage page = test::make_model(5, 2);
      page.online_workers = online ? bad : 0;
      page.offline_workers = online ? 0 : bad;
      const std::string message = refusal(page);
      const std::string says = std::string(online ? "online" : "offline") +
                               " workers: " + std::to_string(bad) + " workers is above 10 million";
      EXPECT_NE(message.find(says), std::string::npos) << message;
    }
  }
  ObserverPage page = test::make_model(5, 2);
  page.offline_workers = -1;
  EXPECT_NE(refusal(page).find("offline workers: -1 is negative"), std::string::npos);
}

// Through the parser: the generated page shows each hashrate in each unit, and the parsed
// page passes just below the bound and is refused just above it.
TEST(Plausibility, ParsedPagesInEachUnit) {
  // Values with few digits, so that every unit shows them exactly with 3 decimals.
  const double below = 9.999e21;
  const double above = 1.001e22;
  uint32_t seed = 0;
  for (const HashUnit unit : {HashUnit::automatic, HashUnit::h, HashUnit::kh, HashUnit::mh,
                              HashUnit::gh, HashUnit::th, HashUnit::ph, HashUnit::eh}) {
    for (const Field& field : hashrate_fields(++seed)) {
      test::Variant variant;
      variant.unit = unit;
      variant.locale = seed % 2 ? "ru" : "en";
      variant.decimal_comma = seed % 2 == 1;
      variant.thousands = seed % 3 ? test::Thousands::space : test::Thousands::none;
      ObserverPage model = test::make_model(8, seed);
      model.payments.clear();
      field.set(model, below);
      const ObserverPage ok = parse_observer_page(test::render_page(model, variant));
      EXPECT_EQ(refusal(ok), "") << field.where << " unit " << static_cast<int>(unit);

      field.set(model, above);
      const ObserverPage bad = parse_observer_page(test::render_page(model, variant));
      const std::string message = refusal(bad);
      EXPECT_NE(message.find(field.where), std::string::npos)
          << message << " unit " << static_cast<int>(unit);
      EXPECT_NE(message.find("1.001e+22 H/s is above 10 ZH/s"), std::string::npos) << message;
    }
  }
}

TEST(Plausibility, ParsedCountCardsNearInt32AndInt64Limits) {
  for (const int64_t count : {kMaxPlausibleWorkers + 1, int64_t{2147483647}, int64_t{2147483648},
                              int64_t{4294967296}, std::numeric_limits<int64_t>::max()}) {
    for (const auto& locale : {"en", "ru"}) {
      test::Variant variant;
      variant.locale = locale;
      variant.thousands = test::Thousands::nbsp;
      ObserverPage model = test::make_model(6, 9);
      model.online_workers = count;
      const ObserverPage page = parse_observer_page(test::render_page(model, variant));
      EXPECT_EQ(page.online_workers, count);
      EXPECT_FALSE(page.workers_complete());
      EXPECT_NE(refusal(page).find("online workers: " + std::to_string(count)), std::string::npos)
          << refusal(page);
    }
  }
}

}  // namespace
}  // namespace kz
