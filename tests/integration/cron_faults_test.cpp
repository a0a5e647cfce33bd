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

// SIGTERM or SIGINT (Ctrl-C) to the script reaches the running stage: kzscrape records its run
// as terminated, kzupload does not start, the script exits 128 + the signal, and the lock is
// free for the next run.
TEST_F(CronFaults, ASignalToTheScriptStopsTheStageWhichRecordsItsRun) {
  for (const auto& [signal, name] : {std::pair{SIGTERM, "SIGTERM"}, std::pair{SIGINT, "SIGINT"}}) {
    SCOPED_TRACE(name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    server_.set("/observer", {Step::hang(30s)});
    const int before = server_.request_count("/observer");
    auto settings = to_stderr();
    set(settings, "SCRAPE_TIME_LIMIT", "100");
    auto running = cron_in_background(settings);
    const auto kzscrape = wait_for_process(KZSCRAPE_PATH, db_);
    ASSERT_TRUE(kzscrape) << "kzscrape did not start";
    for (int i = 0; i < 3000 && server_.request_count("/observer") == before; ++i) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_GT(server_.request_count("/observer"), before);
    const pid_t script = parent_of(parent_of(*kzscrape));  // kzscrape <- timeout <- script
    ASSERT_NE(proc_fields(script, "cmdline").size(), 0u);
    ASSERT_NE(
        read_file("/proc/" + std::to_string(script) + "/cmdline").find("run_scraper_and_upload.sh"),
        std::string::npos);
    ASSERT_EQ(::kill(script, signal), 0);
    const ProcessResult run = running.get();
    EXPECT_EQ(run.exit_code, 128 + signal) << run.err;
    EXPECT_NE(run.err.find(std::string("kzscrape: interrupted by ") + name), std::string::npos)
        << run.err;
    EXPECT_EQ(run.err.find("kzupload:"), std::string::npos) << run.err;
    expect_only_script_lines(run);
    ASSERT_TRUE(std::filesystem::exists(db_)) << run.err;
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND error LIKE"
                    " '%terminated by " +
                    std::string(name) + "%'"),
              1);
    server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
    const ProcessResult next = cron_with(settings);
    EXPECT_EQ(next.exit_code, 0) << next.err;
  }
}

// Settings the script cannot run with are exit 2 at once, with one line saying why.
TEST_F(CronFaults, BadSettingsAreExitTwo) {
  for (const std::string limit : {"0", "-5", "abc", "1.5", ""}) {
    auto settings = to_stderr();
    set(settings, "SCRAPE_TIME_LIMIT", limit);
    const ProcessResult run = cron_with(settings, 30s);
    EXPECT_EQ(run.exit_code, limit.empty() ? 0 : 2) << limit << ": " << run.err;
    if (!limit.empty()) {
      EXPECT_NE(run.err.find("SCRAPE_TIME_LIMIT must be a whole number of seconds above 0"),
                std::string::npos)
          << run.err;
    }
  }
  const std::string script = std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh";
  const ProcessResult bare = run_process({script, "--env-file"}, {}, 30s);
  EXPECT_EQ(bare.exit_code, 2) << bare.err;
  EXPECT_NE(bare.err.find("--env-file needs a path"), std::string::npos) << bare.err;
}

// An env file named without a folder is read from the current folder, never looked up on PATH
// (bash's `.` would find /usr/bin/env for "env").
TEST_F(CronFaults, ARelativeEnvFileIsReadFromTheCurrentFolder) {
  const auto settings = env(supabase().service_key());
  std::ofstream file(dir_ / "env");
  std::string path;
  for (const auto& [name, value] : settings) {
    if (name == "PATH")
      path = value;
    else
      file << name << "='" << value << "'\n";
  }
  file.close();
  const std::string script = std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh";
  const ProcessResult run = run_process(
      {"/bin/sh", "-c", "cd '" + dir_.string() + "' && exec '" + script + "' --env-file env"},
      {{"PATH", path}}, 120s);
  EXPECT_EQ(run.exit_code, 0) << run.err << log();
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
}

}  // namespace
}  // namespace kz::test
