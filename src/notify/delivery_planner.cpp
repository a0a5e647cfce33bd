#include "notify/delivery_planner.hpp"

#include <algorithm>

namespace kz {

int severity_rank(const std::string& severity) {
  return severity == "high" ? 2 : severity == "medium" ? 1 : 0;
}

bool routed(const Routing& routing, const std::string& account_name, const std::string& alert_type,
            const std::string& severity) {
  auto listed = [](const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  return listed(routing.pools, account_name) && listed(routing.alert_types, alert_type) &&
         severity_rank(severity) >= severity_rank(routing.min_severity);
}

bool in_quiet_hours(const QuietHours& quiet, int local_minute) {
  const int from = quiet.from.minutes;
  const int to = quiet.to.minutes;
  if (from == to) return false;
  if (from < to) return local_minute >= from && local_minute < to;
  return local_minute >= from || local_minute < to;
}

namespace {

using State = DeliveryVerdict::State;

// One alert's deliveries of this batch, in event order, with their verdicts.
struct AlertBatch {
  std::vector<const PendingDelivery*> deliveries;
  std::vector<DeliveryVerdict> verdicts;
};

void set_all(AlertBatch& batch, State state, const std::string& reason) {
  for (DeliveryVerdict& verdict : batch.verdicts) {
    if (verdict.state == State::dropped) continue;
    verdict.state = state;
    verdict.reason = reason;
  }
}

// Drops what can never be sent: raises and resolutions of an alert the destination does not
// know of, raises not above what it knows.
void drop_untold(AlertBatch& batch) {
  std::optional<std::string> known = batch.deliveries.front()->told_severity;
  for (size_t i = 0; i < batch.deliveries.size(); ++i) {
    const PendingDelivery& delivery = *batch.deliveries[i];
    DeliveryVerdict& verdict = batch.verdicts[i];
    if (delivery.kind == "opened") {
      known = delivery.severity;
    } else if (delivery.kind == "raised") {
      if (known && severity_rank(delivery.severity) > severity_rank(*known)) {
        verdict.previous_severity = *known;
        known = delivery.severity;
      } else if (known) {
        verdict = {delivery.event_id, State::dropped, "not higher", ""};
      } else if (!delivery.earlier_rows && i == 0) {
        known = delivery.severity;  // the first the destination hears of this alert
      } else {
        verdict = {delivery.event_id, State::dropped, "not told", ""};
      }
    } else if (!known) {
      verdict = {delivery.event_id, State::dropped, "not told", ""};
    }
  }
}

void decide(AlertBatch& batch, const PlanContext& context) {
  const PendingDelivery& first = *batch.deliveries.front();
  bool has_opened = false, has_resolved = false;
  for (const PendingDelivery* delivery : batch.deliveries) {
    has_opened = has_opened || delivery->kind == "opened";
    has_resolved = has_resolved || delivery->kind == "resolved";
  }
  if (has_opened) {
    const auto found = context.min_duration.find(first.alert_type);
    const std::chrono::seconds minimum =
        found == context.min_duration.end() ? std::chrono::seconds{0} : found->second;
    if (first.last_seen_at - first.opened_at < minimum) {
      if (first.resolved_at) {
        set_all(batch, State::dropped, "shorter than " + std::to_string(minimum.count()) + " s");
      } else {
        set_all(batch, State::held, "min duration");
      }
      return;
    }
  }
  drop_untold(batch);
  const bool any_left =
      std::any_of(batch.verdicts.begin(), batch.verdicts.end(),
                  [](const DeliveryVerdict& v) { return v.state != State::dropped; });
  if (!any_left) return;
  std::string hold;
  if (context.muted && context.muted(first.account_name, first.subject)) {
    hold = "muted";
  } else {
    const auto sent =
        context.sent_last_hour.find({first.account_name, first.alert_type, first.subject});
    if (sent != context.sent_last_hour.end() && sent->second >= context.max_per_alert_per_hour) {
      hold = "flapping";
    }
  }
  if (hold.empty() && context.quiet_hours) {
    bool high = false;
    for (size_t i = 0; i < batch.deliveries.size(); ++i) {
      high = high ||
             (batch.verdicts[i].state != State::dropped && batch.deliveries[i]->severity == "high");
    }
    if (!high) hold = "quiet hours";
  }
  if (hold.empty()) return;
  // An opening and its end both held back say nothing once the mute or the flapping is over.
  const bool pair = has_opened && has_resolved;
  set_all(batch, pair && hold != "quiet hours" ? State::dropped : State::held, hold);
}

}  // namespace

std::vector<DeliveryVerdict> plan_deliveries(std::vector<PendingDelivery> pending,
                                             const PlanContext& context) {
  std::sort(pending.begin(), pending.end(), [](const PendingDelivery& a, const PendingDelivery& b) {
    return a.event_id < b.event_id;
  });
  std::map<int64_t, AlertBatch> batches;
  for (const PendingDelivery& delivery : pending) {
    AlertBatch& batch = batches[delivery.alert_id];
    batch.deliveries.push_back(&delivery);
    batch.verdicts.push_back({delivery.event_id, State::ready, "", ""});
  }
  std::vector<DeliveryVerdict> verdicts;
  for (auto& [alert_id, batch] : batches) {
    decide(batch, context);
    verdicts.insert(verdicts.end(), batch.verdicts.begin(), batch.verdicts.end());
  }
  std::sort(
      verdicts.begin(), verdicts.end(),
      [](const DeliveryVerdict& a, const DeliveryVerdict& b) { return a.event_id < b.event_id; });
  return verdicts;
}

}  // namespace kz
