// scripts/run_scraper_and_upload.sh with the real binaries, a page server and
// the local Supabase (PostgreSQL behind the PostgREST-compatible gateway).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>

#include <fstream>
#include <memory>

#include "integration/kzscrape_fixture.hpp"
#include "support/gateway/local_supabase.hpp"

namespace kz::test {
namespace {

class CronScript : public KzscrapeTest {
 protected:
  static LocalSupabase& supabase() {
    static std::unique_ptr<LocalSupabase> instance = std::make_unique<LocalSupabase>();
    return *instance;
  }

  void SetUp() override {
    KzscrapeTest::SetUp();
    supabase().database().truncate_public_tables();
    server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  }

  std::vector<std::pair<std::string, std::string>> env(const std::string& key) {
    const std::string bins = std::filesystem::path(KZSCRAPE_PATH).parent_path().string() + ":" +
                             std::filesystem::path(KZUPLOAD_PATH).parent_path().string();
    return {{"PATH", bins + ":/usr/bin:/bin"},
            {"OBSERVER_URL", server_.url("/observer")},
            {"ACCOUNT_NAME", "KZPool_001"},
            {"CLIENT_NAME", "Acme"},
            {"DB_PATH", db_},
            {"LOG_FILE", (dir_ / "cron.log").string()},
            {"SUPABASE_URL", supabase().url()},
            {"SUPABASE_SERVICE_KEY", key},
            {"KZ_CONFIG", ""},
            {"KZ_BIN_DIR", ""}};
  }
  ProcessResult cron(const std::string& key) {
    return run_process({std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"}, env(key),
                       std::chrono::seconds(120));
  }
  std::string log() { return read_file(dir_ / "cron.log"); }
  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string pg(const std::string& sql) {
    return supabase().database().query_value(sql).value_or("NULL");
  }
};

TEST_F(CronScript, ScrapesAndUploadsWithOneLinePerStage) {
  const auto run = cron(supabase().service_key());
  ASSERT_EQ(run.exit_code, 0) << run.err << log();
  EXPECT_NE(log().find("run_scraper_and_upload: kzscrape: ok"), std::string::npos) << log();
  EXPECT_NE(log().find("run_scraper_and_upload: kzupload: ok"), std::string::npos) << log();
  EXPECT_EQ(run.err, "") << "with LOG_FILE everything goes to the log";
  EXPECT_EQ(pg("SELECT count(*) FROM hashrates WHERE account_name = 'KZPool_001'"), "1");
  EXPECT_EQ(pg("SELECT group_name FROM accounts"), "Acme");
  EXPECT_EQ(log().find(supabase().service_key()), std::string::npos);
}

TEST_F(CronScript, AFailedScrapeStillUploadsTheBacklog) {
  ASSERT_EQ(cron("wrong-key").exit_code, 46) << log();  // scrape ok, upload rejected (401)
  EXPECT_EQ(pg("SELECT count(*) FROM hashrates"), "0");
  server_.set("/observer", {Step::respond(404)});
  const auto run = cron(supabase().service_key());
  EXPECT_EQ(run.exit_code, 23) << log();  // 20 + kzscrape's fetch_failed
  EXPECT_EQ(pg("SELECT count(*) FROM hashrates"), "1") << "the earlier snapshot was sent";
  EXPECT_NE(log().find("kzscrape: failed with exit code 3"), std::string::npos) << log();
  EXPECT_NE(log().find("kzupload: ok"), std::string::npos) << log();
  EXPECT_EQ(log().find("wrong-key"), std::string::npos) << "no key in the log";
}

TEST_F(CronScript, BothStagesFailing) {
  ASSERT_EQ(cron("wrong-key").exit_code, 46) << log();  // leaves a snapshot pending
  server_.set("/observer", {Step::respond(404)});
  EXPECT_EQ(cron("wrong-key").exit_code, 66) << log();  // 60 + kzupload's rejected
}

TEST_F(CronScript, AnOverlappingRunExitsQuietlyWithItsOwnCode) {
  const int lock = ::open((db_ + ".lock").c_str(), O_CREAT | O_RDWR, 0600);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);
  const auto run = cron(supabase().service_key());
  ::close(lock);
  EXPECT_EQ(run.exit_code, 75);
  EXPECT_NE(log().find("skipped: another run holds"), std::string::npos) << log();
  EXPECT_EQ(server_.request_count("/observer"), 0);
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(CronScript, MissingSettingsAreAUsageError) {
  auto settings = env(supabase().service_key());
  for (auto& [name, value] : settings) {
    if (name == "ACCOUNT_NAME") value = "";
  }
  const auto run = run_process({std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"},
                               settings, std::chrono::seconds(30));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(log().find("set ACCOUNT_NAME"), std::string::npos) << log();
  EXPECT_EQ(server_.request_count("/observer"), 0);
}

TEST_F(CronScript, AStageOverItsTimeLimitIsStopped) {
  ASSERT_EQ(cron(supabase().service_key()).exit_code, 0) << log();
  server_.set("/observer", {Step::hang(std::chrono::seconds(20))});
  auto settings = env(supabase().service_key());
  settings.emplace_back("SCRAPE_TIME_LIMIT", "1");
  const auto run = run_process({std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"},
                               settings, std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 20) << log();
  EXPECT_NE(log().find("kzscrape: failed: time limit of 1s reached"), std::string::npos) << log();
  EXPECT_LT(run.elapsed, std::chrono::seconds(15));
}

}  // namespace
}  // namespace kz::test
