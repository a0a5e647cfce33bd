#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// The calls a tier is expected to take for one account (issue 12, "One budget"): tier 1 one
// call; tier 2 one per page of `workers` (the account's last known worker count), tier 3 one per
// page of `workers` (its inactive workers), at least one; tier 4 three (account.htm and one page
// each of recv and payout). `page_size` > 0.
int estimate_calls(Tier tier, int64_t workers, int page_size);

// A tier's place in the order 1, 3, 2, 4 (0 for tier 1 .. 3 for tier 4).
int tier_priority(Tier tier);

// Tier 1 of an account that found no slot: kz::Error(fetch_failed) "deferred: the Antpool call
// budget had no slot left (N of M calls used in the last S s)" (`used` N of `budget_calls` M).
Error tier1_deferred_error(int used, int budget_calls, std::chrono::seconds window);

// When tier 2, 3 or 4 of `account_name` needs `estimate` calls, more than a window of
// `budget_calls` holds beside tier 1 of all `accounts` and poolStats.htm (accounts + 1), it would
// be deferred forever: the line that says so ("tier 2 of antpool_001 needs 4 calls, more than
// budget_calls 5 minus tier 1's 2 (one per account and poolStats.htm); raise budget_calls or
// worker_page_size"). Otherwise (and for tier 1) nothing.
std::optional<std::string> never_fits_line(Tier tier, const std::string& account_name, int estimate,
                                           int budget_calls, int accounts);

// The tiers a run could not serve, counted per tier, for the one line that says so.
class DeferredTiers {
 public:
  void add(Tier tier) { ++accounts_[static_cast<size_t>(tier) - 1]; }
  bool empty() const;
  int accounts(Tier tier) const { return accounts_[static_cast<size_t>(tier) - 1]; }
  // "deferred to the next run: tier 2 for 12 accounts, tier 4 for 1 account (budget: 3 of 550
  // calls left in 600 s)"; tiers in the order 1, 3, 2, 4.
  std::string line(int remaining, int budget_calls, std::chrono::seconds window) const;

 private:
  std::array<int, 4> accounts_{};
};

}  // namespace kz
