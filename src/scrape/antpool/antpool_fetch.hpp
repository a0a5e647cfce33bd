#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scrape/antpool/antpool_client.hpp"
#include "scrape/antpool/antpool_mapping.hpp"
#include "scrape/observer_page.hpp"

namespace kz {

// The calls of each tier for one account, read into the cache's model
// (../shared/antpool-api.md §5). Each throws what AntpoolClient and antpool_mapping throw.

// Tier 1: accountOverview.htm as a summary page (worker_list none).
ObserverPage fetch_overview(AntpoolClient& client, const AntpoolAccount& account);

// Tier 2 (WorkerList::all, workerStatus=0) or tier 3 (WorkerList::offline, workerStatus=2):
// every page of userWorkerList.htm. Invalid workers (status 3) are left out; a worker listed
// twice keeps its first row and counts in `skipped`.
std::vector<WorkerRow> fetch_workers(AntpoolClient& client, const AntpoolAccount& account,
                                     WorkerList which, int page_size, int& skipped);

// Tier 4: account.htm, then paymentHistoryV2.htm recv and payout pages, newest first, only as
// far as the first row at or before what the cache already holds (none: every page).
struct DailyFetch {
  AccountBalance balance;
  std::vector<IncomeRow> income;
  std::vector<PaymentRow> payments;
};
DailyFetch fetch_daily(AntpoolClient& client, const AntpoolAccount& account, int page_size,
                       const std::optional<std::string>& newest_income_date,
                       const std::optional<int64_t>& newest_payment_unix);

// poolStats.htm (signed with `account`'s key; the answer is the pool's, not the account's).
PoolStats fetch_pool_stats(AntpoolClient& client, const AntpoolAccount& account);

}  // namespace kz
