#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "notify/delivery_planner.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// A destination's row of notify_destination (cache migration 6).
struct DestinationState {
  std::string name;
  std::string type;
  int64_t last_event_id = 0;  // alert_event ids up to this one are planned
  std::optional<TimePoint> greeted_at;
  std::string chat_id;  // Telegram's id after migrate_to_chat_id; "" when none
  std::optional<TimePoint> refused_until;
  std::string last_error;
};

// kznotify's reads and writes of the cache: notify_destination, notify_delivery, notify_told
// over alert_event, alert and pool. Opens no transaction of its own: the caller groups its calls
// in Cache::write_transaction, which turns a SQLite failure into kz::Error(cache_failed, exit 5).
// A stored time that does not parse throws kz::Error(cache_failed).
class NotifyStore {
 public:
  explicit NotifyStore(Cache& cache) : cache_(cache) {}

  std::optional<DestinationState> destination(const std::string& name);
  // Adds the destination's row with last_event_id = the newest alert_event (its history is not
  // sent) and returns it.
  DestinationState add_destination(const Destination& destination, TimePoint now);
  // last_event_id = the newest alert_event: what is open now is told by the greeting instead.
  void skip_to_newest_event(const std::string& name);
  // The open alerts routed to `routing` (at their current severity), oldest first, as
  // deliveries of kind "open" (event_id 0, at = opened_at).
  std::vector<PendingDelivery> open_alerts(const Routing& routing);
  // The greeting was delivered: greeted_at = now, notify_told = the alerts it listed.
  void mark_greeted(const std::string& name, const std::vector<PendingDelivery>& told,
                    TimePoint now);

  // Adds a pending notify_delivery for each alert_event after last_event_id that `routing` lets
  // through (min_severity applies to openings and raises; a resolution follows its alert) and
  // advances last_event_id. Returns how many rows it added.
  int plan_events(const std::string& name, const Routing& routing);
  // The destination's pending deliveries with their events, alerts and what it was told.
  std::vector<PendingDelivery> pending(const std::string& name);
  int pending_count(const std::string& name);
  // Messages (distinct sent_at) about each alert key sent to the destination after `since`.
  std::map<AlertKeyText, int> messages_since(const std::string& name, TimePoint since);
  // Writes the planner's holds (ready: hold NULL) and drops (state 'dropped', reason).
  void apply_verdicts(const std::string& name, const std::vector<DeliveryVerdict>& verdicts);

  // The channel confirmed a message of `sent`: state 'sent', sent_at = now; notify_told follows
  // (opened/raised: the event's severity; resolved: the row is deleted); the destination's
  // last_error and refused_until are cleared.
  void mark_sent(const std::string& name, const std::vector<PendingDelivery>& sent, TimePoint now);
  // A failed attempt: attempts + 1 on `deliveries`, last_error on the destination.
  void record_failure(const std::string& name, const std::vector<PendingDelivery>& deliveries,
                      const std::string& error, TimePoint now);
  // A permanent refusal: no attempt before `until`.
  void set_refused(const std::string& name, TimePoint until, const std::string& error,
                   TimePoint now);
  // A test message went through (kznotify --test): the refusal back-off ends.
  void clear_refusal(const std::string& name);
  // Telegram's migrate_to_chat_id: the id to use from now on.
  void set_chat_id(const std::string& name, const std::string& chat_id);

 private:
  Cache& cache_;
};

}  // namespace kz
