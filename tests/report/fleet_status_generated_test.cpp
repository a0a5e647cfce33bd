// read_fleet_status over generated caches: rows uploaded or not, set aside at the current or an
// older revision, devices to send again, runs, alerts and deliveries. The expected counts come
// from the generator's own record of what it wrote, by the rules of src/upload (pending_*.cpp):
// a row is pending until Supabase confirmed it, unless set aside (snapshots, devices and calls
// for good, revisioned rows while at the refused revision).
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "common/cache.hpp"
#include "report/fleet_status.hpp"
#include "report/metrics.hpp"
#include "support/report/prometheus_text.hpp"

namespace kz {
namespace {

class GeneratedCache {
 public:
  GeneratedCache(const std::string& path, uint32_t seed) : cache_(path), rng_(seed) {
    cache_.db().exec("PRAGMA synchronous = OFF");  // a scratch file: no fsync per row
  }

  // A pool with everything random; returns what read_fleet_status must find.
  PoolStatus add_pool(const std::string& account, const std::string& source) {
    PoolStatus want;
    const int64_t pool = ++pools_;
    want.pool = {pool, account, source, "https://btcpool.kz/observer/" + std::to_string(pool)};
    exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256, source)"
        " VALUES(?, ?, ?, '2026-11-01T00:00:00Z', ?, ?)",
        pool, want.pool.observer_url, account, "sha" + std::to_string(pool), source);
    std::vector<int64_t> workers;
    for (int64_t w = 0, n = between(0, 12); w < n; ++w) {
      workers.push_back(++workers_);
      exec(
          "INSERT INTO worker(id, pool_id, name, first_seen_at, device_resend)"
          " VALUES(?, ?, ?, '2026-11-01T00:00:00.000Z', ?)",
          workers_, pool, "rig " + std::to_string(workers_), int64_t{chance(15)});
    }
    std::set<int64_t> sampled, sampled_pending, resend, devices_set_aside;
    struct Sampled {
      int64_t snapshot, worker;
      bool pending;
    };
    std::vector<Sampled> samples;
    for (const int64_t w : workers) {
      if (count("SELECT device_resend FROM worker WHERE id = ?", w) == 1) resend.insert(w);
      if (chance(15)) devices_set_aside.insert(set_aside(pool, "devices", w, 0));
    }
    const int64_t snapshots = between(0, 8);
    for (int64_t s = 0; s < snapshots; ++s) {
      const int64_t id = ++snapshots_;
      const bool uploaded = chance(40), rejected = !uploaded && chance(20);
      const double ghs = static_cast<double>(between(0, 5'000'000));
      const int64_t on = between(0, 50), off = between(0, 9), balance = between(0, 99'999'999);
      exec(
          "INSERT INTO snapshot(id, pool_id, scraped_at, hashrate_current_ghs, hashrate_24h_ghs,"
          " online_workers, offline_workers, balance_sat, last_income_sat, listed_workers,"
          " workers_complete, uploaded_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?)",
          id, pool, "2026-11-20T10:" + two(s) + ":00." + three(id) + "Z", ghs, ghs + 1, on, off,
          balance, uploaded ? std::optional<std::string>("2026-11-21T00:00:00Z") : std::nullopt);
      if (rejected) set_aside(pool, "hashrates", id, 0);
      for (const int64_t w : workers) {
        if (!chance(60)) continue;
        exec(
            "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs, hashrate_1h_ghs,"
            " hashrate_24h_ghs) VALUES(?, 1, 1, 1, 1)",
            id << 24 | w);
        exec("UPDATE worker SET last_sample_key = ? WHERE id = ?", id << 24 | w, w);
        samples.push_back({id, w, !uploaded && !rejected});
      }
      want.last_snapshot_at = parse_utc_ms("2026-11-20T10:" + two(s) + ":00." + three(id) + "Z");
      want.hashrate_hs = ghs * 1e9;
      want.hashrate_24h_hs = (ghs + 1) * 1e9;
      want.workers_online = on;
      want.workers_offline = off;
      want.balance_sat = balance;
      want.upload_pending["hashrates"] += !uploaded && !rejected;
      want.upload_rejected["hashrates"] += rejected;
    }
    // Retention as kzscrape prunes: every sample of the snapshots before a cutoff.
    const int64_t cutoff = chance(30) ? snapshots_ - between(0, snapshots) + 1 : 0;
    exec(
        "DELETE FROM worker_sample WHERE sample_key < ? << 24 AND (sample_key >> 24) IN"
        " (SELECT id FROM snapshot WHERE pool_id = ?)",
        cutoff, pool);
    for (const Sampled& sample : samples) {
      if (sample.snapshot < cutoff) continue;
      sampled.insert(sample.worker);
      if (sample.pending) sampled_pending.insert(sample.worker);
    }
    for (const int64_t w : workers) {
      const bool pending = sampled_pending.count(w) || (resend.count(w) && sampled.count(w));
      want.upload_pending["devices"] += pending && !devices_set_aside.count(w);
    }
    want.upload_rejected["devices"] = static_cast<int64_t>(devices_set_aside.size());
    revisioned(pool, want, "income_tracking", 6, [&](int64_t i, int64_t rev, int64_t up) {
      exec(
          "INSERT INTO income_day(pool_id, date, total_income_sat, first_seen_at, updated_at,"
          " revision, uploaded_revision) VALUES(?, ?, 1, 'x', 'x', ?, ?)",
          pool, "2026-11-" + two(i + 1), rev, up);
      return "2026-11-" + two(i + 1);
    });
    revisioned(pool, want, "payments", 4, [&](int64_t i, int64_t rev, int64_t up) {
      exec(
          "INSERT INTO payment(pool_id, payment_id, amount_sat, address, tx, created_at,"
          " first_seen_at, updated_at, revision, uploaded_revision)"
          " VALUES(?, ?, 1, 'a', 't', 'x', 'x', 'x', ?, ?)",
          pool, "pay-" + std::to_string(i), rev, up);
      return "pay-" + std::to_string(i);
    });
    revisioned(pool, want, "alerts", 5, [&](int64_t, int64_t rev, int64_t up) {
      const char* type = chance(50) ? "worker_offline" : "hashrate_drop";
      const char* severity =
          std::array{"low", "medium", "high"}[static_cast<std::size_t>(between(0, 2))];
      const bool open = chance(60);
      ++alerts_;
      exec(
          "INSERT INTO alert(id, pool_id, alert_type, subject, severity, message, opened_at,"
          " last_seen_at, resolved_at, revision, uploaded_revision)"
          " VALUES(?, ?, ?, ?, ?, 'm', 'x', 'x', ?, ?, ?)",
          alerts_, pool, type, std::to_string(alerts_), severity,
          open ? std::nullopt : std::optional<std::string>("x"), rev, up);
      open_alerts_[{type, severity}] += open;
      types_.insert(type);
      for (const char* state : {"pending", "sent", "dropped"}) {
        if (!chance(50)) continue;
        exec(
            "INSERT INTO alert_event(id, alert_id, kind, severity, message, at)"
            " VALUES(?, ?, 'opened', 'low', 'm', 'x')",
            ++events_, alerts_);
        exec("INSERT INTO notify_delivery(destination, event_id, state) VALUES('ops', ?, ?)",
             events_, state);
        want.notify_pending += std::string(state) == "pending";
      }
      return std::to_string(alerts_);
    });
    for (const std::string& type : types_) {
      for (const char* severity : {"low", "medium", "high"}) {
        want.open_alerts.push_back({type, severity, open_alerts_[{type, severity}]});
      }
    }
    for (int64_t c = 0, n = between(0, 5); c < n; ++c) {
      const bool uploaded = chance(40), rejected = !uploaded && chance(30);
      exec(
          "INSERT INTO api_call(id, called_at_ms, endpoint, account_name, nonce, tier,"
          " duration_ms, uploaded_at) VALUES(?, 1, 'e', ?, 1, 1, ?, ?)",
          ++calls_, account, chance(50) ? std::optional<int64_t>(5) : std::nullopt,
          uploaded ? std::optional<std::string>("x") : std::nullopt);
      if (rejected) set_aside(pool, "api_call_logs", calls_, 0);
      want.upload_pending["api_call_logs"] += !uploaded && !rejected;
      want.upload_rejected["api_call_logs"] += rejected;
    }
    for (int64_t r = 0, n = between(0, 6); r < n; ++r) {
      const bool ok = chance(50);
      exec(
          "INSERT INTO scrape_run(id, pool_id, started_at, finished_at, outcome, exit_code)"
          " VALUES(?, ?, 'x', ?, ?, 0)",
          ++runs_, pool, "2026-11-20T11:00:" + two(r) + "Z", ok ? "ok" : "failed");
      if (ok) want.last_success_at = parse_utc("2026-11-20T11:00:" + two(r) + "Z");
      want.consecutive_failed_runs = ok ? 0 : want.consecutive_failed_runs + 1;
    }
    for (const char* table :
         {"hashrates", "income_tracking", "devices", "alerts", "payments", "api_call_logs"}) {
      want.upload_pending[table] += 0;
      want.upload_rejected[table] += 0;
    }
    open_alerts_.clear();
    types_.clear();
    return want;
  }

 private:
  bool chance(int percent) { return std::uniform_int_distribution<int>(1, 100)(rng_) <= percent; }
  int64_t between(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(rng_);
  }
  static std::string two(int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }
  static std::string three(int64_t n) {
    return std::string(n < 10 ? "00" : n < 100 ? "0" : "") + std::to_string(n % 1000);
  }

  // Rows with a revision: pending when not confirmed at it; a set-aside record at the current
  // revision holds it back, one at an older revision does not (it was changed since).
  template <typename Insert>
  void revisioned(int64_t pool, PoolStatus& want, const char* table, int64_t most, Insert insert) {
    for (int64_t i = 0, n = between(0, most); i < n; ++i) {
      const int64_t revision = between(1, 3), uploaded = between(0, revision);
      const std::string key = insert(i, revision, uploaded);
      const bool pending = uploaded < revision;
      const bool at_current = pending && chance(30), stale = pending && !at_current && chance(30);
      if (at_current || stale) set_aside(pool, table, key, at_current ? revision : revision - 1);
      want.upload_pending[table] += pending && !at_current;
      want.upload_rejected[table] += at_current;
    }
  }
  template <typename Key>
  Key set_aside(int64_t pool, const char* table, const Key& key, int64_t revision) {
    std::string item;
    if constexpr (std::is_same_v<Key, std::string>)
      item = key;
    else
      item = std::to_string(key);
    exec(
        "INSERT INTO upload_rejected(pool_id, table_name, item_key, revision, description, error,"
        " rejected_at) VALUES(?, ?, ?, ?, 'd', 'e', 'x')",
        pool, table, item, revision);
    return key;
  }
  template <typename... Values>
  void exec(const std::string& sql, const Values&... values) {
    SQLite::Statement statement(cache_.db(), sql);
    int i = 0;
    (bind(statement, ++i, values), ...);
    statement.exec();
  }
  template <typename Value>
  static void bind(SQLite::Statement& statement, int i, const Value& value) {
    if constexpr (requires { value.has_value(); }) {
      if (value)
        bind(statement, i, *value);
      else
        statement.bind(i);
    } else if constexpr (std::is_same_v<Value, std::string> ||
                         std::is_convertible_v<Value, const char*>) {
      statement.bind(i, std::string(value));
    } else if constexpr (std::is_floating_point_v<Value>) {
      statement.bind(i, static_cast<double>(value));
    } else {
      statement.bind(i, static_cast<int64_t>(value));
    }
  }
  int64_t count(const std::string& sql, int64_t id) {
    SQLite::Statement select(cache_.db(), sql);
    select.bind(1, id);
    select.executeStep();
    return select.getColumn(0).getInt64();
  }

 public:
  void add_destination() {
    exec(
        "INSERT INTO notify_destination(name, type, added_at, last_event_id) VALUES('ops', 't',"
        " 'x', 0)");
  }

 private:
  Cache cache_;
  std::mt19937 rng_;
  int64_t pools_ = 0, workers_ = 0, snapshots_ = 0, alerts_ = 0, events_ = 0, calls_ = 0, runs_ = 0;
  std::map<std::pair<std::string, std::string>, int64_t> open_alerts_;
  std::set<std::string> types_;
};

void expect_same(const PoolStatus& got, const PoolStatus& want) {
  SCOPED_TRACE(want.pool.account);
  EXPECT_EQ(got.pool.id, want.pool.id);
  EXPECT_EQ(got.pool.account, want.pool.account);
  EXPECT_EQ(got.pool.source, want.pool.source);
  EXPECT_EQ(got.last_snapshot_at, want.last_snapshot_at);
  EXPECT_EQ(got.hashrate_hs, want.hashrate_hs);
  EXPECT_EQ(got.hashrate_24h_hs, want.hashrate_24h_hs);
  EXPECT_EQ(got.workers_online, want.workers_online);
  EXPECT_EQ(got.workers_offline, want.workers_offline);
  EXPECT_EQ(got.balance_sat, want.balance_sat);
  EXPECT_EQ(got.last_income_sat, want.last_income_sat);
  EXPECT_EQ(got.last_success_at, want.last_success_at);
  EXPECT_EQ(got.consecutive_failed_runs, want.consecutive_failed_runs);
  ASSERT_EQ(got.open_alerts.size(), want.open_alerts.size());
  for (std::size_t i = 0; i < got.open_alerts.size(); ++i) {
    EXPECT_EQ(got.open_alerts[i].type, want.open_alerts[i].type);
    EXPECT_EQ(got.open_alerts[i].severity, want.open_alerts[i].severity);
    EXPECT_EQ(got.open_alerts[i].open, want.open_alerts[i].open) << got.open_alerts[i].type;
  }
  EXPECT_EQ(got.upload_pending, want.upload_pending);
  EXPECT_EQ(got.upload_rejected, want.upload_rejected);
  EXPECT_EQ(got.notify_pending, want.notify_pending);
}

TEST(ReadFleetStatus, CountsWhatKzuploadAndKznotifyStillHaveToSend) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string path =
        (std::filesystem::temp_directory_path() /
         ("kz_fleet_" + std::to_string(::getpid()) + "_" + std::to_string(seed) + ".db"))
            .string();
    std::filesystem::remove(path);
    std::vector<PoolStatus> want;
    {
      GeneratedCache cache(path, seed);
      cache.add_destination();
      // Added out of order: read back by account.
      for (const char* account : {"KZPool_003", "KZPool_001", "Ферма", "KZPool_002"}) {
        want.push_back(cache.add_pool(account, seed % 2 ? "btcpool" : "antpool"));
      }
    }
    std::sort(want.begin(), want.end(), [](const PoolStatus& a, const PoolStatus& b) {
      return a.pool.account < b.pool.account;
    });
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    const std::vector<PoolStatus> got = read_fleet_status(db);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) expect_same(got[i], want[i]);
    const auto check = test::promtool_check_metrics(render_metrics(got, TimePoint{}));
    EXPECT_TRUE(check.clean()) << check.output;
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
}

}  // namespace
}  // namespace kz
