#include <cmath>

#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

// A timestamptz column as "2026-11-22T10:00:00Z".
std::string utc(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

using UploadStandIn = StandInTest;

TEST_F(UploadStandIn, HappyPathWith200Workers) {
  const ObserverPage page = make_pool_page(200);
  cache().scrape(page);
  UploadOptions o = options();
  o.labels.client = "Client A";
  o.labels.company = "Acme Mining";
  o.labels.country = "Kazakhstan";
  o.labels.site = "Ekibastuz-2";
  const UploadSummary summary = upload(o);

  // accounts, hashrates, devices (insert of new ones, then upsert), income_tracking
  EXPECT_EQ(summary.requests, 5);
  ASSERT_EQ(posts().size(), 5U);
  EXPECT_EQ(posts("devices").at(0).prefer,
            "resolution=ignore-duplicates,return=minimal,count=exact");
  EXPECT_EQ(posts("devices").at(1).prefer,
            "resolution=merge-duplicates,return=minimal,count=exact");
  for (const LoggedRequest& r : posts()) EXPECT_LT(r.status, 300) << r.path;

  EXPECT_EQ(value("SELECT concat_ws(' ', account_name, coin_type, is_active, company, site,"
                  " account_type, group_name, balance, earn_24_hours, " +
                  utc("updated_at") + ") FROM accounts"),
            "KZPool_001 BTC t Acme Mining Ekibastuz-2 kzpool Client A 0.01864218 1.23456789 "
            "2026-11-22T10:00:00Z");

  double current_ths = 0;
  for (const WorkerRow& w : page.workers) current_ths += w.hashrate_10m_hs / 1e12;
  ASSERT_EQ(page.online_workers, 184);  // 16 of 200 are offline
  EXPECT_EQ(value("SELECT concat_ws(' ', account_name, hashrate_10m, hashrate_1h, hashrate_1d,"
                  " worker_count, active_workers, coalesce(reject_rate::text, 'null'), " +
                  utc("timestamp") + ") FROM hashrates"),
            "KZPool_001 " + std::to_string(std::llround(current_ths)) +
                " 18474 18216 200 184 null 2026-11-22T10:00:00Z");

  EXPECT_EQ(count("devices"), 200);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE status = 'offline'"), 16);
  EXPECT_EQ(value("SELECT concat_ws(' ', serial_number, account_name, worker_name, device_type,"
                  " status, site, location, " +
                  utc("created_at") + ", " + utc("updated_at") +
                  ") FROM devices WHERE device_id = 'KZ_KZPool_001_rig_0050'"),
            "rig 0050 KZPool_001 rig 0050 ASIC online Ekibastuz-2 Kazakhstan "
            "2026-11-22T10:00:00Z 2026-11-22T10:00:00Z");

  EXPECT_EQ(value("SELECT string_agg(concat_ws(' ', date, btc_amount, source, transaction_type,"
                  " coalesce(usd_value::text, 'null')), '; ' ORDER BY date) FROM income_tracking"),
            "11/21/2026 0.01864218 KZ Pool mining_reward null; "
            "11/22/2026 0.00100000 KZ Pool mining_reward null");
  EXPECT_EQ(count("alerts"), 0);

  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM income_day WHERE uploaded_revision < revision"), 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, RunningTwiceChangesNothing) {
  cache().scrape(make_pool_page(200));
  cache().alert(AlertAction::open, "offline_workers");
  upload();
  const std::string before = all_rows();
  supabase().requests().clear();
  const UploadSummary again = upload();
  EXPECT_EQ(again.requests, 0);
  EXPECT_TRUE(posts().empty());
  EXPECT_EQ(all_rows(), before);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, NextSnapshotNeedsFourRequests) {
  cache().scrape(make_pool_page(200, 100'000));
  upload();
  supabase().requests().clear();
  cache().scrape(make_pool_page(200, 150'000));
  const UploadSummary summary = upload();
  EXPECT_EQ(summary.requests, 4);  // no device is new: one devices upsert
  EXPECT_EQ(summary.new_devices, 0U);
  EXPECT_EQ(count("hashrates"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE updated_at = '2026-11-22T10:10:00Z'"), 200);
  EXPECT_EQ(posts("income_tracking").at(0).rows, 1);  // only today changed
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, ExistingDeviceKeepsItsCreatedAt) {
  db().execute(
      "INSERT INTO accounts(account_name) VALUES ('KZPool_001');"
      "INSERT INTO devices(device_id, account_name, worker_name, status, manufacturer,"
      " created_at, updated_at) VALUES ('KZ_KZPool_001_rig-0001', 'KZPool_001',"
      " 'rig-0001', 'offline', 'Bitmain', '2025-01-02T03:04:05Z',"
      " '2025-01-02T03:04:05Z')");
  cache().scrape(make_pool_page(3));
  upload();
  EXPECT_EQ(value("SELECT concat_ws(' ', status, manufacturer, " + utc("created_at") + ", " +
                  utc("updated_at") + ") FROM devices WHERE worker_name = 'rig-0001'"),
            "online Bitmain 2025-01-02T03:04:05Z 2026-11-22T10:00:00Z");
  // A new device's created_at is when kzscrape first saw the worker, not the upload time.
  cache().scrape(make_pool_page(4));
  upload();
  EXPECT_EQ(value("SELECT " + utc("created_at") + " FROM devices WHERE worker_name = 'rig-0003'"),
            "2026-11-22T10:10:00Z");
  EXPECT_EQ(value("SELECT " + utc("created_at") + " FROM devices WHERE worker_name = 'rig-0002'"),
            "2026-11-22T10:00:00Z");
  EXPECT_EQ(value("SELECT " + utc("created_at") + " FROM devices WHERE worker_name = 'rig-0001'"),
            "2025-01-02T03:04:05Z");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, IncomeForTodayIsUpdatedInPlace) {
  cache().scrape(make_pool_page(5, 100));
  upload();
  cache().scrape(make_pool_page(5, 2'500));
  upload();
  cache().scrape(make_pool_page(5, 2'100'000'000'000'000));
  upload();
  EXPECT_EQ(count("income_tracking"), 2);
  EXPECT_EQ(value("SELECT btc_amount::text FROM income_tracking WHERE date = '11/22/2026'"),
            "21000000.00000000");
  EXPECT_EQ(value("SELECT btc_amount::text FROM income_tracking WHERE date = '11/21/2026'"),
            "0.01864218");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, AlertThatOpensThenResolvesIsOneRow) {
  cache().scrape(make_pool_page(5));
  cache().alert(AlertAction::open, "worker_offline", "rig-0002", Severity::medium, "rig-0002 off");
  upload();
  EXPECT_EQ(value("SELECT concat_ws(' ', alert_type, severity, resolved, resolved_at IS NULL, " +
                  utc("created_at") + ") FROM alerts"),
            "worker_offline medium f t 2026-11-22T10:10:00Z");
  cache().clock().advance(std::chrono::minutes(10));
  cache().alert(AlertAction::resolve, "worker_offline", "rig-0002");
  upload();
  EXPECT_EQ(count("alerts"), 1);
  EXPECT_EQ(value("SELECT concat_ws(' ', alert_key, message, resolved, " + utc("resolved_at") +
                  ") FROM alerts"),
            "KZPool_001|worker_offline|rig-0002|2026-11-22T10:10:00Z rig-0002 off t "
            "2026-11-22T10:20:00Z");

  // Opened and resolved between two uploads: still one row, resolved.
  cache().alert(AlertAction::open, "hashrate_drop");
  cache().clock().advance(std::chrono::minutes(10));
  cache().alert(AlertAction::resolve, "hashrate_drop");
  upload();
  EXPECT_EQ(count("SELECT count(*) FROM alerts WHERE alert_type = 'hashrate_drop'"), 1);
  EXPECT_EQ(value("SELECT resolved FROM alerts WHERE alert_type = 'hashrate_drop'"), "t");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// "rig 7" and "rig_7" are both KZ_KZPool_001_rig_7: sent together, PostgreSQL would refuse
// the batch (21000, "cannot affect row a second time").
// kzscrape failed from the start: no snapshot, only a scrape_failed alert.
TEST_F(UploadStandIn, AlertWithoutAnySnapshotStillHasItsAccount) {
  cache().alert(AlertAction::open, "scrape_failed", "", Severity::high, "HTTP 503 x3");
  const UploadSummary summary = upload();
  EXPECT_EQ(summary.requests, 2);
  EXPECT_EQ(value("SELECT concat_ws(' ', account_name, coalesce(balance::text, 'null'))"
                  " FROM accounts"),
            "KZPool_001 null");
  EXPECT_EQ(value("SELECT message FROM alerts"), "HTTP 503 x3");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadStandIn, SmallBatchesSendEverythingOnce) {
  for (int i = 0; i < 3; ++i) cache().scrape(make_pool_page(20));
  for (int i = 0; i < 5; ++i) cache().alert(AlertAction::open, "worker_offline", worker_name(i));
  UploadOptions o = options();
  o.batch_size = 7;
  const UploadSummary summary = upload(o);
  EXPECT_EQ(summary.hashrates, 3U);
  EXPECT_EQ(summary.devices, 20U);
  EXPECT_EQ(posts("hashrates").size(), 1U);
  EXPECT_EQ(posts("devices").size(), 6U);  // 7 + 7 + 6 workers, each inserted then upserted
  EXPECT_EQ(posts("alerts").size(), 1U);
  for (const LoggedRequest& r : posts()) EXPECT_LE(r.rows, 7) << r.path;
  EXPECT_EQ(count("hashrates"), 3);
  EXPECT_EQ(count("devices"), 20);
  EXPECT_EQ(count("alerts"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE updated_at = '2026-11-22T10:20:00Z'"), 20);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
