// The cron script under faults: a stage killed from outside (the OOM killer's SIGKILL) is
// told apart from a time limit, bash adds no "Killed" line, and a fresh install whose first
// scrape fails exits 20 + kzscrape's code with kzupload ok.
#include "integration/cron_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

class CronFaults : public CronScript {
 protected:
  // Settings logging to stderr, so that everything the script and bash print is captured.
  Settings to_stderr() {
    Settings settings = env(supabase().service_key());
    set(settings, "LOG_FILE", "");
    return settings;
  }
  static void expect_only_script_lines(const ProcessResult& run) {
    EXPECT_EQ(foreign_lines(run.err), std::vector<std::string>{}) << run.err;
    EXPECT_EQ(run.err.find("Killed"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("timeout: "), std::string::npos) << run.err;
  }
};

// A fresh install (no cache yet) whose scrape is killed mid-fetch by a signal from outside:
// the log names the signal, kzupload has nothing to upload, and the exit is the scrape band's
// base code.
TEST_F(CronFaults, AScrapeKilledFromOutsideIsNotATimeLimit) {
  const std::pair<int, std::string> signals[] = {
      {SIGKILL, "killed by signal 9 (SIGKILL: out of memory?)"},
      {SIGUSR1, "killed by signal 10 (SIGUSR1)"}};
  for (const auto& [signal, said] : signals) {
    SCOPED_TRACE(said);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    server_.set("/observer", {Step::hang(30s)});
    auto settings = to_stderr();
    set(settings, "SCRAPE_TIME_LIMIT", "100");
    auto running = cron_in_background(settings);
    const auto pid = wait_for_process(KZSCRAPE_PATH, db_);
    ASSERT_TRUE(pid) << "kzscrape did not start";
    ASSERT_EQ(::kill(*pid, signal), 0);
    const ProcessResult run = running.get();
    EXPECT_EQ(run.exit_code, 20) << run.err;
    EXPECT_NE(run.err.find("run_scraper_and_upload: kzscrape: failed: " + said), std::string::npos)
        << run.err;
    EXPECT_EQ(run.err.find("time limit"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("run_scraper_and_upload: kzupload: ok"), std::string::npos) << run.err;
    expect_only_script_lines(run);
  }
}

// The upload killed from outside: the upload band's base code, 40.
TEST_F(CronFaults, AnUploadKilledFromOutsideIsNotATimeLimit) {
  supabase().faults().set_delay(20s);
  auto running = cron_in_background(to_stderr());
  const auto pid = wait_for_process(KZUPLOAD_PATH, db_);
  ASSERT_TRUE(pid) << "kzupload did not start";
  ASSERT_EQ(::kill(*pid, SIGKILL), 0);
  const ProcessResult run = running.get();
  supabase().faults().clear();
  EXPECT_EQ(run.exit_code, 40) << run.err;
  EXPECT_NE(run.err.find("run_scraper_and_upload: kzscrape: ok"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("run_scraper_and_upload: kzupload: failed: killed by signal 9 (SIGKILL"),
            std::string::npos)
      << run.err;
  expect_only_script_lines(run);
}

// timeout's own "sending signal" lines are how the script knows the limit was reached; they
// are not passed on.
TEST_F(CronFaults, ATimeLimitIsReportedWithoutTimeoutsOwnLines) {
  server_.set("/observer", {Step::hang(30s)});
  auto settings = to_stderr();
  set(settings, "SCRAPE_TIME_LIMIT", "1");
  const ProcessResult run = cron_with(settings, 60s);
  EXPECT_EQ(run.exit_code, 20) << run.err;
  EXPECT_NE(run.err.find("kzscrape: failed: time limit of 1s reached"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("killed by signal"), std::string::npos) << run.err;
  expect_only_script_lines(run);
}

// A first-ever scrape failing in different ways: the exit is 20 + kzscrape's code, and
// kzupload, with no pool (or no cache) to upload, succeeds.
TEST_F(CronFaults, AFirstEverFailingScrapeLeavesTheUploadOk) {
  struct Case {
    std::string what;
    std::string observer_url;
    std::string db_path;
    int exit_code;
  };
  server_.set("/error", {Step::respond(500)});
  const std::string unwritable = (dir_ / "no such folder" / "cache.db").string();
  const Case cases[] = {
      {"HTTP 500", server_.url("/error"), db_, 23},
      {"unreachable", "http://127.0.0.1:1/observer", db_, 23},
      {"the cache cannot be created", server_.url("/observer"), unwritable, 25},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto settings = env(supabase().service_key());
    set(settings, "OBSERVER_URL", c.observer_url);
    set(settings, "DB_PATH", c.db_path);
    set(settings, "LOCK_FILE", (dir_ / "cron.lock").string());
    const ProcessResult run = cron_with(settings);
    EXPECT_EQ(run.exit_code, c.exit_code) << log();
    EXPECT_NE(log().find("run_scraper_and_upload: kzupload: ok"), std::string::npos) << log();
    EXPECT_EQ(log().find("no pool labelled"), std::string::npos) << log();
    EXPECT_EQ(pg("SELECT count(*) FROM hashrates"), "0");
  }
}

}  // namespace
}  // namespace kz::test
