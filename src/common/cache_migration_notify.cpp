#include "common/cache_schema.hpp"

namespace kz {

// Issue 13: kznotify, over the same cache.
// - alert_event: every transition of an alert, written by kzscrape in the run's transaction:
//   'opened', 'raised' (severity went up) and 'resolved', with the severity and message of that
//   moment. kznotify's work list; alerts opened before this migration have no 'opened' event.
// - notify_destination: one row per configured destination, added on its first run.
//   last_event_id: events up to this id are planned into notify_delivery. greeted_at: when its
//   first message (the alerts open at that moment) was delivered. chat_id: Telegram's new id
//   after migrate_to_chat_id. refused_until: after a permanent refusal, no attempt before then.
// - notify_delivery: per destination and event, 'pending' (hold says what holds it, NULL: ready
//   or failed before), 'sent' (the channel confirmed it, in message number message_seq of that
//   destination) or 'dropped' (reason says why).
// - notify_told: what each destination was told of each alert (the severity it last heard),
//   by an event's message or by its first message; a resolution is sent only to those told.
// - notify_mute: mutes and maintenance windows per pool (account_name) or worker, until a time.
// - notify_summary: the daily summary, once per destination and local date.
extern const char* const kMigration6;
const char* const kMigration6 = R"sql(
CREATE TABLE alert_event (
  id        INTEGER PRIMARY KEY,
  alert_id  INTEGER NOT NULL REFERENCES alert(id),
  kind      TEXT NOT NULL CHECK (kind IN ('opened', 'raised', 'resolved')),
  severity  TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  message   TEXT NOT NULL,
  at        TEXT NOT NULL
) STRICT;
CREATE INDEX alert_event_by_alert ON alert_event(alert_id);

CREATE TABLE notify_destination (
  name           TEXT PRIMARY KEY,
  type           TEXT NOT NULL,
  added_at       TEXT NOT NULL,
  last_event_id  INTEGER NOT NULL,
  greeted_at     TEXT,
  chat_id        TEXT,
  refused_until  TEXT,
  last_error     TEXT,
  last_error_at  TEXT
) STRICT;

CREATE TABLE notify_delivery (
  destination  TEXT NOT NULL REFERENCES notify_destination(name),
  event_id     INTEGER NOT NULL REFERENCES alert_event(id),
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped')),
  hold         TEXT,
  reason       TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  sent_at      TEXT,
  message_seq  INTEGER,  -- the destination's message that carried it (1, 2, ...)
  PRIMARY KEY (destination, event_id)
) STRICT;
CREATE INDEX notify_delivery_pending ON notify_delivery(destination, event_id)
  WHERE state = 'pending';
CREATE INDEX notify_delivery_by_sent ON notify_delivery(destination, sent_at)
  WHERE state = 'sent';
CREATE INDEX notify_delivery_by_seq ON notify_delivery(destination, message_seq)
  WHERE state = 'sent';

CREATE TABLE notify_told (
  destination  TEXT NOT NULL REFERENCES notify_destination(name),
  alert_id     INTEGER NOT NULL REFERENCES alert(id),
  severity     TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  told_at      TEXT NOT NULL,
  PRIMARY KEY (destination, alert_id)
) STRICT;

CREATE TABLE notify_mute (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  account_name  TEXT NOT NULL,
  worker        TEXT,
  until         TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE notify_summary (
  destination  TEXT NOT NULL,
  local_date   TEXT NOT NULL,
  sent_at      TEXT NOT NULL,
  PRIMARY KEY (destination, local_date)
) STRICT;

CREATE VIEW v_notify_pending AS
SELECT d.destination, p.account_name, a.alert_type, a.subject, e.kind, e.severity, e.message,
       e.at,
       coalesce(d.hold, CASE WHEN n.refused_until > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                        THEN 'refused until ' || n.refused_until END) AS hold,
       d.attempts
FROM notify_delivery d
JOIN notify_destination n ON n.name = d.destination
JOIN alert_event e ON e.id = d.event_id
JOIN alert a ON a.id = e.alert_id
JOIN pool p ON p.id = a.pool_id
WHERE d.state = 'pending';

CREATE VIEW v_notify_destinations AS
SELECT name, type, added_at, greeted_at, refused_until, last_error, last_error_at,
       (SELECT count(*) FROM notify_delivery d
        WHERE d.destination = n.name AND d.state = 'pending') AS pending,
       (SELECT max(sent_at) FROM notify_delivery d
        WHERE d.destination = n.name AND d.state = 'sent') AS last_sent_at
FROM notify_destination n;

CREATE VIEW v_mutes AS
SELECT id, account_name, coalesce(worker, '') AS worker, until, reason, created_at
FROM notify_mute
WHERE until > strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
)sql";

}  // namespace kz
