// kzupload --config: every table in batches shared by the pools (upload_tables).
#include <fstream>

#include "common/pool_config.hpp"
#include "upload/pool_uploads.hpp"
#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

class SharedBatches : public StandInTest {
 protected:
  // `n` pools KZPool_101... with their own client, company, country and site, each scraped once
  // with 3 workers (so 3 devices, 2 income days).
  std::vector<PoolConfig> scrape_pools(int n) {
    std::vector<PoolConfig> pools;
    for (int i = 1; i <= n; ++i) {
      PoolConfig& pool = pools.emplace_back();
      const std::string number = std::to_string(100 + i);
      pool.account_name = "KZPool_" + number;
      pool.observer_url = "https://btcpool.kz/observer?access_key=k" + number;
      pool.client = "Client " + number;
      pool.company = "Company " + number;
      pool.country = "Kazakhstan";
      pool.site = "Site " + number;
      scrape(pool);
    }
    return pools;
  }
  void scrape(const PoolConfig& pool) {
    CacheFiller filler(db_path_, pool.account_name, pool.observer_url);
    filler.scrape(make_pool_page(3));
  }

  ExitCode upload_pools(const std::vector<PoolConfig>& pools, std::size_t batch_size = 500,
                        HttpTransport* transport = nullptr) {
    UploadOptions o = options();
    o.batch_size = batch_size;
    CurlTransport curl(o.http);
    FixedClock clock(cache().clock().now());
    std::ostringstream out;
    return kz::upload_pools(
        o, pools, transport ? *transport : curl, clock, [](std::chrono::milliseconds) {}, out);
  }

  std::string write_pools_file(const std::vector<PoolConfig>& pools) {
    const std::string path = (dir_ / "pools.json").string();
    std::ofstream file(path);
    file << "{\"pools\": [";
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const PoolConfig& p = pools[i];
      file << (i ? ",\n" : "\n") << R"({"account_name": ")" << p.account_name
           << R"(", "observer_url": ")" << p.observer_url << R"(", "client": ")" << p.client
           << R"(", "company": ")" << p.company << R"(", "country": ")" << p.country
           << R"(", "site": ")" << p.site << "\"}";
    }
    file << "]}\n";
    return path;
  }

  static std::vector<int> rows_per_post(const std::string& table) {
    std::vector<int> rows;
    for (const LoggedRequest& request : posts(table)) rows.push_back(request.rows);
    return rows;
  }
};

TEST_F(SharedBatches, TwentyPoolsOneRequestPerTable) {
  const auto pools = scrape_pools(20);
  const auto r =
      kzupload({"--config", write_pools_file(pools)}, supabase_env(supabase().service_key()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(rows_per_post("accounts"), std::vector<int>{20});
  EXPECT_EQ(rows_per_post("hashrates"), std::vector<int>{20});
  EXPECT_EQ(rows_per_post("devices"), (std::vector<int>{60, 60}));  // new ones, then all
  EXPECT_EQ(rows_per_post("income_tracking"), std::vector<int>{40});
  EXPECT_EQ(posts().size(), 5U);
  EXPECT_NE(r.err.find("20 of 20 pool(s) with pending rows uploaded in 5 request(s)"),
            std::string::npos)
      << r.err;

  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE group_name = 'Client ' || substr("
                  "account_name, 8) AND company = 'Company ' || substr(account_name, 8)"
                  " AND site = 'Site ' || substr(account_name, 8)"),
            20);
  EXPECT_EQ(count("SELECT count(*) FROM devices d JOIN accounts a USING (account_name)"
                  " WHERE d.site = a.site AND d.location = 'Kazakhstan'"
                  " AND d.device_id LIKE 'KZ_' || a.account_name || '_rig%'"),
            60);
  EXPECT_EQ(count("SELECT count(DISTINCT account_name) FROM hashrates"), 20);
  EXPECT_EQ(count("SELECT count(DISTINCT account_name) FROM income_tracking"), 20);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);

  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(posts().size(), 0U);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(SharedBatches, ABatchSizeBelowThePoolCountSplitsEveryTable) {
  const auto pools = scrape_pools(20);
  ASSERT_EQ(upload_pools(pools, 6), ExitCode::ok);
  EXPECT_EQ(rows_per_post("accounts"), (std::vector<int>{6, 6, 6, 2}));
  EXPECT_EQ(rows_per_post("hashrates"), (std::vector<int>{6, 6, 6, 2}));
  EXPECT_EQ(posts("income_tracking").size(), 7U);  // 40 rows
  EXPECT_EQ(posts("devices").size(), 20U);         // 60 rows, inserted then upserted
  for (const LoggedRequest& request : posts()) EXPECT_LE(request.rows, 6);
  EXPECT_EQ(count("accounts"), 20);
  EXPECT_EQ(count("hashrates"), 20);
  EXPECT_EQ(count("devices"), 60);
  EXPECT_EQ(count("income_tracking"), 40);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(SharedBatches, ATransientFailureLeavesTheRowsPendingForTheNextRun) {
  const auto pools = scrape_pools(20);
  CurlTransport curl(HttpOptions{});
  HookedTransport hooked(curl, [](const HttpRequest& request) {
    if (request.url.find("/rest/v1/hashrates") != std::string::npos) {
      supabase().faults().add({FaultKind::kServiceUnavailable, 1, 0});
    }
  });
  EXPECT_EQ(upload_pools(pools, 500, &hooked), ExitCode::all_pools_failed);
  EXPECT_EQ(count("accounts"), 20);
  EXPECT_EQ(count("hashrates"), 0);
  EXPECT_EQ(count("devices"), 0);  // the pools stopped at the failed batch
  EXPECT_EQ(count("income_tracking"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 20);

  supabase().faults().clear();
  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(rows_per_post("hashrates"), std::vector<int>{20});
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT DISTINCT account_name, \"timestamp\""
                  " FROM hashrates) t"),
            20);
  EXPECT_EQ(count("hashrates"), 20);
  EXPECT_EQ(count("devices"), 60);
  EXPECT_EQ(count("income_tracking"), 40);
  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(posts().size(), 0U);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// An existing deployment whose devices.site is varchar(20), and one pool whose site label is
// longer: its devices are refused (22001), every other pool's rows get in.
// A label too long for the column refuses every device row of one pool: the shared requests
// are halved until each refused row stands alone; those rows are set aside and everything
// else, that pool's other tables included, gets in.
TEST_F(SharedBatches, OnePoolsRefusedRowsAreSetAsideAndTheRestGetsIn) {
  auto pools = scrape_pools(20);
  pools[6].site = "Almaty Data Center, Hall B, Row 12";
  db().execute("ALTER TABLE devices ALTER COLUMN site TYPE varchar(20)");
  supabase().gateway().reload_schema();
  const auto r =
      kzupload({"--config", write_pools_file(pools)}, supabase_env(supabase().service_key()));
  db().execute("ALTER TABLE devices ALTER COLUMN site TYPE text");
  supabase().gateway().reload_schema();

  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("kzupload: warning: KZPool_107: set aside devices KZPool_107 worker 'rig-"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("': POST /rest/v1/devices (1 row): HTTP 400 22001"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("set aside 3 row(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--retry-rejected"), std::string::npos) << r.err;
  EXPECT_EQ(count("accounts"), 20);
  EXPECT_EQ(count("devices"), 57);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE account_name = 'KZPool_107'"), 0);
  EXPECT_EQ(count("income_tracking"), 40);
  EXPECT_EQ(count("hashrates"), 20);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 3);
  // 60 rows with 3 refused: one request, then halves down to each refused row, then the
  // upsert of the 57 others in one request.
  const auto devices = rows_per_post("devices");
  ASSERT_FALSE(devices.empty());
  EXPECT_EQ(devices.front(), 60);
  EXPECT_LE(devices.size(), 1U + 2U * 3U * 6U + 1U);
  EXPECT_EQ(devices.back(), 57);

  // Nothing more to send: the set-aside rows wait, with a warning, and the run is clean.
  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_TRUE(posts().empty());

  pools[6].site = "Almaty DC";
  supabase().requests().clear();
  const auto retried = kzupload({"--config", write_pools_file(pools), "--retry-rejected"},
                                supabase_env(supabase().service_key()));
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(count("devices"), 60);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE site = 'Almaty DC'"), 3);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// A refusal that is not about a row (here a trigger's exception, P0001) cannot be found by
// halving: the shared request is sent again pool by pool and only the refused pool stops.
TEST_F(SharedBatches, APoolRefusedAsAWholeStopsAloneAndKeepsItsRowsPending) {
  const auto pools = scrape_pools(20);
  db().execute(
      "CREATE FUNCTION kz_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF NEW.account_name = 'KZPool_105' THEN RAISE EXCEPTION 'account on hold'; END IF;"
      " RETURN NEW; END $$;"
      "CREATE TRIGGER kz_test_refuse BEFORE INSERT ON income_tracking"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_refuse()");
  const auto r =
      kzupload({"--config", write_pools_file(pools)}, supabase_env(supabase().service_key()));
  db().execute("DROP TRIGGER kz_test_refuse ON income_tracking; DROP FUNCTION kz_test_refuse()");

  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_NE(r.err.find("kzupload: error: KZPool_105: POST /rest/v1/income_tracking (2 rows): "
                       "HTTP 400 P0001: account on hold"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 of 20 pools failed"), std::string::npos) << r.err;
  EXPECT_EQ(count("income_tracking"), 38);
  EXPECT_EQ(count("alerts"), 0);
  // One shared request, then one per pool.
  EXPECT_EQ(rows_per_post("income_tracking").front(), 40);
  EXPECT_EQ(posts("income_tracking").size(), 1U + 20U);
  EXPECT_EQ(cache_count("SELECT count(*) FROM income_day WHERE uploaded_revision < revision"), 2);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 0);

  supabase().requests().clear();
  EXPECT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(rows_per_post("income_tracking"), std::vector<int>{2});
  EXPECT_EQ(count("income_tracking"), 40);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// PostgREST wants the same keys in every object of a request: pools without a site (absent
// labels are not sent) share another accounts and devices request.
TEST_F(SharedBatches, RowsWithOtherColumnsGoInTheirOwnRequest) {
  auto pools = scrape_pools(6);
  for (int i = 0; i < 3; ++i) pools[i].site.clear();
  ASSERT_EQ(upload_pools(pools), ExitCode::ok);
  EXPECT_EQ(rows_per_post("accounts"), (std::vector<int>{3, 3}));
  EXPECT_EQ(rows_per_post("hashrates"), std::vector<int>{6});
  EXPECT_EQ(rows_per_post("devices"), (std::vector<int>{9, 9, 9, 9}));
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE site IS NULL"), 3);
  EXPECT_EQ(count("devices"), 18);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
