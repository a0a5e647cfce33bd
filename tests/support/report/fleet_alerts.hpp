#pragma once

// The alert rows of generate_fleet_cache: what kzscrape's AlertStore writes, kept in memory
// between runs so that a generated week costs one statement per transition rather than per run.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <string>
#include <utility>

#include "common/clock.hpp"

namespace kz::test {

class FleetAlerts {
 public:
  using Key = std::pair<std::string, std::string>;  // alert_type, subject

  explicit FleetAlerts(SQLite::Database& db);

  // The condition of `key` holds at `at`: opens the alert (an 'opened' event) or updates it (a
  // 'raised' event when the severity ("low", "medium", "high") went up).
  void activate(int64_t pool_id, const Key& key, const std::string& severity,
                const std::string& message, TimePoint at);
  // The condition cleared at `at`: resolves the open alert, if any (a 'resolved' event).
  void resolve(const Key& key, TimePoint at);
  // Writes the state of the alerts still open; those seen at `end` count as not yet uploaded.
  void finish(TimePoint end);

 private:
  struct Open {
    int64_t id = 0;
    std::string severity, message;
    TimePoint last_seen;
    int64_t revision = 1;
  };
  void event(int64_t alert_id, const char* kind, const std::string& severity,
             const std::string& message, TimePoint at);
  void write(const Open& alert, const TimePoint* resolved_at, int64_t uploaded_revision);

  SQLite::Database& db_;
  SQLite::Statement insert_, event_, update_;
  std::map<Key, Open> open_;
};

}  // namespace kz::test
