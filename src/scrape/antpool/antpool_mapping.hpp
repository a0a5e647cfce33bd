#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scrape/observer_page.hpp"

namespace kz {

// Reading Antpool's answers (the "data" member, numbers as exact text as AntpoolClient gives
// them) into the cache's model, per ../shared/antpool-api.md §5-6. Every number is read from a
// JSON string or number alike; hashrates become H/s as double, never truncated; coin amounts
// become satoshis exactly. A missing or unreadable required field is kz::Error(no_data) naming
// the endpoint and the field.

// accountOverview.htm (§5.3, H/s): current = hsLast10m, avg 24 h = hsLast1d, online =
// activeWorkerNum, offline = inactiveWorkerNum, balance = unpaidAmount, last income =
// yesterdayAmount. worker_list is WorkerList::none (no workers listed).
ObserverPage map_account_overview(const nlohmann::json& data);

// One userWorkerList.htm row (§5.4): workerId, "116.34 TH/s"-style hashrates (any unit H/s to
// EH/s, case-insensitive, with or without the space; "", missing or "0 H/s" give 0),
// rejectRatio "0.03%" -> 0.0003, shareLastTime epoch ms (string or number) -> last_share_unix.
// Status from workerStatus (1 online, 2 offline, 3 invalid); without it, online iff the 10 min
// hashrate > 0. nullopt for an invalid worker (status 3), which is neither online nor offline.
std::optional<WorkerRow> map_worker_row(const nlohmann::json& row);

// paymentHistoryV2.htm type=recv row (§5.6): date from timestamp (UTC), total = the sum of every
// *Amount field (pps, pplns, solo, ppapps, ppapplns, fppsBlock, fppsFee), pps_sat, pplns_sat and
// fpps_sat (block + fee) split, hashrate_hs from hashrate_unit (H/s) or the "1.24 PH/s" text.
IncomeRow map_income_row(const nlohmann::json& row);

// paymentHistoryV2.htm type=payout row: payment_id = txId (id when present and txId empty),
// amount, walletAddress, timestamp (UTC, zone-less) -> paid_at_unix.
PaymentRow map_payment_row(const nlohmann::json& row);

// poolStats.htm (§5.7): poolHashrate in MH/s.
struct PoolStats {
  double pool_hashrate_hs = 0;
  std::optional<int64_t> active_workers;
  std::string pool_status;                 // "Alive"
  std::string network_difficulty;          // exact decimal text, "83148355189239"
  std::optional<int64_t> estimate_time_s;  // expected seconds per block
  std::optional<int64_t> current_round_s;
  std::optional<int64_t> total_shares;
  std::optional<int64_t> total_blocks;
};
PoolStats map_pool_stats(const nlohmann::json& data);

// account.htm (§5.1): coin amounts in satoshis.
struct AccountBalance {
  int64_t balance_sat = 0;
  int64_t earn_total_sat = 0;
  int64_t paid_out_sat = 0;
  int64_t earn_24h_sat = 0;
  std::optional<std::string> settle_date;  // "2024-05-01"
};
AccountBalance map_account_balance(const nlohmann::json& data);

}  // namespace kz
