#include "support/report/fleet_generator.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/cache.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"
#include "support/report/fleet_alerts.hpp"

namespace kz::test {
namespace {

using std::chrono::seconds;

constexpr double kSatPerThsDay = 50;
constexpr int64_t kPayoutSat = 500'000;

// splitmix64: the same numbers on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  int64_t range(int64_t low, int64_t high) {  // inclusive
    return low + static_cast<int64_t>(next() % static_cast<uint64_t>(high - low + 1));
  }

 private:
  uint64_t state_;
};

std::string printf_text(const char* format, auto... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

std::string date_of(TimePoint t) {
  return format_utc(t).substr(0, 10);
}

struct Worker {
  int64_t id = 0;
  std::string name;
  double nominal_ghs = 0;
  double h1_ghs = 0, h24_ghs = 0;
  bool online = true;
  int64_t dies_at_slot = -1;  // -1: never
  int64_t last_share = 0;
  std::string first_seen_at, last_online_at;
  int64_t last_sample_key = 0;
};

struct Statements {
  explicit Statements(SQLite::Database& db)
      : snapshot(db,
                 "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, hashrate_24h_ghs,"
                 " online_workers, offline_workers, balance_sat, last_income_sat, listed_workers,"
                 " workers_complete, worker_list, uploaded_at)"
                 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        sample(db,
               "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs, hashrate_1h_ghs,"
               " hashrate_24h_ghs, last_share_at, reject_rate) VALUES(?, ?, ?, ?, ?, ?, ?)"),
        run(db,
            "INSERT INTO scrape_run(pool_id, started_at, finished_at, outcome, exit_code, error,"
            " snapshot_id) VALUES(?, ?, ?, ?, ?, ?, ?)"),
        income(db,
               "INSERT INTO income_day(pool_id, date, total_income_sat, hashrate_ghs,"
               " first_seen_at, updated_at, uploaded_revision) VALUES(?, ?, ?, ?, ?, ?, 1)"),
        payment(db,
                "INSERT INTO payment(pool_id, payment_id, amount_sat, address, tx, created_at,"
                " first_seen_at, updated_at, uploaded_revision) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1)"),
        worker(db, "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(?, ?, ?)"),
        worker_final(db,
                     "UPDATE worker SET first_seen_at = ?, last_online_at = ?, last_sample_key = ?,"
                     " device_id = ? WHERE id = ?") {}

  SQLite::Statement snapshot, sample, run, income, payment, worker, worker_final;
};

void step(SQLite::Statement& statement) {
  statement.exec();
  statement.reset();
  statement.clearBindings();
}

class PoolSimulation {
 public:
  PoolSimulation(SQLite::Database& db, Statements& sql, const FleetSpec& spec, int index)
      : db_(db),
        sql_(sql),
        spec_(spec),
        index_(index),
        rng_(spec.seed * 1'000'003u + index),
        alerts_(db) {}

  void run() {
    const int64_t per_day = 1440 / spec_.interval.count();
    const int64_t slots = spec_.days * per_day;
    const TimePoint first = spec_.end - spec_.interval * (slots - 1);
    insert_pool(first);
    insert_workers(first, slots);
    const int64_t burst = rng_.chance(0.3) ? rng_.range(0, slots - 5) : -1;
    const bool failing_now = index_ > spec_.pools - spec_.failing_now;
    std::string day = date_of(first);
    for (int64_t k = 0; k < slots; ++k) {
      const TimePoint t = first + spec_.interval * k;
      if (date_of(t) != day) {
        close_day(day, std::chrono::floor<std::chrono::days>(t));
        day = date_of(t);
      }
      move_world(k, per_day);
      const bool failed = (burst >= 0 && k >= burst && k < burst + 4) || rng_.chance(0.005) ||
                          (failing_now && k >= slots - spec_.failing_runs);
      if (failed) {
        record_failure(t);
      } else {
        record_snapshot(t, k);
      }
    }
    alerts_.finish(spec_.end);
    finish_workers();
    if (last_snapshot_id_ != 0) {
      db_.exec("UPDATE snapshot SET uploaded_at = NULL WHERE id = " +
               std::to_string(last_snapshot_id_));
    }
  }

 private:
  bool antpool() const { return spec_.antpool_every > 0 && index_ % spec_.antpool_every == 0; }

  void insert_pool(TimePoint first) {
    std::string url, shown;
    if (antpool()) {
      account_ = printf_text("kzant%03d", index_);
      url = shown = "antpool://" + account_;
    } else {
      account_ = printf_text("KZPool_%04d", index_);
      url = printf_text("https://btcpool.kz/observer?access_key=fleet%dsecret&user_id=%d", index_,
                        index_);
      shown = printf_text("https://btcpool.kz/observer?access_key=***&user_id=%d", index_);
    }
    SQLite::Statement pool(db_,
                           "INSERT INTO pool(id, observer_url, account_name, created_at,"
                           " observer_url_sha256, source) VALUES(?, ?, ?, ?, ?, ?)");
    pool.bind(1, index_);
    pool.bind(2, shown);
    pool.bind(3, account_);
    pool.bind(4, format_utc(first - std::chrono::days{30}));
    pool.bind(5, sha256_hex(url));
    pool.bind(6, antpool() ? "antpool" : "btcpool");
    pool.exec();
  }

  void insert_workers(TimePoint first, int64_t slots) {
    for (int w = 1; w <= spec_.workers; ++w) {
      Worker worker;
      worker.name = printf_text("rig%02d", w);
      worker.nominal_ghs = static_cast<double>(rng_.range(90, 200)) * 1e3;
      worker.h1_ghs = worker.h24_ghs = worker.nominal_ghs;
      if (rng_.chance(0.05)) worker.dies_at_slot = rng_.range(slots / 3, slots - 1);
      worker.last_share = first.time_since_epoch().count();
      sql_.worker.bind(1, index_);
      sql_.worker.bind(2, worker.name);
      sql_.worker.bind(3, format_utc_ms(first));
      step(sql_.worker);
      worker.id = db_.getLastInsertRowid();
      workers_.push_back(std::move(worker));
    }
  }

  // Outages, dead workers and hashrate incidents move on whether or not the run succeeds.
  void move_world(int64_t k, int64_t per_day) {
    for (Worker& worker : workers_) {
      if (worker.dies_at_slot >= 0 && k >= worker.dies_at_slot) {
        worker.online = false;
      } else if (worker.online) {
        worker.online = !rng_.chance(1.0 / static_cast<double>(10 * per_day));
      } else {
        worker.online = rng_.chance(1.0 / 6);
      }
    }
    if (incident_left_ > 0) {
      --incident_left_;
    } else if (k >= 6 && rng_.chance(1.0 / static_cast<double>(3 * per_day))) {
      incident_left_ = rng_.range(6, 18);
      incident_factor_ = rng_.chance(0.5) ? 0.6 : 0.75;
      baseline_ghs_ = last_current_ghs_;
    }
  }

  void record_failure(TimePoint t) {
    ++failures_in_a_row_;
    const std::string error = "fetch failed: HTTP 502 from " + account_;
    sql_.run.bind(1, index_);
    sql_.run.bind(2, format_utc(t));
    sql_.run.bind(3, format_utc(t + seconds{3}));
    sql_.run.bind(4, "failed");
    sql_.run.bind(5, 3);
    sql_.run.bind(6, error);
    step(sql_.run);
    if (failures_in_a_row_ >= 3) {
      alerts_.activate(
          index_, {"scrape_failed", ""}, "high",
          printf_text("scrape failed %d runs in a row: %s", failures_in_a_row_, error.c_str()), t);
    }
  }

  void record_snapshot(TimePoint t, int64_t k);
  void close_day(const std::string& day, TimePoint midnight);
  void finish_workers();

  SQLite::Database& db_;
  Statements& sql_;
  const FleetSpec& spec_;
  int index_;
  Rng rng_;
  FleetAlerts alerts_;
  std::string account_;
  std::vector<Worker> workers_;
  int failures_in_a_row_ = 0;
  int64_t incident_left_ = 0;
  double incident_factor_ = 1, baseline_ghs_ = 0, last_current_ghs_ = 0, avg24_ghs_ = -1;
  double day_ghs_sum_ = 0;
  int64_t day_snapshots_ = 0;
  std::optional<int64_t> last_income_sat_;
  int64_t balance_sat_ = 0;
  int64_t last_snapshot_id_ = 0;
};

void PoolSimulation::record_snapshot(TimePoint t, int64_t k) {
  failures_in_a_row_ = 0;
  alerts_.resolve({"scrape_failed", ""}, t);
  const TimePointMs at = t + seconds{1} + std::chrono::milliseconds{rng_.range(0, 999)};
  const std::string stamp = format_utc_ms(at);
  const double factor = incident_left_ > 0 ? incident_factor_ : 1.0;
  std::vector<double> h10(workers_.size());
  double current = 0;
  int64_t online = 0;
  for (size_t i = 0; i < workers_.size(); ++i) {
    Worker& worker = workers_[i];
    if (worker.online) {
      h10[i] = std::round(worker.nominal_ghs * factor * (0.96 + 0.08 * rng_.uniform()));
      worker.last_share = t.time_since_epoch().count() - rng_.range(1, 50);
      worker.last_online_at = stamp;
      ++online;
    }
    worker.h1_ghs += (h10[i] - worker.h1_ghs) / 6;
    worker.h24_ghs += (h10[i] - worker.h24_ghs) / 144;
    if (worker.first_seen_at.empty()) worker.first_seen_at = stamp;
    current += h10[i];
  }
  avg24_ghs_ = avg24_ghs_ < 0 ? current : avg24_ghs_ + (current - avg24_ghs_) / 144;
  const int64_t offline = static_cast<int64_t>(workers_.size()) - online;
  const bool full_list = !antpool() || k % spec_.antpool_full_list_every == 0 ||
                         k + 1 == spec_.days * 1440 / spec_.interval.count();
  const int64_t listed = full_list ? static_cast<int64_t>(workers_.size()) : offline;
  sql_.snapshot.bind(1, index_);
  sql_.snapshot.bind(2, stamp);
  sql_.snapshot.bind(3, current);
  sql_.snapshot.bind(4, std::round(avg24_ghs_));
  sql_.snapshot.bind(5, online);
  sql_.snapshot.bind(6, offline);
  sql_.snapshot.bind(7, balance_sat_);
  if (last_income_sat_) sql_.snapshot.bind(8, *last_income_sat_);
  sql_.snapshot.bind(9, listed);
  sql_.snapshot.bind(10, full_list ? 1 : 0);
  sql_.snapshot.bind(11, full_list ? "all" : "offline");
  sql_.snapshot.bind(12, format_utc(t + std::chrono::minutes{1}));
  step(sql_.snapshot);
  const int64_t snapshot_id = last_snapshot_id_ = db_.getLastInsertRowid();
  for (size_t i = 0; i < workers_.size(); ++i) {
    Worker& worker = workers_[i];
    if (!full_list && worker.online) continue;
    worker.last_sample_key = snapshot_id << 24 | worker.id;
    sql_.sample.bind(1, worker.last_sample_key);
    sql_.sample.bind(2, worker.online ? 1 : 0);
    sql_.sample.bind(3, h10[i]);
    sql_.sample.bind(4, std::round(worker.h1_ghs));
    sql_.sample.bind(5, std::round(worker.h24_ghs));
    sql_.sample.bind(6, worker.last_share);
    if (antpool()) sql_.sample.bind(7, 0.001 * static_cast<double>(rng_.range(1, 20)));
    step(sql_.sample);
    if (worker.online) {
      alerts_.resolve({"worker_offline", worker.name}, t);
    } else {
      alerts_.activate(index_, {"worker_offline", worker.name}, "medium",
                       printf_text("worker %s offline (24 h hashrate %.3f TH/s)",
                                   worker.name.c_str(), std::round(worker.h24_ghs) / 1e3),
                       t);
    }
  }
  if (!full_list) {  // a list of the offline workers resolves every worker it leaves out
    for (const Worker& worker : workers_)
      if (worker.online) alerts_.resolve({"worker_offline", worker.name}, t);
  }
  const auto fleet = static_cast<double>(workers_.size());
  if (offline > 0) {
    const bool high = offline > 5 || static_cast<double>(offline) / fleet > 0.10;
    alerts_.activate(
        index_, {"offline_workers", ""}, high ? "high" : "medium",
        printf_text("%lld of %lld workers offline (%.1f%%)", static_cast<long long>(offline),
                    static_cast<long long>(fleet), 100.0 * static_cast<double>(offline) / fleet),
        t);
  } else {
    alerts_.resolve({"offline_workers", ""}, t);
  }
  if (incident_left_ > 0 && baseline_ghs_ > 0) {
    const double drop = 1 - current / baseline_ghs_;
    alerts_.activate(index_, {"hashrate_drop", ""}, drop > 0.30 ? "high" : "medium",
                     printf_text("hashrate %.3f PH/s is %.1f%% below the 1 h baseline %.3f PH/s",
                                 current / 1e6, drop * 100, baseline_ghs_ / 1e6),
                     t);
  } else {
    alerts_.resolve({"hashrate_drop", ""}, t);
    last_current_ghs_ = current;
  }
  day_ghs_sum_ += current;
  ++day_snapshots_;
  sql_.run.bind(1, index_);
  sql_.run.bind(2, format_utc(t));
  sql_.run.bind(3, format_utc(t + seconds{2}));
  sql_.run.bind(4, "ok");
  sql_.run.bind(5, 0);
  sql_.run.bind(7, snapshot_id);
  step(sql_.run);
}

// The day's income is credited at midnight, and the balance paid once it reaches the payout.
void PoolSimulation::close_day(const std::string& day, TimePoint midnight) {
  if (day_snapshots_ == 0) return;
  const double avg_ghs = day_ghs_sum_ / static_cast<double>(day_snapshots_);
  const auto income = static_cast<int64_t>(std::llround(avg_ghs / 1e3 * kSatPerThsDay));
  const std::string stamp = format_utc(midnight + std::chrono::minutes{5});
  sql_.income.bind(1, index_);
  sql_.income.bind(2, day);
  sql_.income.bind(3, income);
  sql_.income.bind(4, std::round(avg_ghs));
  sql_.income.bind(5, stamp);
  sql_.income.bind(6, stamp);
  step(sql_.income);
  last_income_sat_ = income;
  balance_sat_ += income;
  day_ghs_sum_ = 0;
  day_snapshots_ = 0;
  if (balance_sat_ < kPayoutSat) return;
  const uint64_t hash = rng_.next();
  sql_.payment.bind(1, index_);
  sql_.payment.bind(2, printf_text("%s-%s", account_.c_str(), day.c_str()));
  sql_.payment.bind(3, balance_sat_);
  sql_.payment.bind(4, printf_text("bc1qkzfleet%04dpayout", index_));
  sql_.payment.bind(5, printf_text("%016llx%016llx%016llx%016llx", hash, hash ^ 1, hash ^ 2,
                                   static_cast<unsigned long long>(index_)));
  sql_.payment.bind(6, format_utc(midnight));
  sql_.payment.bind(7, stamp);
  sql_.payment.bind(8, stamp);
  step(sql_.payment);
  balance_sat_ = 0;
}

void PoolSimulation::finish_workers() {
  for (const Worker& worker : workers_) {
    if (worker.first_seen_at.empty()) continue;
    sql_.worker_final.bind(1, worker.first_seen_at);
    if (!worker.last_online_at.empty()) sql_.worker_final.bind(2, worker.last_online_at);
    if (worker.last_sample_key != 0) sql_.worker_final.bind(3, worker.last_sample_key);
    sql_.worker_final.bind(4, "KZ_" + account_ + "_" + worker.name);
    sql_.worker_final.bind(5, worker.id);
    step(sql_.worker_final);
  }
}

}  // namespace

void generate_fleet_cache(const std::string& path, const FleetSpec& spec) {
  if (spec.pools < 1 || spec.days < 1 || spec.workers < 1 || spec.interval.count() < 1 ||
      1440 % spec.interval.count() != 0) {
    throw Error(ExitCode::usage, "generate_fleet_cache: bad spec");
  }
  Cache cache(path);
  cache.write_transaction([&] {
    try {
      Statements sql(cache.db());
      for (int pool = 1; pool <= spec.pools; ++pool) {
        PoolSimulation(cache.db(), sql, spec, pool).run();
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception&) {
      cache.rethrow_as_cache_error("generating a fleet");
    }
  });
}

}  // namespace kz::test
