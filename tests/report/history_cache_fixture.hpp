#pragma once

// A fresh, migrated cache file per test and helpers that insert pools, snapshots with their
// worker samples, alerts, income days and payments by SQL, as kzscrape would store them: for
// the tests of the pool queries and the CSV export.

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"

namespace kz::test {

struct SampleRow {
  std::string worker;
  bool online = true;
  double hashrate_10m_ghs = 0;
};

class HistoryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("kz_history_" + std::to_string(::getpid()) + "_" + name + ".db"))
                .string();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
  }
  void TearDown() override {
    cache_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  SQLite::Database& db() { return cache_->db(); }

  // A pool; an empty account leaves account_name NULL. Returns its id.
  int64_t add_pool(const std::string& account, const std::string& source = "btcpool",
                   const std::string& url = "") {
    const std::string observer_url = !url.empty() ? url
                                     : source == "antpool"
                                         ? "antpool://" + account
                                         : "https://btcpool.kz/observer/" + account;
    SQLite::Statement insert(db(),
                             "INSERT INTO pool(observer_url, account_name, created_at,"
                             " observer_url_sha256, source) VALUES(?, ?, '2026-10-01T00:00:00Z',"
                             " ?, ?)");
    insert.bind(1, observer_url);
    if (account.empty())
      insert.bind(2);
    else
      insert.bind(2, account);
    insert.bind(3, "sha-" + observer_url);
    insert.bind(4, source);
    insert.exec();
    return db().getLastInsertRowid();
  }

  int64_t worker_id(int64_t pool_id, const std::string& name, const std::string& at) {
    SQLite::Statement find(db(), "SELECT id FROM worker WHERE pool_id = ? AND name = ?");
    find.bind(1, pool_id);
    find.bind(2, name);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement insert(db(),
                             "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(?, ?, ?)");
    insert.bind(1, pool_id);
    insert.bind(2, name);
    insert.bind(3, at);
    insert.exec();
    return db().getLastInsertRowid();
  }

  // A snapshot at `at` listing `rows` (worker_list 'all', 'offline' or 'none'). Returns its id.
  int64_t add_snapshot(int64_t pool_id, TimePointMs at, double hashrate_ghs,
                       const std::vector<SampleRow>& rows = {},
                       const std::string& worker_list = "all", bool complete = true,
                       std::optional<double> hashrate_24h_ghs = std::nullopt) {
    const std::string stamp = format_utc_ms(at);
    int64_t online = 0, offline = 0;
    for (const SampleRow& row : rows) (row.online ? online : offline) += 1;
    SQLite::Statement insert(
        db(),
        "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, hashrate_24h_ghs,"
        " online_workers, offline_workers, listed_workers, workers_complete, worker_list)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, pool_id);
    insert.bind(2, stamp);
    insert.bind(3, hashrate_ghs);
    if (hashrate_24h_ghs)
      insert.bind(4, *hashrate_24h_ghs);
    else
      insert.bind(4);
    insert.bind(5, online);
    insert.bind(6, offline);
    insert.bind(7, static_cast<int64_t>(rows.size()));
    insert.bind(8, worker_list == "all" && complete ? 1 : 0);
    insert.bind(9, worker_list);
    insert.exec();
    const int64_t snapshot_id = db().getLastInsertRowid();
    SQLite::Statement sample(db(),
                             "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs,"
                             " hashrate_1h_ghs, hashrate_24h_ghs) VALUES(? << 24 | ?, ?, ?, 0, 0)");
    for (const SampleRow& row : rows) {
      sample.bind(1, snapshot_id);
      sample.bind(2, worker_id(pool_id, row.worker, stamp));
      sample.bind(3, row.online ? 1 : 0);
      sample.bind(4, row.hashrate_10m_ghs);
      sample.exec();
      sample.reset();
    }
    return snapshot_id;
  }

  void add_alert(int64_t pool_id, const std::string& type, const std::string& subject,
                 const std::string& severity, const std::string& message, TimePoint opened_at,
                 TimePoint last_seen_at, std::optional<TimePoint> resolved_at) {
    SQLite::Statement insert(
        db(),
        "INSERT INTO alert(pool_id, alert_type, subject, severity, message,"
        " opened_at, last_seen_at, resolved_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, pool_id);
    insert.bind(2, type);
    insert.bind(3, subject);
    insert.bind(4, severity);
    insert.bind(5, message);
    insert.bind(6, format_utc(opened_at));
    insert.bind(7, format_utc(last_seen_at));
    if (resolved_at)
      insert.bind(8, format_utc(*resolved_at));
    else
      insert.bind(8);
    insert.exec();
  }

  void add_income(int64_t pool_id, const std::string& date, int64_t total_sat,
                  std::optional<double> hashrate_ghs = std::nullopt,
                  std::optional<int64_t> pps_sat = std::nullopt,
                  std::optional<int64_t> pplns_sat = std::nullopt,
                  std::optional<int64_t> fpps_sat = std::nullopt) {
    SQLite::Statement insert(db(),
                             "INSERT INTO income_day(pool_id, date, total_income_sat, hashrate_ghs,"
                             " first_seen_at, updated_at, pps_sat, pplns_sat, fpps_sat)"
                             " VALUES(?, ?, ?, ?, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z',"
                             " ?, ?, ?)");
    insert.bind(1, pool_id);
    insert.bind(2, date);
    insert.bind(3, total_sat);
    auto bind_opt = [&](int index, const auto& value) {
      if (value)
        insert.bind(index, *value);
      else
        insert.bind(index);
    };
    bind_opt(4, hashrate_ghs);
    bind_opt(5, pps_sat);
    bind_opt(6, pplns_sat);
    bind_opt(7, fpps_sat);
    insert.exec();
  }

  void add_payment(int64_t pool_id, const std::string& payment_id, TimePoint paid_at,
                   int64_t amount_sat, const std::string& address, const std::string& tx) {
    SQLite::Statement insert(db(),
                             "INSERT INTO payment(pool_id, payment_id, amount_sat, address, tx,"
                             " created_at, first_seen_at, updated_at)"
                             " VALUES(?, ?, ?, ?, ?, ?, '2026-10-01T00:00:00Z',"
                             " '2026-10-01T00:00:00Z')");
    insert.bind(1, pool_id);
    insert.bind(2, payment_id);
    insert.bind(3, amount_sat);
    insert.bind(4, address);
    insert.bind(5, tx);
    insert.bind(6, format_utc(paid_at));
    insert.exec();
  }

  std::string path_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace kz::test
