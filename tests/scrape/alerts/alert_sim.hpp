#pragma once

// Test helpers for the anomaly rules: a small alert store that applies planned
// changes the way the cache does, and a pool that feeds it runs 10 minutes apart.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scrape/alerts/anomaly_rules.hpp"
#include "scrape/observer_page.hpp"

namespace kz::test {

inline WorkerRow worker(std::string name, WorkerStatus status, double hashrate_10m_hs,
                        double hashrate_24h_hs = 0,
                        std::optional<std::string> last_share = std::nullopt) {
  WorkerRow row;
  row.name = std::move(name);
  row.status = status;
  row.hashrate_10m_hs = hashrate_10m_hs;
  row.hashrate_1h_hs = hashrate_10m_hs;
  row.hashrate_24h_hs = hashrate_24h_hs;
  row.last_share_local = std::move(last_share);
  return row;
}

inline WorkerRow online(std::string name, double hashrate_10m_hs = 100e12) {
  return worker(std::move(name), WorkerStatus::online, hashrate_10m_hs, hashrate_10m_hs);
}

inline WorkerRow offline(std::string name) {
  return worker(std::move(name), WorkerStatus::offline, 0, 0);
}

// Cards counted from the rows unless given.
inline ObserverPage page(double hashrate_hs, std::vector<WorkerRow> workers = {},
                         std::optional<int> online_card = std::nullopt,
                         std::optional<int> offline_card = std::nullopt) {
  ObserverPage result;
  result.locale = "en";
  result.current_hashrate_hs = hashrate_hs;
  const auto count = [&workers](WorkerStatus status) {
    return static_cast<int>(
        std::count_if(workers.begin(), workers.end(),
                      [status](const WorkerRow& w) { return w.status == status; }));
  };
  result.online_workers = online_card.value_or(count(WorkerStatus::online));
  result.offline_workers = offline_card.value_or(count(WorkerStatus::offline));
  result.workers = std::move(workers);
  return result;
}

inline AlertKey key(std::string type, std::string subject = "") {
  return {std::move(type), std::move(subject)};
}

template <typename T>
bool keys_unique(const std::vector<T>& items) {
  std::set<AlertKey> keys;
  for (const T& item : items) {
    if (!keys.insert(item.key).second) return false;
  }
  return true;
}

inline const Finding* find_finding(const std::vector<Finding>& findings, const AlertKey& k) {
  const auto it =
      std::find_if(findings.begin(), findings.end(), [&k](const Finding& f) { return f.key == k; });
  return it == findings.end() ? nullptr : &*it;
}

inline const AlertChange* find_change(const std::vector<AlertChange>& changes, const AlertKey& k) {
  const auto it = std::find_if(changes.begin(), changes.end(),
                               [&k](const AlertChange& c) { return c.key == k; });
  return it == changes.end() ? nullptr : &*it;
}

// The cache's alert table, reduced to what the lifecycle needs.
class AlertStore {
 public:
  struct Counts {
    int opened = 0;
    int updated = 0;
    int resolved = 0;
  };

  std::vector<AlertChange> run(const RuleContext& context, const AlertThresholds& thresholds = {}) {
    const std::vector<OpenAlert> open = open_alerts();
    findings_ = evaluate_rules(context, open, thresholds);
    EXPECT_TRUE(keys_unique(findings_)) << "the rules emitted two findings for one key";
    std::vector<AlertChange> changes = plan_alert_changes(open, findings_);
    EXPECT_TRUE(keys_unique(changes)) << "two changes planned for one key";
    for (const AlertChange& change : changes) apply(change);
    return changes;
  }

  std::vector<OpenAlert> open_alerts() const {
    std::vector<OpenAlert> result;
    for (const auto& [k, alert] : open_) result.push_back(alert);
    return result;
  }

  const OpenAlert* find(const AlertKey& k) const {
    const auto it = open_.find(k);
    return it == open_.end() ? nullptr : &it->second;
  }
  bool is_open(const AlertKey& k) const { return find(k) != nullptr; }
  Counts counts(const AlertKey& k) const {
    const auto it = counts_.find(k);
    return it == counts_.end() ? Counts{} : it->second;
  }
  const std::vector<Finding>& findings() const { return findings_; }
  const std::vector<AlertChange>& resolved() const { return resolved_; }
  size_t open_count() const { return open_.size(); }

 private:
  void apply(const AlertChange& change) {
    Counts& counts = counts_[change.key];
    switch (change.action) {
      case AlertAction::open:
        EXPECT_FALSE(is_open(change.key)) << "opened twice: " << change.key.type;
        open_[change.key] = {change.key, change.severity, change.message};
        ++counts.opened;
        break;
      case AlertAction::update:
        EXPECT_TRUE(is_open(change.key)) << "update without an open alert: " << change.key.type;
        open_[change.key] = {change.key, change.severity, change.message};
        ++counts.updated;
        break;
      case AlertAction::resolve:
        EXPECT_TRUE(is_open(change.key)) << "resolve without an open alert: " << change.key.type;
        open_.erase(change.key);
        resolved_.push_back(change);
        ++counts.resolved;
        break;
    }
  }

  std::map<AlertKey, OpenAlert> open_;
  std::map<AlertKey, Counts> counts_;
  std::vector<Finding> findings_;
  std::vector<AlertChange> resolved_;
};

// Runs every 10 minutes; fills the RuleContext the way the cache side does.
class Pool {
 public:
  static constexpr size_t kWindowSnapshots = 6;  // 60 minutes

  std::vector<AlertChange> ok(const ObserverPage& observed) {
    RuleContext context;
    context.page = &observed;
    context.recent_hashrates_hs = window_before(history_.size());
    if (drop_opened_at_) context.hashrates_before_drop_opened_hs = window_before(*drop_opened_at_);
    context.workers_seen_online = seen_online_;
    std::vector<AlertChange> changes = store.run(context, thresholds);

    if (const AlertChange* drop = find_change(changes, key("hashrate_drop"))) {
      if (drop->action == AlertAction::open) drop_opened_at_ = history_.size();
      if (drop->action == AlertAction::resolve) drop_opened_at_.reset();
    }
    history_.push_back(observed.current_hashrate_hs);
    for (const WorkerRow& row : observed.workers) {
      if (row.status == WorkerStatus::online) seen_online_.insert(row.name);
    }
    failures_ = 0;
    return changes;
  }

  std::vector<AlertChange> fail(std::string error = "HTTP 503") {
    RuleContext context;
    context.consecutive_failures = ++failures_;
    context.last_error = std::move(error);
    context.recent_hashrates_hs = window_before(history_.size());
    context.workers_seen_online = seen_online_;
    return store.run(context, thresholds);
  }

  AlertStore store;
  AlertThresholds thresholds;

 private:
  std::vector<double> window_before(size_t end) const {
    const size_t begin = end > kWindowSnapshots ? end - kWindowSnapshots : 0;
    return {history_.begin() + static_cast<std::ptrdiff_t>(begin),
            history_.begin() + static_cast<std::ptrdiff_t>(end)};
  }

  std::vector<double> history_;
  std::optional<size_t> drop_opened_at_;
  std::set<std::string> seen_online_;
  int failures_ = 0;
};

}  // namespace kz::test
