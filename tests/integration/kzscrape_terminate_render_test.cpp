// Issue 11: SIGTERM while Chromium renders, and the cron wrapper's time limit (its `timeout`
// sends SIGTERM, SIGKILL only 10 s later): the run is recorded, nothing is left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <thread>

#include "integration/background_kzscrape.hpp"
#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kChromium = "/usr/bin/chromium";

class KzscrapeTerminateRender : public KzscrapeTest {
 protected:
  // Chromium's profiles go to dir_ (TMPDIR): its processes mention dir_/kzscrape-chromium-.
  int chromium_processes() {
    return static_cast<int>(processes_mentioning((dir_ / "kzscrape-chromium-").string()).size());
  }
  int profiles_left() {
    int left = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      left += entry.path().filename().string().starts_with("kzscrape-chromium-");
    }
    return left;
  }
};

TEST_F(KzscrapeTerminateRender, SigtermMidRenderRecordsTheRunAndLeavesNoChromium) {
  if (::access(kChromium, X_OK) != 0) GTEST_SKIP() << "no Chromium at " << kChromium;
  server_.set("/observer", {Step::hang(25s)});  // Chromium waits on the page
  Running scrape({"--url", server_.url("/observer"), "--db", db_, "--render", "always", "--timeout",
                  "30", "--chromium", kChromium},
                 dir_ / "stderr.txt", {{"TMPDIR", dir_.string()}});
  ASSERT_TRUE(eventually([&] { return server_.request_count("/observer") > 0; })) << scrape.err();
  ASSERT_GT(chromium_processes(), 0);
  scrape.signal(SIGTERM);
  const int status = scrape.wait(20s);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
      << describe(status) << scrape.err();
  EXPECT_LT(scrape.after_signal(), 8s);  // at most the 2 s grace for Chromium, and the write
  EXPECT_EQ(chromium_processes(), 0);
  EXPECT_EQ(profiles_left(), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 3");
  const std::string error = text("SELECT error FROM scrape_run");
  EXPECT_NE(error.find("with Chromium: terminated by SIGTERM"), std::string::npos) << error;
}

// The wrapper's kzscrape stage over its time limit on a page that never answers. No Supabase:
// the upload stage fails on its own, which is not what this test is about.
TEST_F(KzscrapeTerminateRender, TheWrappersTimeLimitLeavesAFailedRunRecord) {
  server_.set("/observer", {Step::hang(25s)});
  const std::string bins = std::filesystem::path(KZSCRAPE_PATH).parent_path().string() + ":" +
                           std::filesystem::path(KZUPLOAD_PATH).parent_path().string();
  const auto log_file = dir_ / "cron.log";
  // A limit of 2 s at least: a SIGTERM before kzscrape's main() (a loaded machine starting an
  // instrumented binary) ends it with no record, as it would any program.
  for (int limit : {2, 3}) {
    const auto run = run_process({std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"},
                                 {{"PATH", bins + ":/usr/bin:/bin"},
                                  {"OBSERVER_URL", server_.url("/observer")},
                                  {"ACCOUNT_NAME", "KZPool_001"},
                                  {"DB_PATH", db_},
                                  {"LOG_FILE", log_file.string()},
                                  {"SUPABASE_URL", "http://127.0.0.1:9"},
                                  {"SUPABASE_SERVICE_KEY", "not-used"},
                                  {"SCRAPE_TIME_LIMIT", std::to_string(limit)},
                                  {"UPLOAD_TIME_LIMIT", "3"},
                                  {"KZ_CONFIG", ""},
                                  {"KZ_BIN_DIR", ""}},
                                 60s);
    std::ifstream in(log_file);
    std::stringstream log;
    log << in.rdbuf();
    EXPECT_NE(
        log.str().find("kzscrape: failed: time limit of " + std::to_string(limit) + "s reached"),
        std::string::npos)
        << log.str();
    EXPECT_LT(run.elapsed, std::chrono::seconds(limit + 8)) << "ended by SIGTERM, not SIGKILL";
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND error LIKE "
                    "'%terminated by SIGTERM%'"),
              limit - 1)
        << log.str();
  }
  // Each run took its time limit, not the 10 s until the wrapper's SIGKILL.
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE"
                  " (julianday(finished_at) - julianday(started_at)) * 86400 < 8"),
            2);
}

}  // namespace
}  // namespace kz::test
