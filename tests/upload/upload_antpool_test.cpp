// kzupload for Antpool pools (pool.source 'antpool'): account_type, AP_ device ids, income
// source, and the call log (api_call -> api_call_logs) and pool statistics (pool_stats).
#include <cmath>
#include <map>

#include "common/pool_config.hpp"
#include "upload/antpool_fixture.hpp"
#include "upload/pool_uploads.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using UploadAntpool = AntpoolUploadTest;

TEST_F(UploadAntpool, AnAntpoolPoolGoesUpAsAntpoolWithItsCallsAndPoolStats) {
  for (const std::size_t workers : {1U, 13U, 60U}) {
    for (const std::size_t batch : {2U, 7U, 500U}) {
      SCOPED_TRACE("workers " + std::to_string(workers) + ", batch " + std::to_string(batch));
      reset();
      const ObserverPage page = make_pool_page(workers);
      antpool_scrape("antpool_001", page);
      const std::vector<std::string> calls = add_calls("antpool_001", 9);
      const std::vector<std::string> stats = add_pool_stats(5);
      UploadOptions o = options();
      o.labels.account = "antpool_001";
      o.batch_size = batch;
      const UploadSummary summary = upload(o);
      EXPECT_EQ(summary.api_call_logs, 9U);
      EXPECT_EQ(summary.pool_stats, 5U);
      EXPECT_EQ(value("SELECT account_type FROM accounts"), "antpool");
      EXPECT_EQ(device_ids(), expected_device_ids("AP_antpool_001_", page));
      EXPECT_EQ(value("SELECT string_agg(DISTINCT source, ',') FROM income_tracking"), "Antpool");
      EXPECT_EQ(count("income_tracking"), static_cast<long>(page.income.size()));
      EXPECT_EQ(call_logs(), calls);
      EXPECT_EQ(pool_stats(), stats);
      EXPECT_EQ(cache_count("SELECT count(*) FROM api_call WHERE uploaded_at IS NULL"), 0);
      EXPECT_EQ(cache_count("SELECT count(*) FROM pool_stats WHERE uploaded_at IS NULL"), 0);
      EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
    }
  }
}

TEST_F(UploadAntpool, ASecondRunSendsNothingAndALaterOneOnlyTheNewRows) {
  antpool_scrape("antpool_001", make_pool_page(8));
  add_calls("antpool_001", 6);
  add_pool_stats(3);
  UploadOptions o = options();
  o.labels.account = "antpool_001";
  upload(o);
  supabase().requests().clear();
  const UploadSummary again = upload(o);
  EXPECT_EQ(again.requests, 0);
  EXPECT_EQ(posts().size(), 0U);

  const std::vector<std::string> calls = add_calls("antpool_001", 4, 6);
  const std::vector<std::string> stats = add_pool_stats(2, 3);
  const UploadSummary later = upload(o);
  EXPECT_EQ(later.api_call_logs, 4U);
  EXPECT_EQ(later.pool_stats, 2U);
  ASSERT_EQ(posts("api_call_logs").size(), 1U);
  EXPECT_EQ(posts("api_call_logs")[0].rows, 4);
  EXPECT_EQ(count("api_call_logs"), 10);
  EXPECT_EQ(count("pool_stats"), 5);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// The answers are lost after PostgreSQL committed the rows: nothing is marked, the next run sends
// them again, and the natural keys keep one row each.
TEST_F(UploadAntpool, LostAnswersLeaveTheRowsPendingAndTheRerunAddsNoDuplicates) {
  for (const std::string table : {"api_call_logs", "pool_stats"}) {
    SCOPED_TRACE(table);
    reset();
    antpool_scrape("antpool_001", make_pool_page(4));
    add_calls("antpool_001", 5);
    add_pool_stats(4);
    CurlTransport curl(HttpOptions{});
    HookedTransport hooked(curl, [&](const HttpRequest& request) {
      if (request.url.find("/rest/v1/" + table) != std::string::npos) {
        supabase().faults().add({FaultKind::kDropResponse, 1});
      }
    });
    UploadOptions o = options();
    o.labels.account = "antpool_001";
    EXPECT_EQ(upload_error(o, &hooked).code(), ExitCode::upload_transient);
    const std::string cache_table = table == "pool_stats" ? "pool_stats" : "api_call";
    EXPECT_EQ(cache_count("SELECT count(*) FROM " + cache_table + " WHERE uploaded_at IS NOT NULL"),
              0);
    EXPECT_GT(count(table), 0);  // committed all the same
    supabase().faults().clear();
    upload(o);
    EXPECT_EQ(count("api_call_logs"), 5);
    EXPECT_EQ(count("pool_stats"), 4);
    EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  }
}

TEST_F(UploadAntpool, ARefusedTableLeavesEverythingOfItPending) {
  for (const std::string table : {"api_call_logs", "pool_stats"}) {
    SCOPED_TRACE(table);
    reset();
    db().execute("DROP TABLE " + table);
    supabase().gateway().reload_schema();
    antpool_scrape("antpool_001", make_pool_page(4));
    add_calls("antpool_001", 5);
    add_pool_stats(4);
    UploadOptions o = options();
    o.labels.account = "antpool_001";
    const Error e = upload_error(o);
    EXPECT_EQ(e.code(), ExitCode::upload_rejected) << e.what();
    const std::string cache_table = table == "pool_stats" ? "pool_stats" : "api_call";
    EXPECT_EQ(cache_count("SELECT count(*) FROM " + cache_table + " WHERE uploaded_at IS NOT NULL"),
              0);
    EXPECT_EQ(count("hashrates"), 1);  // the tables before got in
  }
}

// Values Supabase's columns refuse: that row alone is set aside (v_upload_rejected), the rest
// get in, and the run exits 6.
TEST_F(UploadAntpool, ARowSupabaseRefusesIsSetAsideAlone) {
  antpool_scrape("antpool_001", make_pool_page(4));
  add_calls("antpool_001", 6);
  add_pool_stats(5);
  sql("UPDATE api_call SET http_status = 99999999999 WHERE nonce = " + std::to_string(nonce_of(3)));
  sql("UPDATE pool_stats SET network_difficulty = 'about 83T' WHERE rowid = 2");
  UploadOptions o = options();
  o.labels.account = "antpool_001";
  o.batch_size = 4;
  const Error e = upload_error(o);
  EXPECT_EQ(e.code(), ExitCode::upload_rejected) << e.what();
  EXPECT_EQ(count("api_call_logs"), 5);
  EXPECT_EQ(count("pool_stats"), 4);
  EXPECT_EQ(cache_count("SELECT count(*) FROM upload_rejected WHERE table_name = 'api_call_logs'"),
            1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM upload_rejected WHERE table_name = 'pool_stats'"), 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  supabase().requests().clear();
  upload(o);  // nothing else pending: the set-aside rows are not sent again
  EXPECT_EQ(posts("api_call_logs").size(), 0U);
  EXPECT_EQ(posts("pool_stats").size(), 0U);
}

// A call reserved but not finished (its process may still be waiting for Antpool) waits; one
// reserved over an hour ago without an outcome is sent as it is.
TEST_F(UploadAntpool, UnfinishedCallsWaitUntilAbandoned) {
  antpool_scrape("antpool_001", make_pool_page(2));
  add_calls("antpool_001", 3);
  const int64_t now_ms = unix_ms(cache().clock().now());
  sql("INSERT INTO api_call(called_at_ms, endpoint, account_name, nonce, tier) VALUES (" +
      std::to_string(now_ms - 59 * 60'000) + ", 'userWorkerList.htm', 'antpool_001', 9000001, 2)");
  sql("INSERT INTO api_call(called_at_ms, endpoint, account_name, nonce, tier) VALUES (" +
      std::to_string(now_ms - 61 * 60'000) + ", 'account.htm', 'antpool_001', 9000002, 4)");
  UploadOptions o = options();
  o.labels.account = "antpool_001";
  EXPECT_EQ(upload(o).api_call_logs, 4U);
  EXPECT_EQ(value("SELECT string_agg(nonce::text, ',' ORDER BY nonce) FROM api_call_logs"
                  " WHERE response_time_ms IS NULL"),
            "9000002");
  EXPECT_EQ(cache_count("SELECT nonce FROM api_call WHERE uploaded_at IS NULL"), 9000001);
}

// A btcpool.kz pool and two Antpool pools in one cache, uploaded together (kzupload --config).
TEST_F(UploadAntpool, AMixedFleetKeepsEachPoolsKind) {
  const ObserverPage kz_page = make_pool_page(7);
  cache().scrape(kz_page);
  const ObserverPage ap_page = make_pool_page(9);
  antpool_scrape("antpool_001", ap_page);
  antpool_scrape("antpool_002", make_pool_page(3));
  const auto calls_1 = add_calls("antpool_001", 4);
  const auto calls_2 = add_calls("antpool_002", 3, 100);
  add_pool_stats(2);
  std::vector<PoolConfig> pools(3);
  pools[0].account_name = "KZPool_001";
  pools[0].observer_url = kObserverUrl;
  pools[1].account_name = "antpool_001";
  pools[1].observer_url = antpool_url("antpool_001");
  pools[2].account_name = "antpool_002";
  pools[2].observer_url = antpool_url("antpool_002");
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(value("SELECT string_agg(account_name || ' ' || account_type, ', ' ORDER BY"
                  " account_name COLLATE \"C\") FROM accounts"),
            "KZPool_001 kzpool, antpool_001 antpool, antpool_002 antpool");
  EXPECT_EQ(device_ids("KZPool_001"), expected_device_ids("KZ_KZPool_001_", kz_page));
  EXPECT_EQ(device_ids("antpool_001"), expected_device_ids("AP_antpool_001_", ap_page));
  EXPECT_EQ(value("SELECT string_agg(DISTINCT (account_name || ' ' || source) COLLATE \"C\","
                  " ', ' ORDER BY (account_name || ' ' || source) COLLATE \"C\")"
                  " FROM income_tracking"),
            "KZPool_001 KZ Pool, antpool_001 Antpool, antpool_002 Antpool");
  std::vector<std::string> calls = calls_1;
  calls.insert(calls.end(), calls_2.begin(), calls_2.end());
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(call_logs(), calls);
  EXPECT_EQ(count("pool_stats"), 2);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// kzupload --account X: X's own calls only; the fleet's pool_stats go with any run.
TEST_F(UploadAntpool, OneAccountSendsItsOwnCallsAndThePoolStats) {
  antpool_scrape("antpool_001", make_pool_page(3));
  antpool_scrape("antpool_002", make_pool_page(3));
  const auto calls_1 = add_calls("antpool_001", 4);
  add_calls("antpool_002", 3, 100);
  const auto stats = add_pool_stats(3);
  const auto r = kzupload({"--account", "antpool_001"}, supabase_env(supabase().service_key()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("api_call_logs 4, pool_stats 3 in"), std::string::npos) << r.err;
  EXPECT_EQ(call_logs(), calls_1);
  EXPECT_EQ(pool_stats(), stats);
  EXPECT_EQ(cache_count("SELECT count(*) FROM api_call WHERE uploaded_at IS NULL"
                        " AND account_name = 'antpool_002'"),
            3);
  // Later pool_stats alone: a pool with nothing else pending carries them, in one request.
  const auto more = add_pool_stats(2, 3);
  supabase().requests().clear();
  const auto third = kzupload({"--account", "antpool_002"}, supabase_env(supabase().service_key()));
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(posts("pool_stats").size(), 1U);
  EXPECT_EQ(count("pool_stats"), 5);
  EXPECT_EQ(count("api_call_logs"), 7);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadAntpool, PoolStatsAloneRideWithAnIdlePoolOfTheFleet) {
  antpool_scrape("antpool_001", make_pool_page(3));
  std::vector<PoolConfig> pools(1);
  pools[0].account_name = "antpool_001";
  pools[0].observer_url = antpool_url("antpool_001");
  pools.push_back(pools[0]);
  pools[1].account_name = "antpool_009";  // never scraped
  pools[1].observer_url = antpool_url("antpool_009");
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  const auto stats = add_pool_stats(3);
  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(posts("pool_stats").size(), 1U);
  EXPECT_EQ(pool_stats(), stats);
  EXPECT_EQ(cache_count("SELECT count(*) FROM pool_stats WHERE uploaded_at IS NULL"), 0);
}

}  // namespace
}  // namespace kz::test
