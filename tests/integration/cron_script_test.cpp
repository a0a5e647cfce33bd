// scripts/run_scraper_and_upload.sh with the real binaries, a page server and
// the local Supabase (PostgreSQL behind the PostgREST-compatible gateway).
#include <fcntl.h>
#include <sys/file.h>

#include <nlohmann/json.hpp>

#include "integration/cron_fixture.hpp"
#include "integration/cron_health_server.hpp"

namespace kz::test {
namespace {

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
  EXPECT_EQ(cron("wrong-key").exit_code, 106) << log();  // 100 + kzupload's rejected
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

// The real stages with the key as a systemd credential (not in the environment) and a health
// check: start, then 0 with the run's log.
TEST_F(CronScript, TheKeyAsACredentialAndTheHealthPings) {
  HealthServer health;
  const auto credentials = dir_ / "credentials";
  std::filesystem::create_directories(credentials);
  std::ofstream(credentials / "SUPABASE_SERVICE_KEY") << supabase().service_key() << "\n";
  auto settings = env("");
  std::erase_if(settings, [](const auto& s) { return s.first == "SUPABASE_SERVICE_KEY"; });
  set(settings, "CREDENTIALS_DIRECTORY", credentials.string());
  set(settings, "HEALTHCHECK_URL", health.url("real-run-secret"));
  // Bounded well under ctest's 120 s, so that a stage that hangs fails with the log to read.
  set(settings, "SCRAPE_TIME_LIMIT", "30");
  set(settings, "UPLOAD_TIME_LIMIT", "30");
  set(settings, "HEALTHCHECK_TIME_LIMIT", "5");
  ASSERT_EQ(cron_with(settings, std::chrono::seconds(100)).exit_code, 0) << log();
  EXPECT_EQ(pg("SELECT count(*) FROM hashrates WHERE account_name = 'KZPool_001'"), "1");
  EXPECT_EQ(health.what(), (std::vector<std::string>{"start", "0"}));
  ASSERT_EQ(health.pings().size(), 2u);
  EXPECT_NE(health.pings()[1].body.find("kzupload: ok"), std::string::npos);
  EXPECT_EQ(log().find(supabase().service_key()), std::string::npos);
  EXPECT_EQ(log().find("real-run-secret"), std::string::npos);
}

// LOG_FORMAT=json with the real stages: every line of the log is one JSON object. Needs the
// binaries' --log-format (issue 15, the logs part).
TEST_F(CronScript, JsonLogsWithTheRealStages) {
  const auto help = run_process({KZSCRAPE_PATH, "--help"});
  if (help.out.find("--log-format") == std::string::npos) {
    GTEST_SKIP() << "kzscrape has no --log-format yet";
  }
  server_.set("/observer", {Step::respond(404)});
  auto settings = env(supabase().service_key());
  set(settings, "LOG_FORMAT", "json");
  EXPECT_EQ(cron_with(settings).exit_code, 23) << log();
  std::istringstream lines(log());
  int count = 0;
  bool stage_line = false;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto object = nlohmann::json::parse(line);  // throws on anything but JSON
    if (object.value("program", "") == "kzscrape") stage_line = true;
  }
  EXPECT_GE(count, 3);
  EXPECT_TRUE(stage_line) << "kzscrape's own line, passed through:\n" << log();
}

}  // namespace
}  // namespace kz::test
