#include "scrape/antpool/tier_plan.hpp"

#include <algorithm>

namespace kz {

int estimate_calls(Tier tier, int64_t workers, int page_size) {
  const int64_t size = std::max(page_size, 1);
  const int64_t pages = std::max<int64_t>(1, (std::max<int64_t>(workers, 0) + size - 1) / size);
  switch (tier) {
    case Tier::overview:
      return 1;
    case Tier::workers:
    case Tier::offline:
      return static_cast<int>(std::min<int64_t>(pages, 1'000'000));
    case Tier::daily:
      return 3;
  }
  return 1;
}

int tier_priority(Tier tier) {
  switch (tier) {
    case Tier::overview:
      return 0;
    case Tier::offline:
      return 1;
    case Tier::workers:
      return 2;
    case Tier::daily:
      return 3;
  }
  return 3;
}

Error tier1_deferred_error(int used, int budget_calls, std::chrono::seconds window) {
  return Error(ExitCode::fetch_failed,
               "deferred: the Antpool call budget had no slot left (" + std::to_string(used) +
                   " of " + std::to_string(budget_calls) + " calls used in the last " +
                   std::to_string(window.count()) + " s)");
}

std::optional<std::string> never_fits_line(Tier tier, const std::string& account_name, int estimate,
                                           int budget_calls, int accounts) {
  const int tier1 = accounts + 1;
  if (tier == Tier::overview || estimate <= budget_calls - tier1) return std::nullopt;
  return "tier " + std::to_string(static_cast<int>(tier)) + " of " + account_name + " needs " +
         std::to_string(estimate) + " calls, more than budget_calls " +
         std::to_string(budget_calls) + " minus tier 1's " + std::to_string(tier1) +
         " (one per account and poolStats.htm); raise budget_calls" +
         (tier == Tier::daily ? "" : " or worker_page_size");
}

bool DeferredTiers::empty() const {
  return std::all_of(accounts_.begin(), accounts_.end(), [](int n) { return n == 0; });
}

std::string DeferredTiers::line(int remaining, int budget_calls,
                                std::chrono::seconds window) const {
  std::string text = "deferred to the next run: ";
  bool first = true;
  for (Tier tier : {Tier::overview, Tier::offline, Tier::workers, Tier::daily}) {
    const int n = accounts(tier);
    if (n == 0) continue;
    if (!first) text += ", ";
    first = false;
    text += "tier " + std::to_string(static_cast<int>(tier)) + " for " + std::to_string(n) +
            (n == 1 ? " account" : " accounts");
  }
  return text + " (budget: " + std::to_string(remaining) + " of " + std::to_string(budget_calls) +
         " calls left in " + std::to_string(window.count()) + " s)";
}

}  // namespace kz
