#include "support/report/fleet_alerts.hpp"

namespace kz::test {
namespace {

int rank(const std::string& severity) {
  return severity == "high" ? 2 : severity == "medium" ? 1 : 0;
}

void step(SQLite::Statement& statement) {
  statement.exec();
  statement.reset();
  statement.clearBindings();
}

}  // namespace

FleetAlerts::FleetAlerts(SQLite::Database& db)
    : db_(db),
      insert_(db,
              "INSERT INTO alert(pool_id, alert_type, subject, severity, message, opened_at,"
              " last_seen_at) VALUES(?, ?, ?, ?, ?, ?, ?)"),
      event_(
          db,
          "INSERT INTO alert_event(alert_id, kind, severity, message, at) VALUES(?, ?, ?, ?, ?)"),
      update_(db,
              "UPDATE alert SET severity = ?, message = ?, last_seen_at = ?, resolved_at = ?,"
              " revision = ?, uploaded_revision = ? WHERE id = ?") {}

void FleetAlerts::event(int64_t alert_id, const char* kind, const std::string& severity,
                        const std::string& message, TimePoint at) {
  event_.bind(1, alert_id);
  event_.bind(2, kind);
  event_.bind(3, severity);
  event_.bind(4, message);
  event_.bind(5, format_utc(at));
  step(event_);
}

void FleetAlerts::activate(int64_t pool_id, const Key& key, const std::string& severity,
                           const std::string& message, TimePoint at) {
  auto it = open_.find(key);
  if (it == open_.end()) {
    insert_.bind(1, pool_id);
    insert_.bind(2, key.first);
    insert_.bind(3, key.second);
    insert_.bind(4, severity);
    insert_.bind(5, message);
    insert_.bind(6, format_utc(at));
    insert_.bind(7, format_utc(at));
    step(insert_);
    Open alert{db_.getLastInsertRowid(), severity, message, at, 1};
    event(alert.id, "opened", severity, message, at);
    open_.emplace(key, std::move(alert));
    return;
  }
  Open& alert = it->second;
  if (rank(severity) > rank(alert.severity)) event(alert.id, "raised", severity, message, at);
  alert.severity = severity;
  alert.message = message;
  alert.last_seen = at;
  ++alert.revision;
}

void FleetAlerts::resolve(const Key& key, TimePoint at) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  Open& alert = it->second;
  event(alert.id, "resolved", alert.severity, alert.message, at);
  ++alert.revision;
  write(alert, &at, alert.revision);
  open_.erase(it);
}

void FleetAlerts::finish(TimePoint end) {
  for (const auto& [key, alert] : open_) {
    write(alert, nullptr, alert.last_seen >= end ? alert.revision - 1 : alert.revision);
  }
  open_.clear();
}

void FleetAlerts::write(const Open& alert, const TimePoint* resolved_at,
                        int64_t uploaded_revision) {
  update_.bind(1, alert.severity);
  update_.bind(2, alert.message);
  update_.bind(3, format_utc(alert.last_seen));
  if (resolved_at) update_.bind(4, format_utc(*resolved_at));
  update_.bind(5, alert.revision);
  update_.bind(6, uploaded_revision);
  update_.bind(7, alert.id);
  step(update_);
}

}  // namespace kz::test
