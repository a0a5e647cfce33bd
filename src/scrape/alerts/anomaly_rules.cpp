#include "scrape/alerts/anomaly_rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <unordered_set>
#include <utility>

namespace kz {
namespace {

const char* const kOfflineWorkers = "offline_workers";
const char* const kWorkerOffline = "worker_offline";
const char* const kHashrateDrop = "hashrate_drop";
const char* const kZeroHashrate = "zero_hashrate";
const char* const kScrapeFailed = "scrape_failed";

[[gnu::format(printf, 1, 2)]] std::string format(const char* fmt, ...) {
  std::array<char, 512> buffer{};
  va_list args;
  va_start(args, fmt);
  const int written = std::vsnprintf(buffer.data(), buffer.size(), fmt, args);
  va_end(args);
  if (written < 0) return {};
  if (static_cast<size_t>(written) < buffer.size()) return std::string(buffer.data());
  std::string out(static_cast<size_t>(written) + 1, '\0');
  va_start(args, fmt);
  std::vsnprintf(out.data(), out.size(), fmt, args);
  va_end(args);
  out.resize(static_cast<size_t>(written));
  return out;
}

// "25.100 PH/s": the largest unit that keeps the value at or above 1.
std::string format_hashrate(double hs) {
  static constexpr std::array<const char*, 8> kUnits = {"H/s",  "kH/s", "MH/s", "GH/s",
                                                        "TH/s", "PH/s", "EH/s", "ZH/s"};
  if (!std::isfinite(hs)) return format("%f H/s", hs);
  size_t unit = 0;
  double value = hs;
  while (unit + 1 < kUnits.size() && std::abs(value) >= 1000.0) {
    value /= 1000.0;
    ++unit;
  }
  // 999.9996 TH/s would print as "1000.000 TH/s".
  if (unit + 1 < kUnits.size() && std::abs(value) >= 999.9995) {
    value /= 1000.0;
    ++unit;
  }
  return format("%.3f %s", value, kUnits[unit]);
}

std::string format_window(int minutes) {
  if (minutes > 0 && minutes % 60 == 0) return format("%d h", minutes / 60);
  return format("%d min", minutes);
}

const OpenAlert* find_open(const std::vector<OpenAlert>& open, const AlertKey& key) {
  const auto it = std::find_if(open.begin(), open.end(),
                               [&key](const OpenAlert& alert) { return alert.key == key; });
  return it == open.end() ? nullptr : &*it;
}

bool has_hashrate(const WorkerRow& worker) {
  return worker.hashrate_10m_hs > 0;
}

void offline_workers_rule(const ObserverPage& page, const AlertThresholds& thresholds,
                          std::vector<Finding>& findings) {
  Finding finding;
  finding.key = {kOfflineWorkers, ""};
  const int64_t offline = std::max<int64_t>(page.offline_workers, 0);
  int64_t fleet = 0;  // saturates: the rules may see a page before its plausibility check
  if (__builtin_add_overflow(std::max<int64_t>(page.online_workers, 0), offline, &fleet)) {
    fleet = std::numeric_limits<int64_t>::max();
  }
  const double fraction =
      fleet > 0 ? static_cast<double>(offline) / static_cast<double>(fleet) : 0.0;
  finding.active = offline > 0;
  finding.severity =
      offline > thresholds.offline_high_count || fraction > thresholds.offline_high_fraction
          ? Severity::high
          : Severity::medium;
  finding.message = format("%lld of %lld workers offline (%.1f%%)", static_cast<long long>(offline),
                           static_cast<long long>(fleet), fraction * 100.0);
  findings.push_back(std::move(finding));
}

// worker_offline and zero_hashrate, judged only for workers the table lists. A list of the
// offline workers alone (WorkerList::offline) names every offline worker, so an open
// worker_offline alert of a worker it leaves out resolves; whether that worker has hashrate is
// not known, so its zero_hashrate alert stays as it is. A summary without a list judges no worker.
void worker_rules(const ObserverPage& page, const RuleContext& context,
                  const std::vector<OpenAlert>& open, std::vector<Finding>& findings) {
  if (page.worker_list == WorkerList::none) return;
  std::unordered_set<std::string> judged;
  for (const WorkerRow& worker : page.workers) {
    if (!judged.insert(worker.name).second) continue;  // a repeated row: judged once

    const AlertKey offline_key{kWorkerOffline, worker.name};
    const AlertKey zero_key{kZeroHashrate, worker.name};
    if (worker.status == WorkerStatus::offline) {
      // Still offline with an alert open stays active even if the worker has
      // dropped out of the seen-online history since.
      if (context.workers_seen_online.contains(worker.name) || find_open(open, offline_key)) {
        std::string message = format("worker %s offline (24 h hashrate %s", worker.name.c_str(),
                                     format_hashrate(worker.hashrate_24h_hs).c_str());
        if (worker.last_share_local) message += ", last share " + *worker.last_share_local;
        message += ")";
        findings.push_back({offline_key, true, Severity::medium, std::move(message)});
      }
      findings.push_back(
          {zero_key, false, Severity::medium, format("worker %s offline", worker.name.c_str())});
    } else if (has_hashrate(worker)) {
      std::string message = format("worker %s online at %s (10 min)", worker.name.c_str(),
                                   format_hashrate(worker.hashrate_10m_hs).c_str());
      findings.push_back({offline_key, false, Severity::medium, message});
      findings.push_back({zero_key, false, Severity::medium, std::move(message)});
    } else {
      // Online with nothing done for 10 minutes: worker_offline stays as it is.
      std::string message =
          format("worker %s online with zero hashrate over 10 min (1 h hashrate %s",
                 worker.name.c_str(), format_hashrate(worker.hashrate_1h_hs).c_str());
      if (worker.last_share_local) message += ", last share " + *worker.last_share_local;
      message += ")";
      findings.push_back({zero_key, true, Severity::medium, std::move(message)});
    }
  }
  if (page.worker_list != WorkerList::offline) return;
  for (const OpenAlert& alert : open) {
    if (alert.key.type != kWorkerOffline || judged.contains(alert.key.subject)) continue;
    findings.push_back({alert.key, false, alert.severity,
                        format("worker %s no longer offline", alert.key.subject.c_str())});
  }
}

void hashrate_drop_rule(const ObserverPage& page, const RuleContext& context,
                        const std::vector<OpenAlert>& open, const AlertThresholds& thresholds,
                        std::vector<Finding>& findings) {
  const AlertKey key{kHashrateDrop, ""};
  const bool is_open = find_open(open, key) != nullptr;
  const double current = page.current_hashrate_hs;
  if (!std::isfinite(current)) return;

  const auto enough = [&thresholds](const std::vector<double>& values) {
    return values.size() >= static_cast<size_t>(std::max(thresholds.baseline_min_snapshots, 1));
  };
  std::optional<double> baseline;
  if (is_open && enough(context.hashrates_before_drop_opened_hs)) {
    baseline = median(context.hashrates_before_drop_opened_hs);
  } else if (enough(context.recent_hashrates_hs)) {
    baseline = median(context.recent_hashrates_hs);
  }
  if (!baseline || !std::isfinite(*baseline)) return;

  const double drop = *baseline > 0 ? 1.0 - current / *baseline : 0.0;
  Finding finding;
  finding.key = key;
  if (current < *baseline * (1.0 - thresholds.drop_high_fraction)) {
    finding.active = true;
    finding.severity = Severity::high;
  } else if (current < *baseline * (1.0 - thresholds.drop_medium_fraction)) {
    finding.active = true;
  } else if (is_open) {
    finding.active = current < *baseline * (1.0 - thresholds.drop_resolve_fraction);
  }
  finding.message =
      format("hashrate %s is %.1f%% %s the %s baseline %s", format_hashrate(current).c_str(),
             std::abs(drop) * 100.0, drop >= 0 ? "below" : "above",
             format_window(thresholds.baseline_window_minutes).c_str(),
             format_hashrate(*baseline).c_str());
  findings.push_back(std::move(finding));
}

void scrape_failed_rule(const RuleContext& context, const AlertThresholds& thresholds,
                        std::vector<Finding>& findings) {
  const AlertKey key{kScrapeFailed, ""};
  if (context.page != nullptr) {
    findings.push_back({key, false, Severity::high, "scrape succeeded"});
    return;
  }
  if (context.consecutive_failures < thresholds.scrape_failed_after) return;
  std::string message = format("scrape failed %d runs in a row", context.consecutive_failures);
  if (!context.last_error.empty()) message += ": " + context.last_error;
  findings.push_back({key, true, Severity::high, std::move(message)});
}

}  // namespace

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
  }
  return "unknown";
}

std::optional<double> median(std::vector<double> values) {
  std::erase_if(values, [](double value) { return std::isnan(value); });
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return values[middle - 1] / 2 + values[middle] / 2;
}

std::vector<Finding> evaluate_rules(const RuleContext& context, const std::vector<OpenAlert>& open,
                                    const AlertThresholds& thresholds) {
  std::vector<Finding> findings;
  scrape_failed_rule(context, thresholds, findings);
  // A failed run says nothing about the pool: every page rule keeps its alerts as they are.
  if (context.page == nullptr) return findings;
  const ObserverPage& page = *context.page;
  offline_workers_rule(page, thresholds, findings);
  worker_rules(page, context, open, findings);
  hashrate_drop_rule(page, context, open, thresholds, findings);
  return findings;
}

}  // namespace kz
