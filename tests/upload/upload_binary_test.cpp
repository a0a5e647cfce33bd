#include <fstream>

#include "support/gateway/jwt.hpp"
#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using KzuploadBinary = StandInTest;

int lines_starting_with(const std::string& text, const std::string& prefix) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

TEST_F(KzuploadBinary, UploadsWithTheKeyFromTheEnvironment) {
  cache().scrape(make_pool_page(12));
  const auto r = kzupload({"--account", "KZPool_001", "--site", "Site 1"},
                          supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("uploaded KZPool_001"), std::string::npos) << r.err;
  EXPECT_EQ(count("devices"), 12);
  EXPECT_EQ(value("SELECT site FROM accounts"), "Site 1");
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(KzuploadBinary, WrongKeyIsRejectedAndNeverPrinted) {
  cache().scrape(make_pool_page(3));
  const std::string wrong_keys[] = {
      "sb-wrong-service-key-0123456789abcdef",
      make_jwt("service_role", "another-secret-with-at-least-32-characters!!", 4102444800)};
  for (const std::string& key : wrong_keys) {
    const auto r = kzupload({"--account", "KZPool_001", "--log-level", "trace"}, supabase_env(key));
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_EQ(lines_starting_with(r.err, "kzupload: error: "), 1) << r.err;
    EXPECT_NE(r.err.find("POST /rest/v1/accounts (1 row): HTTP 401"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check SUPABASE_SERVICE_KEY"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(key), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(key), std::string::npos) << r.out;
  }
  EXPECT_EQ(count("accounts"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);
}

TEST_F(KzuploadBinary, DryRunPrintsRequestsAndSendsNothing) {
  cache().scrape(make_pool_page(4));
  cache().alert(AlertAction::open, "offline_workers");
  const std::string key = supabase().service_key();
  const auto r = kzupload({"--account", "KZPool_001", "--dry-run"}, supabase_env(key));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string base = "POST " + supabase().url() + "/rest/v1/";
  for (const std::string table :
       {"accounts?on_conflict=account_name", "hashrates?on_conflict=account_name,timestamp",
        "devices?on_conflict=device_id", "income_tracking?on_conflict=account_name,date",
        "alerts?on_conflict=alert_key"}) {
    EXPECT_NE(r.out.find(base + table + "\n"), std::string::npos) << table << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("apikey: [REDACTED]"), std::string::npos);
  EXPECT_NE(r.out.find(R"("balance":0.01864218)"), std::string::npos);
  EXPECT_EQ(r.out.find(key), std::string::npos);
  EXPECT_EQ(r.err.find(key), std::string::npos);
  EXPECT_TRUE(supabase().requests().entries().empty());
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM alert WHERE uploaded_revision < revision"), 1);
  // Without any Supabase settings a dry run still shows what it would send.
  const auto bare = kzupload({"--account", "KZPool_001", "--dry-run"});
  EXPECT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_NE(bare.out.find("POST https://<project>.supabase.co/rest/v1/accounts"),
            std::string::npos);
}

TEST_F(KzuploadBinary, SettingsErrorsAreUsageErrors) {
  cache().scrape(make_pool_page(2));
  auto r = kzupload({"--account", "KZPool_001"}, {{"SUPABASE_SERVICE_KEY", "x"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SUPABASE_URL is not set"), std::string::npos) << r.err;
  r = kzupload({"--account", "KZPool_001"}, {{"SUPABASE_URL", supabase().url()}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("SUPABASE_SERVICE_KEY"), std::string::npos) << r.err;
  r = kzupload({"--account", "KZPool_001"},
               {{"SUPABASE_URL", "db.example.supabase.co"}, {"SUPABASE_SERVICE_KEY", "x"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not an http(s) URL"), std::string::npos) << r.err;
  r = kzupload({}, supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // A pool or a cache kzscrape has not stored yet is not an error (upload_first_run_test.cpp).
}

TEST_F(KzuploadBinary, KeyFileAndTransientExitCodes) {
  cache().scrape(make_pool_page(2));
  const std::string key_file = (dir_ / "service.key").string();
  std::ofstream(key_file) << supabase().service_key() << "\n";
  const std::vector<std::pair<std::string, std::string>> url_only = {
      {"SUPABASE_URL", supabase().url()}, {"SUPABASE_SERVICE_KEY", "overridden"}};

  supabase().faults().set_delay(std::chrono::milliseconds(3000));
  auto r =
      kzupload({"--account", "KZPool_001", "--key-file", key_file, "--timeout", "1"}, url_only);
  supabase().faults().clear();
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_LT(r.elapsed, std::chrono::milliseconds(2900));
  EXPECT_NE(r.err.find("the rows stay pending"), std::string::npos) << r.err;

  r = kzupload({"--account", "KZPool_001", "--key-file", key_file, "--timeout", "2"},
               {{"SUPABASE_URL", "http://127.0.0.1:1"}});
  EXPECT_EQ(r.exit_code, 7) << r.err;

  r = kzupload({"--account", "KZPool_001", "--key-file", key_file}, url_only);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(r.err.find(supabase().service_key()), std::string::npos);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// The issue's budget: 200 workers and one new snapshot in at most 6 requests and 150 ms
// (bench/upload_bench.cpp measures it in a release build; sanitizers here allow more).
TEST_F(KzuploadBinary, TwoHundredWorkersNewSnapshotWithinBudget) {
  cache().scrape(make_pool_page(200, 100));
  const auto env = supabase_env(supabase().service_key());
  ASSERT_EQ(kzupload({"--account", "KZPool_001"}, env).exit_code, 0);
  cache().scrape(make_pool_page(200, 200));
  cache().alert(AlertAction::open, "worker_offline", "rig-0011");
  supabase().requests().clear();
  const auto r = kzupload({"--account", "KZPool_001", "--quiet"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LE(posts().size(), 6U);
  EXPECT_LT(r.elapsed, std::chrono::milliseconds(1500));
  std::cerr << "[ budget ] 200 workers, 1 new snapshot: " << posts().size() << " requests, "
            << r.elapsed.count() << " ms wall (sanitizer build)\n";
  EXPECT_EQ(count("hashrates"), 2);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
