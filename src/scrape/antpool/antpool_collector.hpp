#pragma once

#include <ostream>
#include <vector>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "scrape/antpool/antpool_account.hpp"
#include "scrape/fleet_scrape.hpp"
#include "scrape/scrape_job.hpp"

namespace kz {

// One Antpool account to collect: its account and the options every pool has (account_name,
// db_path, http, thresholds, retain_days, dry_run; observer_url is account.identity()).
struct AntpoolPool {
  ScrapeOptions options;
  AntpoolAccount account;
};

// One cron run of the Antpool collector for every account, on one cache (issue 12):
// - plans the due tiers per account (TierSchedule) and serves them in the order 1, 3, 2, 4
//   while the shared CallBudget has slots; what does not fit is deferred to the next run and
//   said in one log line;
// - tier 1: accountOverview.htm per account, poolStats.htm once; tier 2: userWorkerList.htm,
//   every page; tier 3: offline workers of accounts with a problem; tier 4: account.htm,
//   paymentHistoryV2.htm recv and payout as far as rows not yet cached, then retention;
// - stores each account's run like any pool's (snapshot, worker samples, alerts, run record;
//   scrape_job.hpp) in one transaction per account, so nothing is half-written;
// - one failing account never stops the others; after transient failures of 3 accounts in a
//   row the rest of the run is skipped (recorded as failed runs) rather than hammering.
// With options.dry_run (of the first pool) prints what it fetched as JSON on `out` and stores
// nothing but the call log and budget. Returns one outcome per pool, in order.
std::vector<PoolOutcome> collect_antpool(const std::vector<AntpoolPool>& pools,
                                         const AntpoolSettings& settings, HttpTransport& transport,
                                         const Clock& clock, const Sleeper& sleeper,
                                         std::ostream& out);

}  // namespace kz
