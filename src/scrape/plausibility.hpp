#pragma once

// The last check of a page before anything of it is stored or printed: values no
// real account can show mean a misread page (a unit or a decimal mark taken wrong)
// or a broken pool, and storing them would poison the cache, the alerts and Supabase.

#include <cstdint>

#include "scrape/observer_page.hpp"

namespace kz {

// Hashrates in H/s, for the pool and for each worker. The whole Bitcoin network is
// about 1 ZH/s (1e21 H/s) in 2026; ten times that leaves room for growth and still
// stops a value read in the wrong unit (e.g. TH/s taken as EH/s).
constexpr double kMaxPlausibleHashrateHs = 1e22;  // 10 ZH/s

// Workers of one account, online, offline or listed. The largest pools count a few
// million devices in all; ten million workers in one account are a misread count.
constexpr int64_t kMaxPlausibleWorkers = 10'000'000;

// Any BTC amount (balance, income, payment), in satoshis: no more than 21 million BTC
// will ever exist.
constexpr int64_t kMaxPlausibleSat = 21'000'000LL * 100'000'000LL;

// Throws kz::Error(ExitCode::no_data) naming the first value that is negative, not a
// number, or above its bound above, and where it was: `worker "rig7" 10 min hashrate:
// 1.2e+23 H/s is above 10 ZH/s`. The page's own bookkeeping (skipped_rows) is not checked.
void check_plausible(const ObserverPage& page);

}  // namespace kz
