#pragma once

#include <chrono>
#include <optional>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/antpool/antpool_client.hpp"

namespace kz {

// The one budget of Antpool calls of every process on a cache (Antpool counts per IP): at most
// `calls` calls reserved in any rolling `window`. reserve() counts the api_call rows of the last
// `window` and, when one is left, inserts the call's row and advances api_nonce for the key,
// both in one write transaction (BEGIN IMMEDIATE), so two processes never share a slot or a
// nonce. The nonce is max(now in epoch ms, last nonce of the key + 1). Also writes `calls` and
// `window` to api_budget_setting for v_api_budget. Throws kz::Error(cache_failed).
class CallBudget : public CallGate {
 public:
  CallBudget(Cache& cache, int calls, std::chrono::seconds window, const Clock& clock);

  std::optional<CallSlot> reserve(const CallRequest& request) override;
  // Fills the call's row: HTTP status, API code, milliseconds and error.
  void record(const CallSlot& slot, const CallOutcome& outcome) override;

  // Slots left now (calls minus calls reserved in the last window; never below 0).
  int remaining();

 private:
  Cache& cache_;
  int calls_;
  std::chrono::seconds window_;
  const Clock& clock_;
};

}  // namespace kz
