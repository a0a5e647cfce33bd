#include "notify/notify_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {

namespace {

TimePoint time_of(const SQLite::Column& column) {
  const std::string text = column.getString();
  const std::optional<TimePoint> parsed = parse_utc(text);
  if (!parsed) throw Error(ExitCode::cache_failed, "cache: not a UTC time: '" + text + "'");
  return *parsed;
}

std::optional<TimePoint> optional_time_of(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return time_of(column);
}

int64_t newest_event_id(SQLite::Database& db) {
  SQLite::Statement select(db, "SELECT coalesce(max(id), 0) FROM alert_event");
  select.executeStep();
  return select.getColumn(0).getInt64();
}

// The columns of an alert and its pool that every delivery carries.
constexpr const char* kAlertColumns =
    "a.id, coalesce(p.account_name, p.observer_url), p.source, a.alert_type, a.subject,"
    " a.opened_at, a.last_seen_at, a.resolved_at";

void read_alert(SQLite::Statement& row, int first, PendingDelivery& delivery) {
  delivery.alert_id = row.getColumn(first).getInt64();
  delivery.account_name = row.getColumn(first + 1).getString();
  delivery.source = row.getColumn(first + 2).getString();
  delivery.alert_type = row.getColumn(first + 3).getString();
  delivery.subject = row.getColumn(first + 4).getString();
  delivery.opened_at = time_of(row.getColumn(first + 5));
  delivery.last_seen_at = time_of(row.getColumn(first + 6));
  delivery.resolved_at = optional_time_of(row.getColumn(first + 7));
}

}  // namespace

std::optional<DestinationState> NotifyStore::destination(const std::string& name) {
  SQLite::Statement select(cache_.db(),
                           "SELECT name, type, last_event_id, greeted_at, coalesce(chat_id, ''),"
                           " refused_until, coalesce(last_error, '')"
                           " FROM notify_destination WHERE name = ?");
  select.bind(1, name);
  if (!select.executeStep()) return std::nullopt;
  DestinationState state;
  state.name = select.getColumn(0).getString();
  state.type = select.getColumn(1).getString();
  state.last_event_id = select.getColumn(2).getInt64();
  state.greeted_at = optional_time_of(select.getColumn(3));
  state.chat_id = select.getColumn(4).getString();
  state.refused_until = optional_time_of(select.getColumn(5));
  state.last_error = select.getColumn(6).getString();
  return state;
}

DestinationState NotifyStore::add_destination(const Destination& destination, TimePoint now) {
  SQLite::Statement insert(cache_.db(),
                           "INSERT INTO notify_destination(name, type, added_at, last_event_id)"
                           " VALUES(?, ?, ?, ?)");
  const int64_t newest = newest_event_id(cache_.db());
  insert.bind(1, destination.name);
  insert.bind(2, destination.type);
  insert.bind(3, format_utc(now));
  insert.bind(4, newest);
  insert.exec();
  DestinationState state;
  state.name = destination.name;
  state.type = destination.type;
  state.last_event_id = newest;
  return state;
}

void NotifyStore::skip_to_newest_event(const std::string& name) {
  SQLite::Statement update(cache_.db(),
                           "UPDATE notify_destination SET last_event_id = ? WHERE name = ?");
  update.bind(1, newest_event_id(cache_.db()));
  update.bind(2, name);
  update.exec();
}

std::vector<PendingDelivery> NotifyStore::open_alerts(const Routing& routing) {
  SQLite::Statement select(
      cache_.db(), std::string("SELECT ") + kAlertColumns +
                       ", a.severity, a.message FROM alert a JOIN pool p ON p.id = a.pool_id"
                       " WHERE a.resolved_at IS NULL ORDER BY a.id");
  std::vector<PendingDelivery> open;
  while (select.executeStep()) {
    PendingDelivery alert;
    alert.kind = "open";
    read_alert(select, 0, alert);
    alert.severity = select.getColumn(8).getString();
    alert.message = select.getColumn(9).getString();
    alert.at = alert.opened_at;
    if (routed(routing, alert.account_name, alert.alert_type, alert.severity)) {
      open.push_back(std::move(alert));
    }
  }
  return open;
}

void NotifyStore::mark_greeted(const std::string& name, const std::vector<PendingDelivery>& told,
                               TimePoint now) {
  SQLite::Statement greeted(cache_.db(),
                            "UPDATE notify_destination SET greeted_at = ?, last_error = NULL,"
                            " last_error_at = NULL, refused_until = NULL WHERE name = ?");
  greeted.bind(1, format_utc(now));
  greeted.bind(2, name);
  greeted.exec();
  SQLite::Statement tell(cache_.db(),
                         "INSERT INTO notify_told(destination, alert_id, severity, told_at)"
                         " VALUES(?, ?, ?, ?) ON CONFLICT(destination, alert_id) DO UPDATE"
                         " SET severity = excluded.severity, told_at = excluded.told_at");
  for (const PendingDelivery& alert : told) {
    tell.bind(1, name);
    tell.bind(2, alert.alert_id);
    tell.bind(3, alert.severity);
    tell.bind(4, format_utc(now));
    tell.exec();
    tell.reset();
  }
}

int NotifyStore::plan_events(const std::string& name, const Routing& routing) {
  const std::optional<DestinationState> state = destination(name);
  if (!state) throw Error(ExitCode::internal, "notify: no destination row for " + name);
  SQLite::Statement events(cache_.db(),
                           "SELECT e.id, e.kind, e.severity, coalesce(p.account_name,"
                           " p.observer_url), a.alert_type FROM alert_event e"
                           " JOIN alert a ON a.id = e.alert_id JOIN pool p ON p.id = a.pool_id"
                           " WHERE e.id > ? ORDER BY e.id");
  SQLite::Statement insert(cache_.db(),
                           "INSERT INTO notify_delivery(destination, event_id) VALUES(?, ?)"
                           " ON CONFLICT(destination, event_id) DO NOTHING");
  events.bind(1, state->last_event_id);
  int64_t last = state->last_event_id;
  int added = 0;
  while (events.executeStep()) {
    last = events.getColumn(0).getInt64();
    const std::string kind = events.getColumn(1).getString();
    // A resolution goes to whoever was told of the alert, whatever its severity fell to.
    const std::string severity = kind == "resolved" ? "high" : events.getColumn(2).getString();
    if (!routed(routing, events.getColumn(3).getString(), events.getColumn(4).getString(),
                severity)) {
      continue;
    }
    insert.bind(1, name);
    insert.bind(2, last);
    added += insert.exec();
    insert.reset();
  }
  SQLite::Statement advance(cache_.db(),
                            "UPDATE notify_destination SET last_event_id = ? WHERE name = ?");
  advance.bind(1, last);
  advance.bind(2, name);
  advance.exec();
  return added;
}

std::vector<PendingDelivery> NotifyStore::pending(const std::string& name) {
  SQLite::Statement select(
      cache_.db(),
      // CROSS JOIN keeps the alert's own events as the outer loop: SQLite otherwise walks every
      // earlier delivery of the destination per pending row (bench/README.md, kznotify).
      std::string("SELECT d.event_id, e.kind, e.severity, e.message, e.at, d.attempts, t.severity,"
                  " EXISTS(SELECT 1 FROM alert_event e2 CROSS JOIN notify_delivery d2"
                  " ON d2.destination = d.destination AND d2.event_id = e2.id"
                  " WHERE e2.alert_id = e.alert_id AND e2.id < e.id), ") +
          kAlertColumns +
          " FROM notify_delivery d JOIN alert_event e ON e.id = d.event_id"
          " JOIN alert a ON a.id = e.alert_id JOIN pool p ON p.id = a.pool_id"
          " LEFT JOIN notify_told t ON t.destination = d.destination AND t.alert_id = a.id"
          " WHERE d.destination = ? AND d.state = 'pending' ORDER BY d.event_id");
  select.bind(1, name);
  std::vector<PendingDelivery> pending;
  while (select.executeStep()) {
    PendingDelivery delivery;
    delivery.event_id = select.getColumn(0).getInt64();
    delivery.kind = select.getColumn(1).getString();
    delivery.severity = select.getColumn(2).getString();
    delivery.message = select.getColumn(3).getString();
    delivery.at = time_of(select.getColumn(4));
    delivery.attempts = select.getColumn(5).getInt();
    if (!select.getColumn(6).isNull()) delivery.told_severity = select.getColumn(6).getString();
    delivery.earlier_rows = select.getColumn(7).getInt() != 0;
    read_alert(select, 8, delivery);
    pending.push_back(std::move(delivery));
  }
  return pending;
}

int NotifyStore::pending_count(const std::string& name) {
  SQLite::Statement select(cache_.db(),
                           "SELECT count(*) FROM notify_delivery"
                           " WHERE destination = ? AND state = 'pending'");
  select.bind(1, name);
  select.executeStep();
  return select.getColumn(0).getInt();
}

std::map<AlertKeyText, int> NotifyStore::messages_since(const std::string& name, TimePoint since) {
  SQLite::Statement select(cache_.db(),
                           "SELECT coalesce(p.account_name, p.observer_url), a.alert_type,"
                           " a.subject, count(DISTINCT d.message_seq) FROM notify_delivery d"
                           " JOIN alert_event e ON e.id = d.event_id"
                           " JOIN alert a ON a.id = e.alert_id JOIN pool p ON p.id = a.pool_id"
                           " WHERE d.destination = ? AND d.state = 'sent' AND d.sent_at > ?"
                           " GROUP BY 1, 2, 3");
  select.bind(1, name);
  select.bind(2, format_utc(since));
  std::map<AlertKeyText, int> counts;
  while (select.executeStep()) {
    counts[{select.getColumn(0).getString(), select.getColumn(1).getString(),
            select.getColumn(2).getString()}] = select.getColumn(3).getInt();
  }
  return counts;
}

void NotifyStore::apply_verdicts(const std::string& name,
                                 const std::vector<DeliveryVerdict>& verdicts) {
  SQLite::Statement hold(cache_.db(),
                         "UPDATE notify_delivery SET hold = ? WHERE destination = ?"
                         " AND event_id = ? AND state = 'pending'");
  SQLite::Statement drop(cache_.db(),
                         "UPDATE notify_delivery SET state = 'dropped', hold = NULL, reason = ?"
                         " WHERE destination = ? AND event_id = ? AND state = 'pending'");
  for (const DeliveryVerdict& verdict : verdicts) {
    SQLite::Statement& update = verdict.state == DeliveryVerdict::State::dropped ? drop : hold;
    if (verdict.state == DeliveryVerdict::State::ready) {
      update.bind(1);
    } else {
      update.bind(1, verdict.reason);
    }
    update.bind(2, name);
    update.bind(3, verdict.event_id);
    update.exec();
    update.reset();
  }
}

void NotifyStore::mark_sent(const std::string& name, const std::vector<PendingDelivery>& sent,
                            TimePoint now) {
  const std::string stamp = format_utc(now);
  // Messages are counted by number, not by time: two can go out within one second.
  SQLite::Statement next(cache_.db(),
                         "SELECT coalesce(max(message_seq), 0) + 1 FROM notify_delivery"
                         " WHERE destination = ? AND state = 'sent'");
  next.bind(1, name);
  next.executeStep();
  const int64_t seq = next.getColumn(0).getInt64();
  SQLite::Statement mark(cache_.db(),
                         "UPDATE notify_delivery SET state = 'sent', hold = NULL, sent_at = ?,"
                         " message_seq = ?, attempts = attempts + 1"
                         " WHERE destination = ? AND event_id = ?");
  SQLite::Statement tell(cache_.db(),
                         "INSERT INTO notify_told(destination, alert_id, severity, told_at)"
                         " VALUES(?, ?, ?, ?) ON CONFLICT(destination, alert_id) DO UPDATE"
                         " SET severity = excluded.severity, told_at = excluded.told_at");
  SQLite::Statement forget(cache_.db(),
                           "DELETE FROM notify_told WHERE destination = ? AND alert_id = ?");
  for (const PendingDelivery& delivery : sent) {
    mark.bind(1, stamp);
    mark.bind(2, seq);
    mark.bind(3, name);
    mark.bind(4, delivery.event_id);
    mark.exec();
    mark.reset();
    if (delivery.kind == "resolved") {
      forget.bind(1, name);
      forget.bind(2, delivery.alert_id);
      forget.exec();
      forget.reset();
    } else {
      tell.bind(1, name);
      tell.bind(2, delivery.alert_id);
      tell.bind(3, delivery.severity);
      tell.bind(4, stamp);
      tell.exec();
      tell.reset();
    }
  }
  SQLite::Statement clear(cache_.db(),
                          "UPDATE notify_destination SET last_error = NULL, last_error_at = NULL,"
                          " refused_until = NULL WHERE name = ?");
  clear.bind(1, name);
  clear.exec();
}

void NotifyStore::record_failure(const std::string& name,
                                 const std::vector<PendingDelivery>& deliveries,
                                 const std::string& error, TimePoint now) {
  SQLite::Statement attempt(cache_.db(),
                            "UPDATE notify_delivery SET attempts = attempts + 1"
                            " WHERE destination = ? AND event_id = ?");
  for (const PendingDelivery& delivery : deliveries) {
    attempt.bind(1, name);
    attempt.bind(2, delivery.event_id);
    attempt.exec();
    attempt.reset();
  }
  SQLite::Statement failed(cache_.db(),
                           "UPDATE notify_destination SET last_error = ?, last_error_at = ?"
                           " WHERE name = ?");
  failed.bind(1, error);
  failed.bind(2, format_utc(now));
  failed.bind(3, name);
  failed.exec();
}

void NotifyStore::set_refused(const std::string& name, TimePoint until, const std::string& error,
                              TimePoint now) {
  SQLite::Statement refused(cache_.db(),
                            "UPDATE notify_destination SET refused_until = ?, last_error = ?,"
                            " last_error_at = ? WHERE name = ?");
  refused.bind(1, format_utc(until));
  refused.bind(2, error);
  refused.bind(3, format_utc(now));
  refused.bind(4, name);
  refused.exec();
}

void NotifyStore::clear_refusal(const std::string& name) {
  SQLite::Statement clear(cache_.db(),
                          "UPDATE notify_destination SET refused_until = NULL WHERE name = ?");
  clear.bind(1, name);
  clear.exec();
}

void NotifyStore::set_chat_id(const std::string& name, const std::string& chat_id) {
  SQLite::Statement update(cache_.db(), "UPDATE notify_destination SET chat_id = ? WHERE name = ?");
  update.bind(1, chat_id);
  update.bind(2, name);
  update.exec();
}

}  // namespace kz
