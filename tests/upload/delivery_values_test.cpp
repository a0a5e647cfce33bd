// Issue 10, cases 5-7: values Supabase cannot hold in one --config batch, snapshots in the
// same second, and workers whose device ids clash.
#include <random>

#include "upload/delivery_fixture.hpp"

namespace kz::test {
namespace {

// Letters and digits that do not compress, so PostgreSQL cannot squeeze the key into an index.
std::string incompressible_name(std::size_t length) {
  std::mt19937 random(20261122);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string name;
  for (std::size_t i = 0; i < length; ++i) name += alphabet[pick(random)];
  return name;
}

class PoisonRows : public DeliveryTest {
 protected:
  // Pool i of the batch: "KZPool_20<i>".
  static std::string account(int i) { return "KZPool_20" + std::to_string(i); }
  static std::string url(int i) {
    return "https://btcpool.kz/observer?access_key=p" + std::to_string(i);
  }
  // One filler per pool, kept so that each pool's clock moves on between scrapes.
  void scrape_all(int64_t today_sat = 100'000) {
    if (fillers_.empty()) {
      for (int i = 1; i <= kPools; ++i) {
        fillers_.push_back(std::make_unique<CacheFiller>(db_path_, account(i), url(i)));
      }
    }
    for (auto& filler : fillers_) filler->scrape(make_pool_page(3, today_sat));
  }
  // Sets a column of pool i's snapshots (values in GH/s, as the cache keeps them).
  void set_snapshots(int i, const std::string& assignment) {
    cache().cache().db().exec("UPDATE snapshot SET " + assignment +
                              " WHERE pool_id = (SELECT id FROM pool WHERE account_name = '" +
                              account(i) + "')");
  }
  static constexpr int kPools = 6;
  std::vector<std::unique_ptr<CacheFiller>> fillers_;
};

// Pool 1 sits on the integer limit (2,147,483,647.4 TH/s rounds to it) and pool 5 is plain: both
// must arrive. Pool 2 rounds just over it, pool 3 holds 1e30 TH/s, pool 6 1e30 TH/s as its 24 h
// figure, pool 4 a worker with a 3 KB name (too long for the devices key's index, SQLSTATE 54000).
TEST_F(PoisonRows, BadRowsAreSetAsideAndNeverHoldBackTheRest) {
  scrape_all();
  set_snapshots(1, "hashrate_current_ghs = 2147483647400");
  set_snapshots(2, "hashrate_current_ghs = 2147483647500");
  set_snapshots(3, "hashrate_current_ghs = 1e33");
  set_snapshots(6, "hashrate_24h_ghs = 1e33");
  const std::string long_name = incompressible_name(3000);
  cache().cache().db().exec("UPDATE worker SET name = '" + long_name +
                            "' WHERE name = 'rig-0001'"
                            " AND pool_id = (SELECT id FROM pool WHERE account_name = '" +
                            account(4) + "')");
  std::vector<std::pair<std::string, std::string>> pools;
  for (int i = 1; i <= kPools; ++i) pools.emplace_back(account(i), url(i));
  const std::string config = write_pools(pools);

  auto r = kzupload({"--config", config}, direct_env());
  EXPECT_EQ(r.exit_code, 6) << r.err;
  for (int bad : {2, 3, 4, 6}) EXPECT_NE(r.err.find(account(bad)), std::string::npos) << r.err;
  EXPECT_EQ(value("SELECT string_agg(account_name, ' ' ORDER BY account_name) FROM hashrates"),
            "KZPool_201 KZPool_204 KZPool_205");
  EXPECT_EQ(value("SELECT hashrate_10m FROM hashrates WHERE account_name = 'KZPool_201'"),
            "2147483647");
  // Devices of the pools whose only snapshot was set aside wait for a snapshot that arrives.
  EXPECT_EQ(value("SELECT string_agg(account_name || ' ' || n, ', ' ORDER BY account_name) FROM"
                  " (SELECT account_name, count(*) AS n FROM devices GROUP BY account_name) d"),
            "KZPool_201 3, KZPool_204 2, KZPool_205 3");
  EXPECT_EQ(count("income_tracking"), 6 * 2);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 4);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected WHERE table_name = 'hashrates'"
                        " AND account_name IN ('KZPool_202', 'KZPool_203', 'KZPool_206')"),
            3);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected WHERE table_name = 'devices'"
                        " AND account_name = 'KZPool_204'"),
            1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));

  // Later snapshots of the same pools arrive on the next run.
  scrape_all(200'000);
  r = kzupload({"--config", config}, direct_env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("hashrates"), 3 + 6);
  // Pool 204's page lists "rig-0001" again: a new worker beside the renamed one set aside.
  EXPECT_EQ(count("devices"), 6 * 3);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));

  // Sent again on request, and set aside again while still bad.
  r = kzupload({"--config", config, "--retry-rejected"}, direct_env());
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 4);
  EXPECT_EQ(count("hashrates"), 3 + 6);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));

  // Once the values are fixed in the cache they arrive; the long name stays set aside.
  cache().cache().db().exec(
      "UPDATE snapshot SET hashrate_current_ghs = 1000000 WHERE hashrate_current_ghs >= "
      "2147483647500;"
      "UPDATE snapshot SET hashrate_24h_ghs = 1000000 WHERE hashrate_24h_ghs >= 2147483647500");
  r = kzupload({"--config", config, "--retry-rejected"}, direct_env());
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(count("hashrates"), 6 * 2);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// Case 6: kzscrape runs that overlap, or a clock that stands still, store several snapshots of
// a pool in the same second; each must be its own hashrates row.
class SameSecond : public DeliveryTest, public ::testing::WithParamInterface<int> {};

TEST_P(SameSecond, SnapshotsStayDistinct) {
  const int n = GetParam();
  for (int i = 0; i < n; ++i) {
    cache().scrape(make_pool_page(3, 100'000 + i));
    cache().clock().advance(-std::chrono::minutes(10));  // the same second again
  }
  upload();
  EXPECT_EQ(count("hashrates"), n);
  EXPECT_EQ(count("SELECT count(DISTINCT \"timestamp\") FROM hashrates"), n);
  EXPECT_EQ(cache_count("SELECT count(DISTINCT scraped_at) FROM snapshot"), n);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));

  // One more in the same second, after the others were delivered.
  cache().scrape(make_pool_page(3, 200'000));
  upload();
  EXPECT_EQ(count("hashrates"), n + 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

INSTANTIATE_TEST_SUITE_P(Counts, SameSecond, ::testing::Values(2, 3, 20));

// Case 7: names whose plain ids "KZ_{account}_{worker}" (spaces as "_") are equal. Worker i is
// online when i is even.
class ClashingWorkers : public DeliveryTest,
                        public ::testing::WithParamInterface<std::vector<std::string>> {};

bool line_names_both(const std::string& err, const std::string& a, const std::string& b) {
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
  }
  return false;
}

ObserverPage page_with_workers(const std::vector<std::string>& names) {
  ObserverPage page = make_pool_page(names.size());
  page.online_workers = page.offline_workers = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    WorkerRow& w = page.workers[i];
    w.name = names[i];
    w.status = i % 2 == 0 ? WorkerStatus::online : WorkerStatus::offline;
    ++(i % 2 == 0 ? page.online_workers : page.offline_workers);
    if (i % 2) w.hashrate_10m_hs = w.hashrate_1h_hs = w.hashrate_24h_hs = 0;
  }
  return page;
}

TEST_P(ClashingWorkers, TwoWorkersAreNeverOneDevice) {
  const std::vector<std::string> names = GetParam();
  cache().scrape(page_with_workers(names));
  auto r = kzupload({"--account", "KZPool_001"}, direct_env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("devices"), static_cast<long>(names.size()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(db().query_value("SELECT status FROM devices WHERE worker_name = $1", {names[i]}),
              i % 2 == 0 ? "online" : "offline")
        << names[i];
    if (i > 0) {
      EXPECT_TRUE(line_names_both(r.err, names[0], names[i])) << r.err;
    }
  }
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));

  // The ids stay what they were on the next runs.
  const std::string ids = value(
      "SELECT string_agg(device_id || '=' || worker_name, ' '"
      " ORDER BY device_id) FROM devices");
  cache().scrape(page_with_workers(names));
  r = kzupload({"--account", "KZPool_001"}, direct_env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(value("SELECT string_agg(device_id || '=' || worker_name, ' ' ORDER BY device_id)"
                  " FROM devices"),
            ids);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

INSTANTIATE_TEST_SUITE_P(
    Names, ClashingWorkers,
    ::testing::Values(std::vector<std::string>{"rack 1", "rack_1"},
                      std::vector<std::string>{"rack_1", "rack 1"},
                      std::vector<std::string>{"a b c", "a_b c", "a b_c", "a_b_c"},
                      std::vector<std::string>{"s19 pro 07", "s19_pro 07", "s19 pro_07"}));

// Account "A_B" worker "C" and account "A" worker "B_C": "KZ_A_B_C" both.
TEST_F(DeliveryTest, ClashAcrossAccountsKeepsBothDevices) {
  CacheFiller(db_path_, "A_B", "https://btcpool.kz/observer?access_key=ab")
      .scrape(page_with_workers({"C"}));
  CacheFiller(db_path_, "A", "https://btcpool.kz/observer?access_key=a")
      .scrape(page_with_workers({"x", "B_C"}));
  const std::string config = write_pools({{"A_B", "https://btcpool.kz/observer?access_key=ab"},
                                          {"A", "https://btcpool.kz/observer?access_key=a"}});
  const auto r = kzupload({"--config", config}, direct_env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("devices"), 3);
  EXPECT_EQ(value("SELECT status FROM devices WHERE account_name = 'A_B' AND worker_name = 'C'"),
            "online");
  EXPECT_EQ(value("SELECT status FROM devices WHERE account_name = 'A' AND worker_name = 'B_C'"),
            "offline");
  EXPECT_TRUE(line_names_both(r.err, "B_C", "A_B")) << r.err;
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
