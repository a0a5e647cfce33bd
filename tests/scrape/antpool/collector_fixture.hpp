#pragma once

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "common/logging.hpp"
#include "scrape/antpool/antpool_collector.hpp"
#include "support/antpool_server.hpp"

namespace kz::test {

// Every log line of its lifetime, at every level.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = kz::plain_log_sink(text_);  // with the pool of each line
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// The collector on a fixed clock against the fake Antpool (whose clock is the same), with a
// scratch cache. Accounts are "antpool_NNN", each with its own key, signed as user "userNNN".
class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Tier 4's "daily after" reads the host's local time: the tests' days are UTC days.
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    db_ = (std::filesystem::temp_directory_path() /
           ("kz_antpool_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
              .string();
    remove_cache();
    settings_.url = antpool_.url();
    settings_.daily_after = "02:00";
  }
  void TearDown() override { remove_cache(); }
  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm", ".unrecorded-failures"}) {
      std::filesystem::remove(db_ + suffix);
    }
  }

  static std::string user(int i) {
    std::string n = std::to_string(i);
    return "user" + std::string(3 - std::min<size_t>(3, n.size()), '0') + n;
  }
  static std::string account_name(int i) { return "antpool_" + user(i).substr(4); }
  static std::string key(int i) { return "KEY-" + std::to_string(7000 + i) + "-publicpart"; }
  static std::string secret(int i) { return "SECRET-" + std::to_string(9000 + i) + "-hidden"; }
  static std::string worker(int i, int w) { return user(i) + ".rig" + std::to_string(w); }
  // TH/s with two decimals, as the server writes them.
  static double hashrate(int w) { return 100e12 + w * 1e10; }

  // Adds account i with `workers` workers, those in `offline` offline, and some amounts.
  void add_account(int i, int workers, const std::vector<int>& offline = {}) {
    antpool_.add_key({user(i), key(i), secret(i), {}});
    AntpoolAccount account;
    account.account_name = account_name(i);
    account.user_id = user(i);
    account.credentials = {key(i), secret(i)};
    accounts_.push_back(account);
    set_workers(i, workers, offline);
    antpool_.set_amounts(user(i), "0.0123456" + std::to_string(i % 10), "1.50000000", "0.00100000",
                         "1.40000000");
  }
  void set_workers(int i, int workers, const std::vector<int>& offline,
                   const std::vector<int>& invalid = {}) {
    std::vector<AntpoolWorker> rows;
    for (int w = 0; w < workers; ++w) {
      const bool off = std::find(offline.begin(), offline.end(), w) != offline.end();
      AntpoolWorker row = antpool_worker(worker(i, w), off ? 0 : hashrate(w), !off);
      row.share_last_time_ms = (clock_.now().time_since_epoch().count() - 60) * 1000;
      if (std::find(invalid.begin(), invalid.end(), w) != invalid.end()) row.status = 3;
      rows.push_back(row);
    }
    antpool_.set_workers(user(i), rows);
  }

  std::vector<AntpoolPool> pools(bool dry_run = false) const {
    std::vector<AntpoolPool> result;
    for (const AntpoolAccount& account : accounts_) {
      AntpoolPool pool;
      pool.account = account;
      pool.options.observer_url = account.identity();
      pool.options.account_name = account.account_name;
      pool.options.db_path = db_;
      pool.options.http = http_;
      pool.options.dry_run = dry_run;
      result.push_back(pool);
    }
    return result;
  }

  // One collector run; the requests the server saw during it are in last_requests_.
  std::vector<PoolOutcome> run(bool dry_run = false) {
    const size_t before = antpool_.requests().size();
    std::ostringstream out;
    auto outcomes = collect_antpool(
        pools(dry_run), settings_, transport_, clock_,
        [this](std::chrono::milliseconds) { ++sleeps_; }, out);
    const auto all = antpool_.requests();
    last_requests_.assign(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
    output_ = out.str();
    return outcomes;
  }
  // Requests of the last run to `endpoint` (with form field `field` = `value`, if given).
  int requested(const std::string& endpoint, const std::string& field = "",
                const std::string& value = "") const {
    int n = 0;
    for (const AntpoolRequest& r : last_requests_) {
      if (r.endpoint != endpoint) continue;
      if (!field.empty() && (!r.params.count(field) || r.params.at(field) != value)) continue;
      ++n;
    }
    return n;
  }

  int64_t number(const std::string& sql) const {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  std::string text(const std::string& sql) const {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }
  std::string pool_of(int i) const {
    return "(SELECT id FROM pool WHERE account_name = '" + account_name(i) + "')";
  }

  FixedClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} +
                    std::chrono::hours(10)};
  AntpoolServer antpool_{[this] { return clock_.now_ms(); }};
  AntpoolSettings settings_;
  std::vector<AntpoolAccount> accounts_;
  HttpOptions http_ = [] {
    HttpOptions http;
    http.max_retries = 2;
    http.backoff_base = std::chrono::milliseconds(1);
    http.total_timeout = std::chrono::seconds(10);
    return http;
  }();
  CurlTransport transport_{http_};
  std::string db_;
  std::vector<AntpoolRequest> last_requests_;
  std::string output_;
  int sleeps_ = 0;
};

}  // namespace kz::test
