#include <fstream>

#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using KzuploadConfig = StandInTest;

constexpr const char* kSecondUrl = "https://btcpool.kz/observer?access_key=second";

// KZPool_001 (labelled in the cache), KZPool_002 (stored unlabelled), KZPool_003 (never scraped)
// and a disabled KZPool_004.
std::string write_pools_file(const std::filesystem::path& dir) {
  const std::string path = (dir / "pools.json").string();
  std::ofstream(path) << R"({"pools": [
    {"account_name": "KZPool_001", "observer_url": ")"
                      << kObserverUrl << R"(",
     "client": "Client A", "site": "Site 1"},
    {"account_name": "KZPool_002", "observer_url": ")"
                      << kSecondUrl << R"(",
     "company": "Acme", "country": "Kazakhstan"},
    {"account_name": "KZPool_003", "observer_url": "https://btcpool.kz/observer?access_key=3"},
    {"account_name": "KZPool_004", "observer_url": "https://btcpool.kz/observer?access_key=4",
     "enabled": false}
  ]})";
  return path;
}

TEST_F(KzuploadConfig, UploadsEveryEnabledPoolWithItsLabels) {
  cache().scrape(make_pool_page(5));
  CacheFiller second(db_path_, "", kSecondUrl);
  second.scrape(make_pool_page(3));
  const std::string pools = write_pools_file(dir_);
  const auto env = supabase_env(supabase().service_key());

  const auto r = kzupload({"--config", pools}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(value("SELECT string_agg(concat_ws(' ', account_name, company, site, group_name),"
                  " '; ' ORDER BY account_name) FROM accounts"),
            "KZPool_001 Site 1 Client A; KZPool_002 Acme");
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE account_name = 'KZPool_002'"
                  " AND location = 'Kazakhstan'"),
            3);
  EXPECT_EQ(count("devices"), 8);
  EXPECT_EQ(cache_count("SELECT count(*) FROM pool WHERE account_name = 'KZPool_002'"), 1);

  second.scrape(make_pool_page(3));
  supabase().requests().clear();
  const auto one = kzupload({"--config", pools, "--account", "KZPool_002"}, env);
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(count("hashrates"), 3);
  for (const LoggedRequest& request : posts("hashrates")) EXPECT_EQ(request.rows, 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(KzuploadConfig, OneFailingPoolDoesNotStopTheOthers) {
  db().execute(
      "CREATE FUNCTION kz_test_refuse_two() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF NEW.account_name = 'KZPool_002' THEN RAISE EXCEPTION 'account closed'; END IF;"
      " RETURN NEW; END $$;"
      "CREATE TRIGGER kz_test_refuse_two BEFORE INSERT ON accounts"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_refuse_two()");
  cache().scrape(make_pool_page(5));
  CacheFiller second(db_path_, "", kSecondUrl);
  second.scrape(make_pool_page(3));
  const std::string pools = write_pools_file(dir_);
  const auto r = kzupload({"--config", pools}, supabase_env(supabase().service_key()));
  const auto single =
      kzupload({"--config", pools, "--account", "KZPool_002"}, supabase_env("wrong-key-12345"));
  db().execute("DROP TRIGGER kz_test_refuse_two ON accounts; DROP FUNCTION kz_test_refuse_two()");
  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_NE(r.err.find("kzupload: error: KZPool_002: POST /rest/v1/accounts (1 row): HTTP 400 "
                       "P0001: account closed"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 of 3 pools failed"), std::string::npos) << r.err;
  EXPECT_EQ(count("devices"), 5);
  EXPECT_EQ(single.exit_code, 6) << single.err;

  const auto labels = kzupload({"--config", pools, "--site", "x"});
  EXPECT_EQ(labels.exit_code, 2) << labels.err;
}

}  // namespace
}  // namespace kz::test
