#include "common/cache_schema.hpp"

#include <sqlite3.h>

#include <string>

#include "common/sha256.hpp"
#include "common/url_text.hpp"

namespace kz {

// Hashrates are stored in GH/s as REAL: the page shows 3 decimals of TH/s or
// PH/s, so values are whole GH/s, which SQLite writes as small integers on
// disk (3-4 bytes instead of 8) while any finer value still round-trips exactly.
// Times are ISO-8601 UTC text, except worker_sample.last_share_at (unix
// seconds). worker_sample holds ~29,000 rows a day for 200 workers: its key
// packs (snapshot_id, worker_id) into the rowid so that rows append to one
// densely filled B-tree with no second index; the two ids are readable as
// virtual columns.
static const char* const kMigration1 = R"sql(
CREATE TABLE pool (
  id            INTEGER PRIMARY KEY,
  observer_url  TEXT NOT NULL UNIQUE,
  account_name  TEXT UNIQUE,
  created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE snapshot (
  id                   INTEGER PRIMARY KEY,
  pool_id              INTEGER NOT NULL REFERENCES pool(id),
  scraped_at           TEXT NOT NULL,
  hashrate_current_ghs REAL NOT NULL,
  hashrate_24h_ghs     REAL,
  online_workers       INTEGER NOT NULL,
  offline_workers      INTEGER NOT NULL,
  balance_sat          INTEGER,
  last_income_sat      INTEGER,
  listed_workers       INTEGER NOT NULL,
  workers_complete     INTEGER NOT NULL CHECK (workers_complete IN (0, 1)),
  uploaded_at          TEXT
) STRICT;
CREATE INDEX snapshot_by_pool_time ON snapshot(pool_id, scraped_at);

CREATE TABLE scrape_run (
  id           INTEGER PRIMARY KEY,
  pool_id      INTEGER NOT NULL REFERENCES pool(id),
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
  exit_code    INTEGER NOT NULL,
  error        TEXT,
  snapshot_id  INTEGER REFERENCES snapshot(id)
) STRICT;
CREATE INDEX scrape_run_by_pool ON scrape_run(pool_id, id);

CREATE TABLE worker (
  id              INTEGER PRIMARY KEY,
  pool_id         INTEGER NOT NULL REFERENCES pool(id),
  name            TEXT NOT NULL,
  first_seen_at   TEXT NOT NULL,
  last_online_at  TEXT,
  UNIQUE (pool_id, name)
) STRICT;

CREATE TABLE worker_sample (
  sample_key        INTEGER PRIMARY KEY,  -- snapshot_id << 24 | worker_id
  snapshot_id       INTEGER GENERATED ALWAYS AS (sample_key >> 24) VIRTUAL,
  worker_id         INTEGER GENERATED ALWAYS AS (sample_key & 16777215) VIRTUAL,
  online            INTEGER NOT NULL CHECK (online IN (0, 1)),
  hashrate_10m_ghs  REAL NOT NULL,
  hashrate_1h_ghs   REAL NOT NULL,
  hashrate_24h_ghs  REAL NOT NULL,
  last_share_at     INTEGER
) STRICT;

CREATE TABLE income_day (
  pool_id            INTEGER NOT NULL REFERENCES pool(id),
  date               TEXT NOT NULL,
  total_income_sat   INTEGER NOT NULL,
  hashrate_ghs       REAL,
  first_seen_at      TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  revision           INTEGER NOT NULL DEFAULT 1,
  uploaded_revision  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pool_id, date)
) STRICT;

CREATE TABLE alert (
  id                 INTEGER PRIMARY KEY,
  pool_id            INTEGER NOT NULL REFERENCES pool(id),
  alert_type         TEXT NOT NULL,
  subject            TEXT NOT NULL DEFAULT '',
  severity           TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  message            TEXT NOT NULL,
  opened_at          TEXT NOT NULL,
  last_seen_at       TEXT NOT NULL,
  resolved_at        TEXT,
  revision           INTEGER NOT NULL DEFAULT 1,
  uploaded_revision  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX alert_one_open ON alert(pool_id, alert_type, subject)
  WHERE resolved_at IS NULL;

CREATE VIEW v_latest_summary AS
SELECT p.observer_url, p.account_name, s.scraped_at,
       round(s.hashrate_current_ghs / 1e3, 3) AS hashrate_current_ths,
       round(s.hashrate_24h_ghs / 1e3, 3)     AS hashrate_24h_ths,
       s.online_workers, s.offline_workers,
       round(s.balance_sat / 1e8, 8)          AS balance_btc,
       round(s.last_income_sat / 1e8, 8)      AS last_income_btc
FROM pool p
JOIN snapshot s ON s.id = (SELECT max(id) FROM snapshot WHERE pool_id = p.id);

CREATE VIEW v_latest_workers AS
SELECT p.observer_url, w.name AS worker_name,
       CASE ws.online WHEN 1 THEN 'online' ELSE 'offline' END AS status,
       round(ws.hashrate_10m_ghs / 1e3, 3) AS hashrate_10m_ths,
       round(ws.hashrate_1h_ghs / 1e3, 3)  AS hashrate_1h_ths,
       round(ws.hashrate_24h_ghs / 1e3, 3) AS hashrate_24h_ths,
       strftime('%Y-%m-%dT%H:%M:%SZ', ws.last_share_at, 'unixepoch') AS last_share_at
FROM pool p
JOIN snapshot s ON s.id = (SELECT max(id) FROM snapshot WHERE pool_id = p.id)
JOIN worker_sample ws ON ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215
JOIN worker w ON w.id = ws.worker_id;

CREATE VIEW v_daily_income AS
SELECT p.observer_url, i.date,
       round(i.total_income_sat / 1e8, 8) AS total_income_btc,
       round(i.hashrate_ghs / 1e3, 3)     AS hashrate_ths
FROM income_day i JOIN pool p ON p.id = i.pool_id;

CREATE VIEW v_open_alerts AS
SELECT p.observer_url, a.alert_type, a.severity, a.subject, a.message,
       a.opened_at, a.last_seen_at
FROM alert a JOIN pool p ON p.id = a.pool_id
WHERE a.resolved_at IS NULL;
)sql";

// What only the pool's API gives (kzscrape --source api): each worker's reject
// rate (NULL from the page; a trailing NULL costs one header byte per sample),
// the pps/pplns split of each day, and payouts. payment.revision counts
// changes for kzupload like income_day's.
static const char* const kMigration2 = R"sql(
ALTER TABLE worker_sample ADD COLUMN reject_rate REAL;
ALTER TABLE income_day ADD COLUMN pps_sat INTEGER;
ALTER TABLE income_day ADD COLUMN pplns_sat INTEGER;

CREATE TABLE payment (
  pool_id            INTEGER NOT NULL REFERENCES pool(id),
  payment_id         TEXT NOT NULL,
  amount_sat         INTEGER NOT NULL,
  address            TEXT NOT NULL,
  tx                 TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  first_seen_at      TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  revision           INTEGER NOT NULL DEFAULT 1,
  uploaded_revision  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pool_id, payment_id)
) STRICT;

CREATE VIEW v_payments AS
SELECT p.observer_url, y.created_at AS paid_at,
       round(y.amount_sat / 1e8, 8) AS amount_btc, y.address, y.tx
FROM payment y JOIN pool p ON p.id = y.pool_id;
)sql";

// Issue 10 (kzupload delivery).
// - snapshot.scraped_at gets milliseconds, so that two snapshots of a pool never share a time
//   (Supabase's hashrates key): same-second snapshots of a pool become .000, .001, ... in id
//   order (a pool never had a thousand scrapes in one second). A worker's first_seen_at was
//   its first snapshot's time: it takes that snapshot's new form, found by the worker's sample
//   in that second (or .000 once the sample is pruned); last_online_at likewise.
// - worker.device_id: Supabase's devices.device_id, assigned once by kzupload
//   (assign_device_ids) and unique across the cache, as devices.device_id is across accounts.
// - upload_rejected: rows Supabase refused or cannot hold, set aside by kzupload so that they
//   never hold back the rest; item_key is the cache row's key as text, revision the one that
//   was refused (0 for snapshots and workers, which stay set aside until cleared).
static const char* const kMigration3 = R"sql(
UPDATE snapshot
SET scraped_at = substr(snapshot.scraped_at, 1, 19) || printf('.%03dZ', same.n)
FROM (SELECT id, row_number() OVER (PARTITION BY pool_id, scraped_at ORDER BY id) - 1 AS n
      FROM snapshot WHERE length(scraped_at) = 20) AS same
WHERE snapshot.id = same.id;

UPDATE worker
SET first_seen_at = coalesce(
  (SELECT min(s.scraped_at) FROM snapshot s
   WHERE s.pool_id = worker.pool_id
     AND s.scraped_at BETWEEN substr(worker.first_seen_at, 1, 19) || '.000Z'
                          AND substr(worker.first_seen_at, 1, 19) || '.999Z'
     AND EXISTS (SELECT 1 FROM worker_sample ws WHERE ws.sample_key = s.id << 24 | worker.id)),
  substr(first_seen_at, 1, 19) || '.000Z')
WHERE length(first_seen_at) = 20;

UPDATE worker
SET last_online_at = coalesce(
  (SELECT max(s.scraped_at) FROM snapshot s
   WHERE s.pool_id = worker.pool_id
     AND s.scraped_at BETWEEN substr(worker.last_online_at, 1, 19) || '.000Z'
                          AND substr(worker.last_online_at, 1, 19) || '.999Z'
     AND EXISTS (SELECT 1 FROM worker_sample ws
                 WHERE ws.sample_key = s.id << 24 | worker.id AND ws.online = 1)),
  substr(last_online_at, 1, 19) || '.000Z')
WHERE length(last_online_at) = 20;

ALTER TABLE worker ADD COLUMN device_id TEXT;
CREATE UNIQUE INDEX worker_device_id ON worker(device_id);
-- 1 once kzupload --retry-rejected cleared the worker's set-aside device: sent again from the
-- newest sample, whether or not a pending snapshot holds the worker.
ALTER TABLE worker ADD COLUMN device_resend INTEGER NOT NULL DEFAULT 0
  CHECK (device_resend IN (0, 1));

CREATE TABLE upload_rejected (
  pool_id      INTEGER NOT NULL REFERENCES pool(id),
  table_name   TEXT NOT NULL,
  item_key     TEXT NOT NULL,
  revision     INTEGER NOT NULL DEFAULT 0,
  description  TEXT NOT NULL,
  error        TEXT NOT NULL,
  rejected_at  TEXT NOT NULL,
  PRIMARY KEY (pool_id, table_name, item_key)
) STRICT;

CREATE VIEW v_upload_rejected AS
SELECT p.observer_url, p.account_name, r.table_name, r.description AS row, r.error,
       r.rejected_at
FROM upload_rejected r JOIN pool p ON p.id = r.pool_id
ORDER BY r.pool_id, r.table_name, r.rejected_at;
)sql";

// Issue 11: no URL secret stored. pool.observer_url, shown by every view, holds the URL as
// redacted_url() gives it (userinfo and query values as ***), and the pool is identified by
// observer_url_sha256, the SHA-256 (hex) of the full URL as given. observer_url loses its
// UNIQUE (two URLs differing only in a token are two pools with one shown form), which SQLite
// can only do by rebuilding the table. Ids are kept. Old scrape_run errors and alert messages
// are scrubbed of the URL's secrets (redact_url_secrets). Dropping the parent table counts each
// child row as a deferred foreign key violation and inserting its row back uncounts it, so
// with defer_foreign_keys (reset at commit) the rebuild runs inside the migration's
// transaction with the keys on; the commit fails if any row lost its parent.
static const char* const kMigration4 = R"sql(
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE pool_before_4 AS SELECT * FROM pool;
DROP TABLE pool;
CREATE TABLE pool (
  id                   INTEGER PRIMARY KEY,
  observer_url         TEXT NOT NULL,
  account_name         TEXT UNIQUE,
  created_at           TEXT NOT NULL,
  observer_url_sha256  TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256)
SELECT id, kz_redacted_url(observer_url), account_name, created_at, kz_sha256_hex(observer_url)
FROM pool_before_4;
-- Runs and alerts of before named the URL in full in their errors; an alert whose message
-- changes is sent to Supabase again, over the message it had there.
UPDATE scrape_run SET error = kz_redact_url_secrets(scrape_run.error, b.observer_url)
FROM pool_before_4 b WHERE b.id = scrape_run.pool_id AND scrape_run.error IS NOT NULL;
UPDATE alert SET message = kz_redact_url_secrets(alert.message, b.observer_url),
                 revision = alert.revision + 1
FROM pool_before_4 b
WHERE b.id = alert.pool_id AND kz_redact_url_secrets(alert.message, b.observer_url) <> alert.message;
DROP TABLE pool_before_4;
)sql";

extern const char* const kMigration5;  // cache_migration_antpool.cpp
extern const char* const kMigration6;  // cache_migration_notify.cpp

const std::vector<const char*>& cache_migrations() {
  static const std::vector<const char*> migrations = {kMigration1, kMigration2, kMigration3,
                                                      kMigration4, kMigration5, kMigration6};
  return migrations;
}

namespace {

// A one-argument SQL function of a text: NULL in, NULL out.
template <std::string (*Apply)(std::string_view)>
void text_function(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  try {
    const std::string out = Apply(std::string_view(text ? text : "", static_cast<size_t>(size)));
    sqlite3_result_text(context, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(context, e.what(), -1);
  }
}

// kz_redact_url_secrets(text, url): NULL text gives NULL, a NULL url the text unchanged.
void redact_url_secrets_function(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  auto text_of = [](sqlite3_value* value) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    return std::string(text ? text : "", static_cast<size_t>(sqlite3_value_bytes(value)));
  };
  try {
    std::string out = text_of(argv[0]);
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
      out = redact_url_secrets(std::move(out), text_of(argv[1]));
    }
    sqlite3_result_text(context, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  } catch (const std::exception& e) {
    sqlite3_result_error(context, e.what(), -1);
  }
}

}  // namespace

void register_cache_functions(SQLite::Database& db) {
  db.createFunction("kz_redacted_url", 1, true, nullptr, &text_function<redacted_url>);
  db.createFunction("kz_sha256_hex", 1, true, nullptr, &text_function<sha256_hex>);
  db.createFunction("kz_redact_url_secrets", 2, true, nullptr, &redact_url_secrets_function);
}

}  // namespace kz
