#include "scrape/antpool/antpool_fetch.hpp"

#include <set>

namespace kz {

ObserverPage fetch_overview(AntpoolClient& client, const AntpoolAccount& account) {
  ObserverPage page = map_account_overview(
      client.call(account, "accountOverview.htm", {{"coin", "BTC"}}, Tier::overview));
  page.worker_list = WorkerList::none;
  return page;
}

std::vector<WorkerRow> fetch_workers(AntpoolClient& client, const AntpoolAccount& account,
                                     WorkerList which, int page_size, int& skipped) {
  const bool offline = which == WorkerList::offline;
  const std::vector<nlohmann::json> rows = client.fetch_pages(
      account, "userWorkerList.htm", {{"coinType", "BTC"}, {"workerStatus", offline ? "2" : "0"}},
      "/result", page_size, offline ? Tier::offline : Tier::workers);
  std::vector<WorkerRow> workers;
  std::set<std::string> names;
  for (const nlohmann::json& row : rows) {
    std::optional<WorkerRow> worker = map_worker_row(row);
    if (!worker) continue;  // invalid: neither online nor offline
    if (!names.insert(worker->name).second) {
      ++skipped;
      continue;
    }
    workers.push_back(std::move(*worker));
  }
  return workers;
}

DailyFetch fetch_daily(AntpoolClient& client, const AntpoolAccount& account, int page_size,
                       const std::optional<std::string>& newest_income_date,
                       const std::optional<int64_t>& newest_payment_unix) {
  DailyFetch daily;
  daily.balance =
      map_account_balance(client.call(account, "account.htm", {{"coin", "BTC"}}, Tier::daily));

  const auto recv =
      client.fetch_pages(account, "paymentHistoryV2.htm", {{"coin", "BTC"}, {"type", "recv"}}, "",
                         page_size, Tier::daily, [&](const std::vector<nlohmann::json>& rows) {
                           return newest_income_date && !rows.empty() &&
                                  map_income_row(rows.back()).date <= *newest_income_date;
                         });
  std::set<std::string> dates;
  for (const nlohmann::json& row : recv) {
    IncomeRow income = map_income_row(row);
    if (dates.insert(income.date).second) daily.income.push_back(std::move(income));
  }

  const auto payout =
      client.fetch_pages(account, "paymentHistoryV2.htm", {{"coin", "BTC"}, {"type", "payout"}}, "",
                         page_size, Tier::daily, [&](const std::vector<nlohmann::json>& rows) {
                           return newest_payment_unix && !rows.empty() &&
                                  map_payment_row(rows.back()).paid_at_unix <= *newest_payment_unix;
                         });
  std::set<std::string> ids;
  for (const nlohmann::json& row : payout) {
    PaymentRow payment = map_payment_row(row);
    if (ids.insert(payment.payment_id).second) daily.payments.push_back(std::move(payment));
  }
  return daily;
}

PoolStats fetch_pool_stats(AntpoolClient& client, const AntpoolAccount& account) {
  return map_pool_stats(client.call(account, "poolStats.htm", {{"coin", "BTC"}}, Tier::overview));
}

}  // namespace kz
