#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/unrecorded_failure.hpp"
#include "scrape/alerts/anomaly_rules.hpp"
#include "scrape/observer_page.hpp"

namespace kz {

// Which pool a run belongs to and how its page is judged (the ScrapeOptions part every source
// shares).
struct RunIdentity {
  std::string observer_url;                 // the pool's identity (an Antpool account's too)
  std::optional<std::string> account_name;  // its label
  AlertThresholds thresholds;
  std::chrono::minutes page_utc_offset{5 * 60};
  int retain_days = 0;  // > 0: prunes worker samples older than this with the run
};

// One run's result: the page it loaded (checked with check_plausible) or the error it failed
// with (secrets already redacted), and when it started.
struct RunResult {
  TimePoint started;
  std::optional<ObserverPage> page;
  std::optional<Error> failure;
};

// Records a run in the cache the same way for every source: the pool, the alert rules' verdicts,
// the snapshot with its workers, income and payments, retention and the scrape_run row.
class RunRecorder {
 public:
  RunRecorder(Cache& cache, RunIdentity identity) : cache_(cache), identity_(std::move(identity)) {}

  // The pool's id (created on first sight); inside a write transaction.
  int64_t pool_id(TimePoint now);

  // Records `run` inside the caller's Cache::write_transaction at `now_ms` (the snapshot keeps
  // its milliseconds, the rest the second); `earlier` are failures a full disk kept out of the
  // cache, recorded first. Returns the pool's id. Throws kz::Error(cache_failed/usage).
  int64_t record(const RunResult& run, TimePointMs now_ms, TimePoint finished,
                 const std::vector<UnrecordedFailure>& earlier = {});

  // After the commit: logs the alerts opened and resolved and, for a page, what was stored
  // (so that a failed write never reports alerts that were not stored).
  void log_committed(const RunResult& run,
                     const std::vector<UnrecordedFailure>& earlier = {}) const;

  // The account name, else the redacted URL, for log lines.
  std::string label() const;

 private:
  Cache& cache_;
  RunIdentity identity_;
  std::vector<AlertChange> changes_;
};

}  // namespace kz
