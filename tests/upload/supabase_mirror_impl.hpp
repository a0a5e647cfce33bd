#pragma once

// supabase_matches_cache (declared in supabase_mirror.hpp): the expected rows, read from the
// cache with the mirror's own SQL, against every row of the Supabase tables.

#include "upload/supabase_mirror.hpp"

namespace kz::test {

inline ::testing::AssertionResult supabase_matches_cache(const PostgresCluster& pg,
                                                         const std::string& cache_path) {
  using namespace mirror_detail;
  SQLite::Database cache(cache_path, SQLite::OPEN_READONLY);
  cache.setBusyTimeout(5000);
  const auto aside = set_aside(cache);
  const auto aside_revision = [&](const char* table, int64_t pool,
                                  const std::string& key) -> std::optional<int64_t> {
    const auto it = aside.find({table, pool, key});
    if (it == aside.end()) return std::nullopt;
    return it->second;
  };
  const auto worker_columns = columns(cache, "worker");
  const bool stored_device_ids =
      std::find(worker_columns.begin(), worker_columns.end(), "device_id") != worker_columns.end();

  Rows accounts, balances, hashrates, devices, income, alerts, payments, calls, stats, pending;
  std::set<std::string> older_income, older_alerts, older_payments, unknown_balances;
  // The rows of a revisioned cache table: expected unless set aside at its current revision
  // (then absent, or left out of the comparison when an older revision was delivered).
  const auto revisioned = [&](const char* table, int64_t pool, const std::string& item,
                              const std::string& key, const std::string& values, int64_t revision,
                              int64_t uploaded, Rows& expected, std::set<std::string>& older) {
    if (aside_revision(table, pool, item) == revision) {
      if (uploaded > 0) older.insert(key);
      return;
    }
    expected.push_back(key + "\t" + values);
    if (uploaded < revision) pending.push_back(std::string(table) + " " + key);
  };

  SQLite::Statement pools(cache,
                          "SELECT id, account_name FROM pool WHERE account_name IS NOT NULL");
  while (pools.executeStep()) {
    const int64_t pool = pools.getColumn(0).getInt64();
    const std::string account = pools.getColumn(1).getString();
    bool any = false;

    SQLite::Statement snapshots(
        cache,
        "SELECT s.id, s.scraped_at, CAST(round(s.hashrate_current_ghs / 1e3) AS INTEGER),"
        " (SELECT CASE WHEN s.workers_complete = 1 AND count(*) = s.listed_workers"
        "   THEN CAST(round(total(ws.hashrate_1h_ghs) / 1e3) AS INTEGER) END FROM worker_sample ws"
        "   WHERE ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215),"
        " CAST(round(s.hashrate_24h_ghs / 1e3) AS INTEGER), s.online_workers + s.offline_workers,"
        " s.online_workers, s.uploaded_at, s.balance_sat, s.last_income_sat"
        " FROM snapshot s WHERE s.pool_id = ? ORDER BY s.id");
    snapshots.bind(1, pool);
    std::set<int64_t> delivered_snapshots;
    std::string newest_balance;  // "" when unknown
    while (snapshots.executeStep()) {
      any = true;
      const int64_t id = snapshots.getColumn(0).getInt64();
      const std::string at = instant_ms(snapshots.getColumn(1).getString());
      newest_balance.clear();
      if (aside_revision("hashrates", pool, std::to_string(id))) continue;
      delivered_snapshots.insert(id);
      hashrates.push_back(account + " " + at + "\t" + text(snapshots.getColumn(2)) + " " +
                          text(snapshots.getColumn(3)) + " " + text(snapshots.getColumn(4)) + " " +
                          text(snapshots.getColumn(5)) + " " + text(snapshots.getColumn(6)));
      if (snapshots.getColumn(7).isNull()) pending.push_back("snapshot " + account + " " + at);
      if (!snapshots.getColumn(8).isNull() && !snapshots.getColumn(9).isNull()) {
        newest_balance = text(snapshots.getColumn(8)) + " " + text(snapshots.getColumn(9));
      }
    }
    if (newest_balance.empty()) {
      unknown_balances.insert(account);
    } else {
      balances.push_back(account + "\t" + newest_balance);
    }

    SQLite::Statement workers(cache, std::string("SELECT id, name, ") +
                                         (stored_device_ids ? "device_id" : "NULL") +
                                         " FROM worker WHERE pool_id = ?");
    workers.bind(1, pool);
    SQLite::Statement samples(cache,
                              "SELECT sample_key >> 24, online FROM worker_sample"
                              " WHERE (sample_key & 16777215) = ? ORDER BY sample_key DESC");
    while (workers.executeStep()) {
      const int64_t worker = workers.getColumn(0).getInt64();
      const std::string name = workers.getColumn(1).getString();
      if (aside_revision("devices", pool, std::to_string(worker))) continue;
      std::string id = text(workers.getColumn(2));
      if (workers.getColumn(2).isNull()) {
        id = "KZ_" + account + "_" + name;
        std::replace(id.begin(), id.end(), ' ', '_');
      }
      samples.bind(1, worker);
      while (samples.executeStep()) {
        if (!delivered_snapshots.count(samples.getColumn(0).getInt64())) continue;
        devices.push_back(id + "\t" + account + " " +
                          (samples.getColumn(1).getInt() == 1 ? "online" : "offline") + " " + name);
        break;
      }
      samples.reset();
    }

    SQLite::Statement days(cache,
                           "SELECT date, total_income_sat, revision, uploaded_revision"
                           " FROM income_day WHERE pool_id = ?");
    days.bind(1, pool);
    while (days.executeStep()) {
      any = true;
      const std::string date = days.getColumn(0).getString();
      revisioned("income_tracking", pool, date, account + " " + us_date(date),
                 text(days.getColumn(1)), days.getColumn(2).getInt64(),
                 days.getColumn(3).getInt64(), income, older_income);
    }

    SQLite::Statement alert_rows(cache,
                                 "SELECT id, alert_type, subject, opened_at, severity, resolved_at,"
                                 " message, revision, uploaded_revision FROM alert"
                                 " WHERE pool_id = ?");
    alert_rows.bind(1, pool);
    while (alert_rows.executeStep()) {
      any = true;
      const std::string key = account + "|" + alert_rows.getColumn(1).getString() + "|" +
                              alert_rows.getColumn(2).getString() + "|" +
                              alert_rows.getColumn(3).getString();
      const auto resolved = alert_rows.getColumn(5);
      const std::string values = account + " " + instant_ms(alert_rows.getColumn(3).getString()) +
                                 " " + alert_rows.getColumn(4).getString() + " " +
                                 (resolved.isNull() ? "f" : "t") + " " +
                                 (resolved.isNull() ? "NULL" : instant_ms(resolved.getString())) +
                                 " " + alert_rows.getColumn(6).getString();
      revisioned("alerts", pool, alert_rows.getColumn(0).getString(), key, values,
                 alert_rows.getColumn(7).getInt64(), alert_rows.getColumn(8).getInt64(), alerts,
                 older_alerts);
    }

    SQLite::Statement paid(cache,
                           "SELECT payment_id, amount_sat, address, tx, created_at, revision,"
                           " uploaded_revision FROM payment WHERE pool_id = ?");
    paid.bind(1, pool);
    while (paid.executeStep()) {
      any = true;
      const std::string id = paid.getColumn(0).getString();
      revisioned(
          "payments", pool, id, id,
          account + " " + text(paid.getColumn(1)) + " " + paid.getColumn(2).getString() + " " +
              paid.getColumn(3).getString() + " " + instant_ms(paid.getColumn(4).getString()),
          paid.getColumn(5).getInt64(), paid.getColumn(6).getInt64(), payments, older_payments);
    }
    if (has_table(cache, "api_call")) {
      SQLite::Statement logged(cache,
                               "SELECT id, nonce, endpoint, called_at_ms, tier, http_status,"
                               " api_code, duration_ms, nullif(error, ''), uploaded_at"
                               " FROM api_call WHERE account_name = ?");
      logged.bind(1, account);
      while (logged.executeStep()) {
        any = true;
        if (aside_revision("api_call_logs", pool, logged.getColumn(0).getString())) continue;
        const std::string key = account + " " + logged.getColumn(1).getString();
        calls.push_back(key + "\t" + logged.getColumn(2).getString() + " " +
                        ms_instant(logged.getColumn(3).getInt64()) + " " +
                        text(logged.getColumn(4)) + " " + text(logged.getColumn(5)) + " " +
                        text(logged.getColumn(6)) + " " + text(logged.getColumn(7)) + " " +
                        text(logged.getColumn(8)));
        if (logged.getColumn(9).isNull()) pending.push_back("api_call " + key);
      }
    }
    if (any) accounts.push_back(account);
  }
  if (has_table(cache, "pool_stats")) {
    std::set<std::string> aside_stats;
    for (const auto& [where, revision] : aside) {
      if (std::get<0>(where) == "pool_stats") aside_stats.insert(std::get<2>(where));
    }
    SQLite::Statement read(
        cache,
        "SELECT coin, fetched_at, CAST(round(pool_hashrate_ghs / 1e3) AS INTEGER),"
        " active_workers, pool_status, network_difficulty, estimate_time_s,"
        " current_round_s, total_shares, total_blocks, uploaded_at"
        " FROM pool_stats");
    while (read.executeStep()) {
      const std::string coin = read.getColumn(0).getString();
      const std::string at = read.getColumn(1).getString();
      if (aside_stats.count(coin + "|" + at)) continue;
      const std::string key = coin + " " + instant_ms(at);
      std::string values;
      for (int i = 2; i < 10; ++i) values += (i > 2 ? " " : "") + text(read.getColumn(i));
      stats.push_back(key + "\t" + values);
      if (read.getColumn(10).isNull()) pending.push_back("pool_stats " + key);
    }
  }

  std::string report;
  compare("accounts", accounts, pg_rows(pg, "SELECT account_name FROM accounts", 1), report);
  compare("accounts (balance, earn_24_hours in sat)", balances,
          without_keys(pg_rows(pg,
                               "SELECT account_name, " + pg_sat("balance") + ", " +
                                   pg_sat("earn_24_hours") + " FROM accounts",
                               1),
                       unknown_balances),
          report);
  compare("hashrates", hashrates,
          pg_rows(pg,
                  "SELECT account_name, " + pg_ms("\"timestamp\"") +
                      ", hashrate_10m, hashrate_1h, hashrate_1d, worker_count, active_workers"
                      " FROM hashrates",
                  2),
          report);
  compare("devices", devices,
          pg_rows(pg, "SELECT device_id, account_name, status, worker_name FROM devices", 1),
          report);
  compare("income_tracking", income,
          without_keys(pg_rows(pg,
                               "SELECT account_name, date, " + pg_sat("btc_amount") +
                                   " FROM income_tracking",
                               2),
                       older_income),
          report);
  compare("alerts", alerts,
          without_keys(pg_rows(pg,
                               "SELECT alert_key, account_name, " + pg_ms("created_at") +
                                   ", severity, CASE WHEN resolved THEN 't' ELSE 'f' END, " +
                                   pg_ms("resolved_at") + ", message FROM alerts",
                               1),
                       older_alerts),
          report);
  compare("payments", payments,
          without_keys(pg_rows(pg,
                               "SELECT payment_id, account_name, " + pg_sat("amount") +
                                   ", address, tx, " + pg_ms("paid_at") + " FROM payments",
                               1),
                       older_payments),
          report);
  if (!calls.empty() || !pg.query("SELECT 1 FROM api_call_logs LIMIT 1").empty()) {
    compare("api_call_logs", calls,
            pg_rows(pg,
                    "SELECT account_name, nonce, endpoint, " + pg_ms("called_at") +
                        ", tier, response_status, api_code, response_time_ms, error_message"
                        " FROM api_call_logs",
                    2),
            report);
  }
  if (!stats.empty() || !pg.query("SELECT 1 FROM pool_stats LIMIT 1").empty()) {
    compare("pool_stats", stats,
            pg_rows(pg,
                    "SELECT coin_type, " + pg_ms("fetched_at") +
                        ", pool_hashrate, active_worker_number, pool_status, network_difficulty,"
                        " estimate_time, current_round, total_share_number, total_block_number"
                        " FROM pool_stats",
                    2),
            report);
  }
  for (std::size_t i = 0; i < pending.size() && i < 12; ++i) {
    report += "  still pending in the cache: " + pending[i] + "\n";
  }
  if (report.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "PostgreSQL differs from the cache " << cache_path << ":\n"
         << report;
}

}  // namespace kz::test
