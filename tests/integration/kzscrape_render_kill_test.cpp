// Issue 11: kzscrape killed with SIGKILL mid-render. Chromium dies with it (PR_SET_PDEATHSIG),
// and the profile it leaves in the temporary folder is removed by the next run.
#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>
#include <filesystem>
#include <thread>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kChromium = "/usr/bin/chromium";

// Profiles go to dir_ (TMPDIR), so this test's Chromium processes are those whose command line
// names dir_/kzscrape-chromium-.
class KzscrapeRenderKill : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    if (::access(kChromium, X_OK) != 0) GTEST_SKIP() << "no Chromium at " << kChromium;
  }
  ProcessResult render_run() {
    return kzscrape(
        {"--url", server_.url("/observer"), "--db", db_, "--render", "always", "--timeout", "30"},
        {{"TMPDIR", dir_.string()}});
  }
  std::vector<pid_t> chromium_processes() {
    return processes_mentioning((dir_ / "kzscrape-chromium-").string());
  }
  int profiles_left() {
    int left = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      left += entry.path().filename().string().starts_with("kzscrape-chromium-");
    }
    return left;
  }
};

TEST_F(KzscrapeRenderKill, ChromiumDiesWithKzscrapeAndTheNextRunRemovesTheProfile) {
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    server_.set("/observer", {Step::hang(25s)});
    const int requests_before = server_.request_count("/observer");
    bool killed = false;
    std::thread killer([&] {
      // Once Chromium asked for the page: the one process whose command line names the cache.
      for (int i = 0; i < 2000 && !killed; ++i) {
        std::this_thread::sleep_for(10ms);
        const auto kzscrape = processes_mentioning(db_);
        if (server_.request_count("/observer") > requests_before && kzscrape.size() == 1) {
          killed = ::kill(kzscrape.front(), SIGKILL) == 0;
        }
      }
    });
    const auto run = render_run();
    killer.join();
    ASSERT_TRUE(killed) << run.err;
    EXPECT_EQ(run.exit_code, -1) << run.err;
    EXPECT_EQ(profiles_left(), 1) << "SIGKILL runs no cleanup";
    // Chromium gets SIGKILL from the kernel when kzscrape dies; its helpers follow it.
    for (int i = 0; i < 500 && !chromium_processes().empty(); ++i) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(chromium_processes().empty()) << "Chromium outlived kzscrape";

    server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
    const auto next = render_run();
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(profiles_left(), 0);
    EXPECT_TRUE(chromium_processes().empty());
  }
}

}  // namespace
}  // namespace kz::test
