#include <map>
#include <string>

#include "scrape/alerts/anomaly_rules.hpp"

namespace kz {

std::vector<AlertChange> plan_alert_changes(const std::vector<OpenAlert>& open,
                                            const std::vector<Finding>& findings) {
  std::map<AlertKey, const OpenAlert*> open_by_key;
  for (const OpenAlert& alert : open) open_by_key.emplace(alert.key, &alert);

  // The rules emit one finding per key. Should two ever share a key, the
  // first active one wins, so a conflicting verdict never resolves an alert
  // whose condition holds; in any case a key gets at most one change.
  std::map<AlertKey, const Finding*> finding_by_key;
  for (const Finding& finding : findings) {
    auto [it, inserted] = finding_by_key.emplace(finding.key, &finding);
    if (!inserted && finding.active && !it->second->active) it->second = &finding;
  }

  std::vector<AlertChange> changes;
  for (const auto& [key, finding] : finding_by_key) {
    const auto open_it = open_by_key.find(key);
    const OpenAlert* alert = open_it == open_by_key.end() ? nullptr : open_it->second;
    if (finding->active) {
      changes.push_back({alert ? AlertAction::update : AlertAction::open, key, finding->severity,
                         finding->message});
    } else if (alert) {
      const std::string& reason = finding->message.empty() ? alert->message : finding->message;
      changes.push_back({AlertAction::resolve, key, alert->severity, "resolved: " + reason});
    }
  }
  return changes;
}

}  // namespace kz
