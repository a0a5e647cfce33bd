#pragma once

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/btcpool_api/pool_api_client.hpp"

namespace kz {

// Days of profit_history fetched per run, ending with today's date at the pool.
constexpr int kApiHistoryDays = 30;

// The pool's account read through its API as an ObserverPage: summary_data,
// every page of workers, the last kApiHistoryDays of profit_history (dates at
// `pool_utc_offset`) and every payment. Throws what PoolApiClient throws, and
// no_data for a value that does not parse.
ObserverPage fetch_api_page(PoolApiClient& client, TimePoint now,
                            std::chrono::minutes pool_utc_offset);

// One answer or row each, exactly, from the text of each value (a string, or a JSON number kept
// as its text by PoolApiClient::call()): hashrates are H/s in decimal with an optional
// exponent, read to the nearest double; BTC amounts are satoshis by integer arithmetic,
// digits past the 8th decimal rounded to the nearest satoshi (halves away from zero); times
// and counts are whole numbers, unix seconds. Negative or unreadable values throw no_data.
void map_summary(const nlohmann::json& data, ObserverPage& page);
WorkerRow map_worker(const nlohmann::json& row);
IncomeRow map_profit_day(const nlohmann::json& row);
PaymentRow map_payment(const nlohmann::json& row);

}  // namespace kz
