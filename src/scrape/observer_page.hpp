#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kz {

// What the observer page shows, in exact units: hashrates in H/s, BTC in
// satoshis, dates ISO. Times on the page carry no zone; they are kept as
// shown (local pool time, "YYYY-MM-DDTHH:MM:SS") and converted to UTC when stored.
enum class WorkerStatus { online, offline };

struct WorkerRow {
  std::string name;
  WorkerStatus status = WorkerStatus::offline;
  double hashrate_10m_hs = 0;
  double hashrate_1h_hs = 0;
  double hashrate_24h_hs = 0;
  std::optional<std::string> last_share_local;  // "2026-11-22T10:33:25"
  // Only the pool's API gives these; the page parser leaves them empty.
  std::optional<int64_t> last_share_unix = std::nullopt;  // UTC; wins over last_share_local
  std::optional<double> reject_rate = std::nullopt;       // as the API gives it: "0.00120000"
};

struct IncomeRow {
  std::string date;  // "2026-11-21"
  int64_t total_income_sat = 0;
  std::optional<double> hashrate_hs;
  // The API's split of the total; the page parser leaves them empty.
  std::optional<int64_t> pps_sat = std::nullopt;
  std::optional<int64_t> pplns_sat = std::nullopt;
  std::optional<int64_t> fpps_sat = std::nullopt;  // Antpool: fppsBlockAmount + fppsFeeAmount
};

// A payout, only known from the pool's API.
struct PaymentRow {
  std::string payment_id;
  int64_t amount_sat = 0;
  std::string address;
  std::string tx;
  int64_t paid_at_unix = 0;
};

// Which workers a snapshot lists. all: every worker the source shows (the page's table, the
// API's list, Antpool's tier 2); offline: only the offline ones, all of them (Antpool's tier 3);
// none: a summary without a worker list (Antpool's tier 1 alone).
enum class WorkerList { all, offline, none };

struct ObserverPage {
  std::string locale;  // "ru" or "en"
  double current_hashrate_hs = 0;
  std::optional<double> avg_hashrate_24h_hs;
  int64_t online_workers = 0;  // counts as the cards show them; see plausibility.hpp for bounds
  int64_t offline_workers = 0;
  std::optional<int64_t> balance_sat;
  std::optional<int64_t> last_income_sat;
  std::vector<WorkerRow> workers;
  std::vector<IncomeRow> income;
  std::vector<PaymentRow> payments;  // API only
  // Table rows the parser dropped: cut off, missing a required cell, unreadable
  // values, or a repeated worker name / income date (the first one is kept).
  int skipped_rows = 0;
  WorkerList worker_list = WorkerList::all;

  // The table may list fewer workers than the cards count; missing workers
  // are unknown, never offline. A table listing more workers than the cards
  // count disagrees with them, so that list is not taken as complete either.
  bool workers_complete() const {
    if (worker_list != WorkerList::all) return false;
    // Unsigned: two counts up to INT64_MAX cannot overflow, and a negative one never matches.
    if (online_workers < 0 || offline_workers < 0) return false;
    return static_cast<uint64_t>(workers.size()) ==
           static_cast<uint64_t>(online_workers) + static_cast<uint64_t>(offline_workers);
  }
};

}  // namespace kz
