#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// The calls a tier is expected to take for one account (issue 12, "One budget"): tier 1 one
// call; tier 2 one per page of `workers` (the account's last known worker count), tier 3 one per
// page of `workers` (its inactive workers), at least one; tier 4 three (account.htm and one page
// each of recv and payout). `page_size` > 0.
int estimate_calls(Tier tier, int64_t workers, int page_size);

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
