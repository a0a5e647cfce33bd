// Kind 7 of issue 9: every value reads the same whether the API sends it as a string or as a
// JSON number, in any spelling, and BTC amounts stay exact to the satoshi.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/json_exact.hpp"
#include "scrape/btcpool_api/pool_api_fixture.hpp"

namespace kz::test {
namespace {

// `digits` * 10^exponent (digits without a point) spelled as: the string "...", the bare
// number, and both with the point moved, exponents with e/E, '+', leading zeros.
std::vector<nlohmann::json> forms(const std::string& digits, int exponent) {
  std::vector<std::string> texts;
  const int n = static_cast<int>(digits.size());
  for (int point = 1; point <= n; ++point) {
    const std::string mantissa = point == n
                                     ? digits
                                     : digits.substr(0, static_cast<std::size_t>(point)) + "." +
                                           digits.substr(static_cast<std::size_t>(point));
    const int e = exponent + n - point;
    const std::string abs_e = std::to_string(std::abs(e));
    texts.push_back(mantissa + "e" + (e < 0 ? "-" : "") + abs_e);
    texts.push_back(mantissa + "E" + (e < 0 ? "-" : "+") + "0" + abs_e);
    if (e == 0) texts.push_back(mantissa);
  }
  if (exponent < 0 && -exponent < n) {  // a plain decimal with trailing zeros
    texts.push_back(digits.substr(0, static_cast<std::size_t>(n + exponent)) + "." +
                    digits.substr(static_cast<std::size_t>(n + exponent)) + "000");
  } else if (exponent < 0) {
    texts.push_back("0." + std::string(static_cast<std::size_t>(-exponent - n), '0') + digits);
  } else {
    texts.push_back(digits + std::string(static_cast<std::size_t>(exponent), '0'));
    texts.push_back(digits + std::string(static_cast<std::size_t>(exponent), '0') + ".0");
  }
  std::vector<nlohmann::json> out;
  for (const std::string& text : texts) {
    out.emplace_back(text);
    // JSON numbers: no leading zeros, no '+' in front, digits on both sides of a point.
    if (text.front() != '0' || text.size() == 1 || text[1] == '.' || text[1] == 'e' ||
        text[1] == 'E') {
      out.push_back(api_number(text));
    }
  }
  return out;
}

std::string random_digits(std::mt19937& random, std::size_t max_size) {
  std::string digits(1 + random() % max_size, '0');
  for (char& c : digits) c = static_cast<char>('0' + random() % 10);
  digits.front() = static_cast<char>('1' + random() % 9);
  return digits;
}

// What PoolApiClient::call() makes of `data` sent in the server's answer.
nlohmann::json as_received(const nlohmann::json& data) {
  return parse_json_exact(api_ok(data)).at("data");
}

// The first round goes through the local API and the client; the others map the server's
// answers as the client receives them, without the HTTP round trips.
TEST_F(PoolApiTest, EverySpellingOfEveryValueMapsTheSame) {
  std::mt19937 random(2026);
  for (int round = 0; round < 40; ++round) {
    // A hashrate in H/s, a whole count, unix seconds, a BTC amount, a reject rate.
    const std::string hs = random_digits(random, 6);
    const int hs_exponent = 10 + static_cast<int>(random() % 6);
    const std::string btc = random_digits(random, 8);
    const int btc_exponent = -8 - static_cast<int>(random() % 3);
    const auto hs_forms = forms(hs, hs_exponent);
    const auto btc_forms = forms(btc, btc_exponent);
    const auto rate_forms = forms(random_digits(random, 3), -5);
    const auto time_forms = forms("1795000" + std::to_string(100 + random() % 900), 0);
    const auto count_forms = forms(std::to_string(3 + random() % 5), 0);

    std::optional<ObserverPage> first;
    const std::size_t n = std::max({hs_forms.size(), btc_forms.size(), rate_forms.size()});
    for (std::size_t i = 0; i < n; ++i) {
      const auto& h = hs_forms[i % hs_forms.size()];
      const auto& b = btc_forms[i % btc_forms.size()];
      nlohmann::json worker = api_worker(1, "w", true, "0", 1, "0");
      worker["hashrate_10min"] = worker["hashrate_1hour"] = worker["hashrate_24hour"] = h;
      worker["reject_rate"] = rate_forms[i % rate_forms.size()];
      worker["last_active"] = time_forms[i % time_forms.size()];
      api_.set_rows("workers", {worker});
      nlohmann::json summary = api_summary(1, 0, "0", "0", "0");
      summary["hashrate_10min"] = summary["hashrate_24hour"] = h;
      summary["balance"] = b;
      summary["active_workers"] = count_forms[i % count_forms.size()];
      summary["unactive_workers"] = count_forms[(i + 1) % count_forms.size()];
      api_.set_summary(summary);
      nlohmann::json day = api_profit_day(date_before(1), "0", "0", "0", "0");
      day["total_profit"] = day["pps_profit"] = day["pplns_profit"] = b;
      day["hashrate"] = h;
      api_.set_rows("profit_history", {day});
      nlohmann::json payment = api_payment("1", "0", "a", "t", 1);
      payment["amount"] = b;
      payment["created_time"] = time_forms[(i + 1) % time_forms.size()];
      api_.set_rows("payment_history", {payment});

      ObserverPage page;
      if (round == 0) {
        page = fetch();
      } else {
        map_summary(as_received(summary), page);
        page.workers.push_back(map_worker(as_received(worker)));
        page.income.push_back(map_profit_day(as_received(day)));
        page.payments.push_back(map_payment(as_received(payment)));
      }
      const std::string what = "hashrate " + h.dump() + ", btc " + b.dump();
      if (!first) {
        first = page;
        // The values themselves: glibc's strtod and the satoshis from the digits.
        EXPECT_EQ(page.current_hashrate_hs,
                  std::strtod((hs + "e" + std::to_string(hs_exponent)).c_str(), nullptr));
        const std::size_t drop = static_cast<std::size_t>(-btc_exponent - 8);
        const int64_t sat = drop >= btc.size() ? 0 : std::stoll(btc.substr(0, btc.size() - drop));
        const bool up = drop > 0 && drop <= btc.size() && btc[btc.size() - drop] >= '5';
        EXPECT_EQ(page.balance_sat, sat + (up ? 1 : 0)) << what;
        continue;
      }
      EXPECT_EQ(page.online_workers, first->online_workers) << what;
      EXPECT_EQ(page.current_hashrate_hs, first->current_hashrate_hs) << what;
      EXPECT_EQ(page.avg_hashrate_24h_hs, first->avg_hashrate_24h_hs) << what;
      EXPECT_EQ(page.balance_sat, first->balance_sat) << what;
      ASSERT_EQ(page.workers.size(), 1u);
      EXPECT_EQ(page.workers[0].hashrate_1h_hs, first->workers[0].hashrate_1h_hs) << what;
      EXPECT_EQ(page.workers[0].reject_rate, first->workers[0].reject_rate) << what;
      EXPECT_EQ(page.workers[0].last_share_unix, first->workers[0].last_share_unix) << what;
      ASSERT_EQ(page.income.size(), 1u);
      EXPECT_EQ(page.income[0].total_income_sat, first->income[0].total_income_sat) << what;
      EXPECT_EQ(page.income[0].hashrate_hs, first->income[0].hashrate_hs) << what;
      ASSERT_EQ(page.payments.size(), 1u);
      EXPECT_EQ(page.payments[0].amount_sat, first->payments[0].amount_sat) << what;
      EXPECT_EQ(page.payments[0].paid_at_unix, first->payments[0].paid_at_unix) << what;
    }
  }
}

TEST_F(PoolApiTest, ExponentsAndFloatNoiseFromTheIssueAreExact) {
  serve_fleet(1);
  nlohmann::json summary = api_summary(1, 0, "0", "0", "0");
  summary["hashrate_10min"] = api_number("3.8384e+16");
  summary["hashrate_24hour"] = api_number("37000000000000000");
  summary["balance"] = api_number("0.30000000000000004");
  summary["active_workers"] = api_number("12");
  summary["unactive_workers"] = api_number("1E3");
  api_.set_summary(summary);
  nlohmann::json payment = api_payment("1", "0", "a", "t", 1);
  payment["amount"] = api_number("4.941e-05");
  api_.set_rows("payment_history", {payment});
  const ObserverPage page = fetch();
  EXPECT_EQ(page.current_hashrate_hs, 38384000000000000.0);
  EXPECT_EQ(page.balance_sat, 30'000'000);
  EXPECT_EQ(page.online_workers, 12);
  EXPECT_EQ(page.offline_workers, 1000);
  ASSERT_EQ(page.payments.size(), 1u);
  EXPECT_EQ(page.payments[0].amount_sat, 4'941);
}

TEST_F(PoolApiTest, NumbersThatAreNotValuesAreUnexpected) {
  for (const auto& [field, text] :
       std::vector<std::pair<std::string, std::string>>{{"balance", "-0.5"},
                                                        {"balance", "1e400"},
                                                        {"balance", "92233720368.547758075"},
                                                        {"active_workers", "12.5"},
                                                        {"active_workers", "-1"},
                                                        {"hashrate_10min", "-1e3"},
                                                        {"hashrate_10min", "1e400"}}) {
    serve_fleet(1);
    nlohmann::json summary = api_summary(1, 0, "5", "5", "0");
    summary[field] = api_number(text);
    api_.set_summary(summary);
    const Error e = fetch_error();
    EXPECT_EQ(e.code(), ExitCode::no_data) << field << " " << text;
    EXPECT_TRUE(Contains(e.what(), field)) << e.what();
  }
}

}  // namespace
}  // namespace kz::test
