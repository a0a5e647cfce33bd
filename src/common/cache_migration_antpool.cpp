#include "common/cache_schema.hpp"

namespace kz {

// Issue 12: Antpool accounts beside btcpool.kz pools.
// - pool.source: which kind of account a pool is (kzupload's account_type, device ids and
//   income source follow it). An Antpool pool's observer_url is "antpool://<account_name>".
// - snapshot.worker_list: 'all' (every worker listed), 'offline' (only the offline ones, all of
//   them) or 'none' (a summary alone). Older snapshots listed all their workers.
// - worker.last_sample_key: the worker's newest sample, so that v_latest_workers shows each
//   worker's latest known sample when the newest snapshots list none or only offline workers.
//   v_latest_workers shows the workers sampled since the pool's newest full list (every worker
//   with a sample while the pool has none yet): a worker a full list left out is gone, as before.
// - income_day.fpps_sat: Antpool's FPPS share of the day (block + fee).
// - api_call: every Antpool call, reserved before it is sent (the budget counts these rows),
//   then filled with its outcome; api_nonce: the last nonce per key (by the key's SHA-256);
//   api_budget_setting: the budget of the last run, for v_api_budget; api_tier_run: when each
//   tier last ran per pool; pool_stats: poolStats.htm readings; antpool_balance: account.htm.
extern const char* const kMigration5;
const char* const kMigration5 = R"sql(
ALTER TABLE pool ADD COLUMN source TEXT NOT NULL DEFAULT 'btcpool'
  CHECK (source IN ('btcpool', 'antpool'));
ALTER TABLE snapshot ADD COLUMN worker_list TEXT NOT NULL DEFAULT 'all'
  CHECK (worker_list IN ('all', 'offline', 'none'));
-- v_latest_workers finds each pool's newest full list by this index (rowid last), however old
-- it is; without it SQLite walks back through every newer snapshot of every pool.
CREATE INDEX snapshot_by_pool_list ON snapshot(pool_id, worker_list);
ALTER TABLE worker ADD COLUMN last_sample_key INTEGER;
UPDATE worker SET last_sample_key = newest.sample_key
FROM (SELECT worker_id, max(sample_key) AS sample_key FROM worker_sample GROUP BY worker_id)
  AS newest
WHERE newest.worker_id = worker.id;
ALTER TABLE income_day ADD COLUMN fpps_sat INTEGER;

CREATE TABLE api_call (
  id            INTEGER PRIMARY KEY,
  called_at_ms  INTEGER NOT NULL,  -- unix ms when its budget slot was reserved
  endpoint      TEXT NOT NULL,
  account_name  TEXT NOT NULL,     -- whose key signed it
  nonce         INTEGER NOT NULL,
  tier          INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  http_status   INTEGER,
  api_code      INTEGER,
  duration_ms   INTEGER,
  error         TEXT,
  uploaded_at   TEXT
) STRICT;
CREATE INDEX api_call_by_time ON api_call(called_at_ms);

CREATE TABLE api_nonce (
  key_sha256  TEXT PRIMARY KEY,
  last_nonce  INTEGER NOT NULL
) STRICT;

CREATE TABLE api_budget_setting (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  budget_calls  INTEGER NOT NULL,
  window_s      INTEGER NOT NULL
) STRICT;

CREATE TABLE api_tier_run (
  pool_id      INTEGER NOT NULL REFERENCES pool(id),
  tier         INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  last_run_at  TEXT NOT NULL,
  PRIMARY KEY (pool_id, tier)
) STRICT;

CREATE TABLE pool_stats (
  coin                TEXT NOT NULL,
  fetched_at          TEXT NOT NULL,
  pool_hashrate_ghs   REAL NOT NULL,
  active_workers      INTEGER,
  pool_status         TEXT NOT NULL,
  network_difficulty  TEXT NOT NULL,
  estimate_time_s     INTEGER,
  current_round_s     INTEGER,
  total_shares        INTEGER,
  total_blocks        INTEGER,
  uploaded_at         TEXT,
  PRIMARY KEY (coin, fetched_at)
) STRICT;

CREATE TABLE antpool_balance (
  pool_id         INTEGER NOT NULL REFERENCES pool(id),
  checked_at      TEXT NOT NULL,
  balance_sat     INTEGER NOT NULL,
  earn_total_sat  INTEGER NOT NULL,
  paid_out_sat    INTEGER NOT NULL,
  earn_24h_sat    INTEGER NOT NULL,
  settle_date     TEXT,
  PRIMARY KEY (pool_id, checked_at)
) STRICT;

DROP VIEW v_latest_workers;
CREATE VIEW v_latest_workers AS
SELECT p.observer_url, w.name AS worker_name,
       CASE ws.online WHEN 1 THEN 'online' ELSE 'offline' END AS status,
       round(ws.hashrate_10m_ghs / 1e3, 3) AS hashrate_10m_ths,
       round(ws.hashrate_1h_ghs / 1e3, 3)  AS hashrate_1h_ths,
       round(ws.hashrate_24h_ghs / 1e3, 3) AS hashrate_24h_ths,
       strftime('%Y-%m-%dT%H:%M:%SZ', ws.last_share_at, 'unixepoch') AS last_share_at,
       p.account_name, s.scraped_at AS sampled_at
FROM pool p
JOIN worker w ON w.pool_id = p.id
JOIN worker_sample ws ON ws.sample_key = w.last_sample_key
JOIN snapshot s ON s.id = ws.snapshot_id
WHERE ws.snapshot_id >= coalesce(
  (SELECT max(id) FROM snapshot WHERE pool_id = p.id AND worker_list = 'all'), 0);

CREATE VIEW v_api_budget AS
SELECT b.budget_calls, b.window_s,
       (SELECT count(*) FROM api_call
        WHERE called_at_ms > (strftime('%s', 'now') - b.window_s) * 1000) AS calls_in_window,
       max(0, b.budget_calls - (SELECT count(*) FROM api_call
        WHERE called_at_ms > (strftime('%s', 'now') - b.window_s) * 1000)) AS remaining
FROM api_budget_setting b;

CREATE VIEW v_api_calls AS
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', c.called_at_ms / 1000.0, 'unixepoch') AS called_at,
       c.endpoint, c.account_name, c.tier, c.http_status, c.api_code, c.duration_ms, c.error
FROM api_call c ORDER BY c.id DESC;
)sql";

}  // namespace kz
