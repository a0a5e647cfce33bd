#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/clock.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// One pending delivery (notify_delivery) with its event and alert, as the planner sees it.
struct PendingDelivery {
  int64_t event_id = 0;
  std::string kind;      // "opened", "raised", "resolved"
  std::string severity;  // the event's: "low", "medium", "high"
  std::string message;   // the event's
  TimePoint at{};        // the event's time (UTC)
  int64_t alert_id = 0;
  std::string account_name;
  std::string source;  // "btcpool", "antpool"
  std::string alert_type;
  std::string subject;  // "" for the pool
  TimePoint opened_at{};
  TimePoint last_seen_at{};
  std::optional<TimePoint> resolved_at;
  // What the destination was told of the alert (notify_told.severity); nullopt: nothing.
  std::optional<std::string> told_severity;
  // Whether the destination has a delivery row of an earlier event of this alert (any state).
  // A raise of an alert that has none and was not told is the first the destination hears of
  // it: its opening was routed out (below min_severity) or came before the destination.
  bool earlier_rows = false;
  int attempts = 0;
};

// (account_name, alert_type, subject): one alert in the sense of the flapping cap.
using AlertKeyText = std::tuple<std::string, std::string, std::string>;

// What the planner decided for one delivery.
struct DeliveryVerdict {
  enum class State { ready, held, dropped };
  int64_t event_id = 0;
  State state = State::ready;
  // held: "min duration", "muted", "flapping", "quiet hours"; dropped: "shorter than 60 s",
  // "not told", "not higher", "muted", "flapping". Empty when ready.
  std::string reason;
  // ready "raised": the severity the destination knew before it ("" when none).
  std::string previous_severity;
};

// What readiness depends on besides the deliveries, gathered by the caller at `now`.
struct PlanContext {
  TimePoint now{};
  // settings.min_duration per alert type (types not listed: 0 s).
  std::map<std::string, std::chrono::seconds> min_duration;
  int max_per_alert_per_hour = 4;
  // Messages about each alert key already sent to the destination in the hour before `now`.
  std::map<AlertKeyText, int> sent_last_hour;
  bool quiet_hours = false;  // `now` is inside the quiet hours (host local time)
  // Whether an alert of (account_name, subject) is muted at `now`.
  std::function<bool(const std::string&, const std::string&)> muted;
};

// Decides, for a destination's pending deliveries (any order), which go in this run's message,
// which wait and which are never sent (issue 13, "What is sent"), in event order per alert:
// - drops first: an opening shorter than its type's minimum duration that already resolved drops
//   the alert's whole batch; a raise or resolution of an alert the destination was not told of
//   (and whose earlier delivery is not in this batch) is "not told", a raise not above what it
//   knew "not higher". A raise with no earlier row is a first opening for the destination;
// - then holds of the alert's remaining deliveries, in this order: "min duration" (still too
//   short), "muted", "flapping" (sent_last_hour >= cap), "quiet hours" (none of them high).
//   An opening and its resolution held together by a mute or the flapping cap are dropped.
// Returns one verdict per delivery, in event_id order.
std::vector<DeliveryVerdict> plan_deliveries(std::vector<PendingDelivery> pending,
                                             const PlanContext& context);

// Whether `local_minute` (minutes since local midnight, 0..1439) is inside `quiet`: from
// inclusive, to exclusive, across midnight when `to` is before `from`; never when they are equal.
bool in_quiet_hours(const QuietHours& quiet, int local_minute);

// Whether `routing` lets a transition of (account_name, alert_type) at `severity` through: the
// pool and the type listed (or the lists empty), the severity at least routing.min_severity.
bool routed(const Routing& routing, const std::string& account_name, const std::string& alert_type,
            const std::string& severity);

// Rank of a severity text: low 0, medium 1, high 2 (unknown texts: 0).
int severity_rank(const std::string& severity);

}  // namespace kz
