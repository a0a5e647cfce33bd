#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "scrape/btcpool_api/pool_api_mapping.hpp"
#include "support/pool_api_server.hpp"

namespace kz::test {

inline const std::string kApiKey = "k3y-5ecret-0123456789";

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' lacks '" << part << "'";
}
inline ::testing::AssertionResult Lacks(const std::string& text, const std::string& part) {
  if (text.find(part) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' contains '" << part << "'";
}

// "2026-11-22" minus `back` days.
inline std::string date_before(int back) {
  using namespace std::chrono;
  return format_utc(sys_days{2026y / November / 22} - days{back}).substr(0, 10);
}

// A local API serving a fleet in the documented shapes, and a client for it.
class PoolApiTest : public ::testing::Test {
 protected:
  // `workers` workers (every tenth offline), 40 profit days up to 2026-11-22,
  // `payments` payments.
  void serve_fleet(int workers, int payments = 3) {
    std::vector<nlohmann::json> rows;
    for (int i = 0; i < workers; ++i) {
      rows.push_back(api_worker(i + 1, "w" + std::to_string(i), i % 10 != 0,
                                std::to_string(100'000'000'000'000LL + i * 1'000'000'000LL),
                                1'795'000'000 + i, i % 2 ? "0.00120000" : "0.00000000"));
    }
    api_.set_rows("workers", rows);
    std::vector<nlohmann::json> days;
    for (int back = 39; back >= 0; --back) {
      days.push_back(api_profit_day(date_before(back), "0.00010000",
                                    "0.0000" + std::to_string(1000 + back),
                                    "0.0001" + std::to_string(1000 + back), "137937000000000"));
    }
    api_.set_rows("profit_history", days);
    std::vector<nlohmann::json> paid;
    for (int i = 0; i < payments; ++i) {
      paid.push_back(api_payment(std::to_string(900 + i), "0.0050000" + std::to_string(i),
                                 "bc1qexample" + std::to_string(i), "tx" + std::to_string(i),
                                 1'794'000'000 + i * 86'400));
    }
    api_.set_rows("payment_history", paid);
    api_.set_summary(api_summary(workers - (workers + 9) / 10, (workers + 9) / 10,
                                 "38384000000000000", "37000000000000000", "0.00015744"));
  }

  PoolApiClient client(int page_size = 100) {
    PoolApiOptions options;
    options.url = api_.url();
    options.key = kApiKey;
    options.page_size = page_size;
    return PoolApiClient(options, transport_, http_, [](std::chrono::milliseconds) {});
  }
  ObserverPage fetch(int page_size = 100) {
    PoolApiClient api = client(page_size);
    return fetch_api_page(api, now_, std::chrono::hours(5));
  }
  // The error fetch() throws.
  Error fetch_error(int page_size = 100) {
    try {
      fetch(page_size);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "fetch() succeeded";
    return Error(ExitCode::ok, "");
  }

  PoolApiServer api_{kApiKey};
  HttpOptions http_ = [] {
    HttpOptions http;
    http.max_retries = 2;
    http.backoff_base = std::chrono::milliseconds(1);
    http.total_timeout = std::chrono::seconds(10);
    return http;
  }();
  CurlTransport transport_{http_};
  TimePoint now_ =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours(10);
};

}  // namespace kz::test
