#pragma once

#include <nlohmann/json.hpp>

#include "scrape/observer_page.hpp"

namespace kz {

// The page in the shape of the samples' .truth.json (hashrates in TH/s, BTC in
// satoshis) plus exact "balance_btc"/"last_income_btc" strings,
// "workers_complete" and "skipped_rows". Absent values are null.
// Used by `kzscrape --dry-run`.
nlohmann::json page_to_json(const ObserverPage& page);

}  // namespace kz
