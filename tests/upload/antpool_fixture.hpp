#pragma once

// Antpool pools in the stand-in tests: pools stored as kzscrape's Antpool collector stores them
// (SnapshotStore, then pool.source = 'antpool'), call log rows and pool statistics written with
// plain SQL from generated values, and readers of what PostgreSQL holds, in the same text form
// as the generators' expectations.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/antpool_identity.hpp"
#include "common/pool_config.hpp"
#include "upload/pool_uploads.hpp"
#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {

class AntpoolUploadTest : public StandInTest {
 protected:
  void TearDown() override {
    fillers_.clear();
    StandInTest::TearDown();
  }
  // A fresh cache and empty tables, for a loop over variants inside one test.
  void reset() {
    TearDown();
    SetUp();
  }

  static std::string antpool_url(const std::string& account) { return antpool_identity(account); }

  // Stores the page as a snapshot of the Antpool pool `account`.
  void antpool_scrape(const std::string& account, const ObserverPage& page) {
    auto& filler = fillers_[account];
    if (!filler) filler = std::make_unique<CacheFiller>(db_path_, account, antpool_url(account));
    filler->scrape(page);
    sql("UPDATE pool SET source = 'antpool' WHERE account_name = '" + account + "'");
  }

  void sql(const std::string& statement) { cache().cache().db().exec(statement); }

  static int64_t unix_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  static int64_t nonce_of(int i) { return 1'764'000'000'000 + 7LL * i; }

  // Calls first..first+n-1 of `account`, finished, three hours before the clock, with every
  // kind of outcome (success, API error, network error, HTTP 503). Returns them as call_logs()
  // shows them.
  std::vector<std::string> add_calls(const std::string& account, int n, int first = 0) {
    static const char* const kEndpoints[] = {"accountOverview.htm", "userWorkerList.htm",
                                             "poolStats.htm", "paymentHistoryV2.htm"};
    const int64_t base = unix_ms(cache().clock().now()) - 3 * 3'600'000;
    std::vector<std::string> expected;
    for (int i = first; i < first + n; ++i) {
      const int64_t at = base + 1'234LL * i;
      const int tier = 1 + i % 4;
      std::string status = "NULL", code = "NULL", error = "NULL";
      std::string error_sql = "''";
      switch (i % 4) {
        case 0:
          status = "200", code = "0";
          break;
        case 1:
          status = "200", code = "-7", error = "Signature error (code -7)";
          break;
        case 2:
          error = "network error: timed out";
          break;
        case 3:
          status = "503", error = "HTTP 503 with an HTML body";
          break;
      }
      if (error != "NULL") error_sql = "'" + error + "'";
      const int64_t ms = 80 + 13 * i;
      sql("INSERT INTO api_call(called_at_ms, endpoint, account_name, nonce, tier, http_status,"
          " api_code, duration_ms, error) VALUES (" +
          std::to_string(at) + ", '" + kEndpoints[i % 4] + "', '" + account + "', " +
          std::to_string(nonce_of(i)) + ", " + std::to_string(tier) + ", " + status + ", " + code +
          ", " + std::to_string(ms) + ", " + error_sql + ")");
      expected.push_back(account + " " + std::to_string(nonce_of(i)) + " " + kEndpoints[i % 4] +
                         " " + mirror_detail::ms_instant(at) + " " + std::to_string(tier) + " " +
                         status + " " + code + " " + std::to_string(ms) + " " + error);
    }
    std::sort(expected.begin(), expected.end());
    return expected;
  }

  // pool_stats readings first..first+n-1, ten minutes apart, with half-TH/s hashrates, missing
  // optional numbers and fractional difficulties. Returns them as pool_stats() shows them.
  std::vector<std::string> add_pool_stats(int n, int first = 0) {
    const int64_t base = unix_ms(cache().clock().now());
    std::vector<std::string> expected;
    for (int j = first; j < first + n; ++j) {
      const std::string at = mirror_detail::ms_instant(base + 600'000LL * j + 37 * j);
      const double ghs = 123'456'789'000.0 + 1'000.0 * j + (j % 2 ? 499.0 : 500.0);
      const std::string active = j % 3 == 0 ? "NULL" : std::to_string(250'000 + j);
      const std::string difficulty = std::to_string(83'148'355'189'239LL + j) + (j % 2 ? ".5" : "");
      const std::string estimate = j % 2 ? "NULL" : std::to_string(600 + j);
      const std::string round = std::to_string(30 * j);
      const std::string shares = j == 1 ? "NULL" : std::to_string(1'000'000'000'000'000LL + j);
      const std::string blocks = std::to_string(12'345 + j);
      std::ostringstream ghs_text;
      ghs_text.precision(17);
      ghs_text << ghs;
      sql("INSERT INTO pool_stats(coin, fetched_at, pool_hashrate_ghs, active_workers,"
          " pool_status, network_difficulty, estimate_time_s, current_round_s, total_shares,"
          " total_blocks) VALUES ('BTC', '" +
          at + "', " + ghs_text.str() + ", " + active + ", 'Alive', '" + difficulty + "', " +
          estimate + ", " + round + ", " + shares + ", " + blocks + ")");
      expected.push_back("BTC " + at + " " + std::to_string(std::llround(ghs / 1e3)) + " " +
                         active + " Alive " + difficulty + " " + estimate + " " + round + " " +
                         shares + " " + blocks);
    }
    std::sort(expected.begin(), expected.end());
    return expected;
  }

  static std::vector<std::string> rows_of(const std::string& query) {
    std::vector<std::string> out;
    for (const SqlRow& row : db().query(query)) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) line += (i ? " " : "") + row[i].value_or("NULL");
      out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> call_logs() {
    return rows_of("SELECT account_name, nonce, endpoint, " + mirror_detail::pg_ms("called_at") +
                   ", tier, response_status, api_code, response_time_ms, error_message"
                   " FROM api_call_logs");
  }
  static std::vector<std::string> pool_stats() {
    return rows_of("SELECT coin_type, " + mirror_detail::pg_ms("fetched_at") +
                   ", pool_hashrate, active_worker_number, pool_status, network_difficulty,"
                   " estimate_time, current_round, total_share_number, total_block_number"
                   " FROM pool_stats");
  }
  static std::vector<std::string> device_ids(const std::string& account = "") {
    return rows_of("SELECT device_id FROM devices" +
                   (account.empty() ? "" : " WHERE account_name = '" + account + "'"));
  }
  static std::vector<std::string> expected_device_ids(const std::string& prefix,
                                                      const ObserverPage& page) {
    std::vector<std::string> out;
    for (const WorkerRow& worker : page.workers) {
      std::string id = prefix + worker.name;
      std::replace(id.begin(), id.end(), ' ', '_');
      out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  ExitCode upload_pools(const std::vector<PoolConfig>& pools) {
    UploadOptions o = options();
    CurlTransport curl(o.http);
    FixedClock clock(cache().clock().now());
    std::ostringstream out;
    return kz::upload_pools(
        o, pools, curl, clock, [](std::chrono::milliseconds) {}, out);
  }

  std::map<std::string, std::unique_ptr<CacheFiller>> fillers_;
};

}  // namespace kz::test
