#pragma once

#include <compare>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scrape/observer_page.hpp"

namespace kz {

enum class Severity { low, medium, high };
const char* to_string(Severity severity);  // "low", "medium", "high"

// An alert is identified per pool by its type and subject ("" for pool-wide
// alerts, the worker name for worker alerts). At most one is open per key.
struct AlertKey {
  std::string type;  // offline_workers, worker_offline, hashrate_drop, zero_hashrate, scrape_failed
  std::string subject;  // "" or a worker name
  auto operator<=>(const AlertKey&) const = default;
};

struct OpenAlert {
  AlertKey key;
  Severity severity = Severity::medium;
  std::string message;
};

struct AlertThresholds {
  int offline_high_count = 5;           // more offline workers than this: high
  double offline_high_fraction = 0.10;  // or more than this share of the fleet: high
  double drop_medium_fraction = 0.20;   // current below baseline by this much: medium
  double drop_high_fraction = 0.30;     // by this much: high
  double drop_resolve_fraction = 0.10;  // resolves once back within this of the baseline
  int baseline_window_minutes = 60;
  int baseline_min_snapshots = 3;
  int scrape_failed_after = 3;  // consecutive failed runs
};

// Everything the rules need to judge one run; filled from the cache by the scrape job.
struct RuleContext {
  // The page of this run, or null when the run failed (then only scrape_failed is judged).
  const ObserverPage* page = nullptr;
  int consecutive_failures = 0;  // failed runs in a row, this one included (0 on success)
  std::string last_error;        // of this run, when it failed
  // Current hashrate (H/s) of the previous snapshots within the baseline window before now.
  std::vector<double> recent_hashrates_hs;
  // When a hashrate_drop alert is open: the same window, but before the moment it opened,
  // so that a long drop does not become its own baseline.
  std::vector<double> hashrates_before_drop_opened_hs;
  // Workers that some earlier snapshot listed as online.
  std::set<std::string> workers_seen_online;
};

// A rule's verdict on one key. active: the condition holds now (open or update
// the alert). !active: it has cleared (resolve the alert if open). Keys a rule
// could not judge this run (a worker missing from the table, every page rule
// on a failed run, every worker of a summary without a list) get no finding, and their alerts
// stay as they are. A list of the offline workers alone (WorkerList::offline) resolves the
// worker_offline alert of every worker it leaves out.
struct Finding {
  AlertKey key;
  bool active = false;
  Severity severity = Severity::medium;
  std::string message;  // with the current values, e.g. "3 of 60 workers offline"
};

std::vector<Finding> evaluate_rules(const RuleContext& context, const std::vector<OpenAlert>& open,
                                    const AlertThresholds& thresholds);

std::optional<double> median(std::vector<double> values);

// What to do with the cache's alerts after a run.
enum class AlertAction { open, update, resolve };
struct AlertChange {
  AlertAction action;
  AlertKey key;
  Severity severity = Severity::medium;
  std::string message;
};

// open: active finding with no open alert; update: active finding with an open
// alert (every run, so last_seen_at moves); resolve: inactive finding with an open alert.
std::vector<AlertChange> plan_alert_changes(const std::vector<OpenAlert>& open,
                                            const std::vector<Finding>& findings);

}  // namespace kz
