#include "scrape/alerts/alert_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {

namespace {

// The alert table's severity text (its CHECK allows these three).
Severity severity_of(const std::string& text) {
  return text == "high" ? Severity::high : text == "low" ? Severity::low : Severity::medium;
}

}  // namespace

std::vector<OpenAlert> AlertStore::open_alerts(int64_t pool_id) {
  std::vector<OpenAlert> open;
  SQLite::Statement select(cache_.db(),
                           "SELECT alert_type, subject, severity, message FROM alert"
                           " WHERE pool_id = ? AND resolved_at IS NULL ORDER BY id");
  select.bind(1, pool_id);
  while (select.executeStep()) {
    open.push_back({{select.getColumn(0).getString(), select.getColumn(1).getString()},
                    severity_of(select.getColumn(2).getString()),
                    select.getColumn(3).getString()});
  }
  return open;
}

std::vector<double> AlertStore::hashrates_between(int64_t pool_id, TimePoint from, TimePoint to) {
  std::vector<double> hashrates;
  SQLite::Statement select(cache_.db(),
                           "SELECT hashrate_current_ghs FROM snapshot"
                           " WHERE pool_id = ? AND scraped_at >= ? AND scraped_at < ?");
  select.bind(1, pool_id);
  // scraped_at has milliseconds: bounds in that form compare right as text.
  select.bind(2, format_utc_ms(from));
  select.bind(3, format_utc_ms(to));
  while (select.executeStep()) hashrates.push_back(select.getColumn(0).getDouble() * 1e9);
  return hashrates;
}

void AlertStore::load_history(int64_t pool_id, TimePoint now, const AlertThresholds& thresholds,
                              RuleContext& context) {
  const std::chrono::minutes window{thresholds.baseline_window_minutes};
  context.recent_hashrates_hs = hashrates_between(pool_id, now - window, now);

  SQLite::Statement drop_opened(cache_.db(),
                                "SELECT opened_at FROM alert WHERE pool_id = ? AND"
                                " alert_type = 'hashrate_drop' AND resolved_at IS NULL");
  drop_opened.bind(1, pool_id);
  if (drop_opened.executeStep()) {
    if (auto opened = parse_utc(drop_opened.getColumn(0).getString())) {
      context.hashrates_before_drop_opened_hs =
          hashrates_between(pool_id, *opened - window, *opened);
    }
  }

  SQLite::Statement seen(
      cache_.db(), "SELECT name FROM worker WHERE pool_id = ? AND last_online_at IS NOT NULL");
  seen.bind(1, pool_id);
  while (seen.executeStep()) context.workers_seen_online.insert(seen.getColumn(0).getString());
}

void AlertStore::apply(int64_t pool_id, const std::vector<AlertChange>& changes, TimePoint now) {
  auto& db = cache_.db();
  const std::string stamp = format_utc(now);
  SQLite::Statement open(db,
                         "INSERT INTO alert(pool_id, alert_type, subject, severity, message,"
                         " opened_at, last_seen_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement current(db,
                            "SELECT id, severity, message FROM alert WHERE pool_id = ? AND"
                            " alert_type = ? AND subject = ? AND resolved_at IS NULL");
  SQLite::Statement update(db,
                           "UPDATE alert SET severity = ?, message = ?, last_seen_at = ?,"
                           " revision = revision + 1 WHERE id = ?");
  // A resolved alert keeps the message that described the problem.
  SQLite::Statement resolve(db,
                            "UPDATE alert SET resolved_at = ?, revision = revision + 1"
                            " WHERE id = ?");
  // kznotify's work list (cache migration 6): one row per transition.
  SQLite::Statement event(db,
                          "INSERT INTO alert_event(alert_id, kind, severity, message, at)"
                          " VALUES(?, ?, ?, ?, ?)");
  auto add_event = [&](int64_t alert_id, const char* kind, const std::string& severity,
                       const std::string& message) {
    event.bind(1, alert_id);
    event.bind(2, kind);
    event.bind(3, severity);
    event.bind(4, message);
    event.bind(5, stamp);
    event.exec();
    event.reset();
  };
  for (const AlertChange& change : changes) {
    const std::string severity = to_string(change.severity);
    if (change.action == AlertAction::open) {
      open.bind(1, pool_id);
      open.bind(2, change.key.type);
      open.bind(3, change.key.subject);
      open.bind(4, severity);
      open.bind(5, change.message);
      open.bind(6, stamp);
      open.bind(7, stamp);
      open.exec();
      open.reset();
      add_event(db.getLastInsertRowid(), "opened", severity, change.message);
      continue;
    }
    current.bind(1, pool_id);
    current.bind(2, change.key.type);
    current.bind(3, change.key.subject);
    if (!current.executeStep()) {
      current.reset();
      continue;
    }
    const int64_t id = current.getColumn(0).getInt64();
    const std::string was = current.getColumn(1).getString();
    const std::string message = current.getColumn(2).getString();
    current.reset();
    if (change.action == AlertAction::update) {
      update.bind(1, severity);
      update.bind(2, change.message);
      update.bind(3, stamp);
      update.bind(4, id);
      update.exec();
      update.reset();
      if (change.severity > severity_of(was)) add_event(id, "raised", severity, change.message);
    } else {
      resolve.bind(1, stamp);
      resolve.bind(2, id);
      resolve.exec();
      resolve.reset();
      add_event(id, "resolved", was, message);
    }
  }
}

}  // namespace kz
