#pragma once

#include <cstdint>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/alerts/anomaly_rules.hpp"

namespace kz {

// The cache side of anomaly detection: what the rules need to know about
// earlier runs, and the alert rows their verdicts open, update and resolve.
// Runs inside the run's write transaction.
class AlertStore {
 public:
  explicit AlertStore(Cache& cache) : cache_(cache) {}

  std::vector<OpenAlert> open_alerts(int64_t pool_id);

  // Fills the history part of a RuleContext (baselines, workers seen online)
  // from snapshots taken before `now`. Call before this run's snapshot is stored.
  void load_history(int64_t pool_id, TimePoint now, const AlertThresholds& thresholds,
                    RuleContext& context);

  void apply(int64_t pool_id, const std::vector<AlertChange>& changes, TimePoint now);

 private:
  std::vector<double> hashrates_between(int64_t pool_id, TimePoint from, TimePoint to);

  Cache& cache_;
};

}  // namespace kz
