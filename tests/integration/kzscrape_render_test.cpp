#include <gtest/gtest.h>
#include <signal.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

// The English sample with an empty body that a script fills in 50 ms after DOMContentLoaded.
std::string script_built_page() {
  const std::string page = read_test_data("observer_en_60.html");
  const auto open = page.find("<body>");
  const auto close = page.rfind("</body>");
  std::string body = nlohmann::json(page.substr(open + 6, close - open - 6)).dump();
  for (auto at = body.find("</"); at != std::string::npos; at = body.find("</", at + 3)) {
    body.replace(at, 2, "<\\/");
  }
  return page.substr(0, open) +
         "<body><div id=\"__next\">Loading…</div><script>const BODY = " + body +
         ";\ndocument.addEventListener('DOMContentLoaded', () => setTimeout(() => {"
         " document.body.innerHTML = BODY; }, 50));</script></body></html>";
}

// Pids of the processes whose command line contains `text`.
std::vector<pid_t> processes_mentioning(const std::string& text) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (!std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::stringstream cmdline;
    cmdline << in.rdbuf();
    if (cmdline.str().find(text) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

// kzscrape's temporary Chromium profiles go to dir_ (TMPDIR), so Chromium processes of a test
// are those whose command line mentions dir_/kzscrape-chromium-, and a profile left behind
// shows up in dir_.
class KzscrapeRender : public KzscrapeTest {
 protected:
  ProcessResult render_run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--url", server_.url("/observer"), "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args, {{"TMPDIR", dir_.string()}});
  }
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
  void expect_stored_sample() {
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 60);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE status = 'offline'"), 5);
    EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 173296);
    EXPECT_EQ(count("SELECT count(*) FROM v_daily_income"), 7);
    EXPECT_EQ(text("SELECT outcome FROM scrape_run"), "ok");
  }
};

TEST_F(KzscrapeRender, NeverFailsWithNoDataOnAScriptBuiltPage) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "never"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("no usable data"), std::string::npos) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
}

TEST_F(KzscrapeRender, AutoRendersAScriptBuiltPageAndStoresIt) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--log-level", "debug"});  // auto is the default
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored_sample();
  EXPECT_EQ(server_.request_count("/observer"), 2);  // libcurl, then Chromium
  EXPECT_NE(run.err.find("rendering the page with Chromium"), std::string::npos) << run.err;
  EXPECT_EQ(profiles_left(), 0);
  EXPECT_EQ(chromium_processes(), 0);
}

TEST_F(KzscrapeRender, AlwaysRendersWithoutAPlainFetch) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "always"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_stored_sample();
  EXPECT_EQ(server_.request_count("/observer"), 1);
  const auto agent = server_.last_request("/observer")->header("user-agent").value_or("");
  EXPECT_NE(agent.find("Chrome"), std::string::npos) << agent;
  EXPECT_EQ(agent.find("kzpool"), std::string::npos) << agent;
  EXPECT_EQ(profiles_left(), 0);
}

TEST_F(KzscrapeRender, WithoutChromiumTheErrorSaysHowToInstallIt) {
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--chromium", "/nonexistent"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(run.err,
            "kzscrape: error: no Chromium at /nonexistent: the page needs JavaScript; install "
            "Chromium (Debian package chromium) or pass --chromium PATH\n");
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 4");
}

TEST_F(KzscrapeRender, AFailingChromiumIsAFetchErrorWithItsLastWords) {
  const auto fake = dir_ / "fake-chromium";
  std::ofstream(fake) << "#!/bin/sh\necho starting >&2\necho 'cannot open display' >&2\nexit 21\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  server_.set("/observer", {Step::ok(script_built_page())});
  const auto run = render_run({"--render", "always", "--chromium", fake.string()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("Chromium exited with code 21: cannot open display"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  EXPECT_EQ(profiles_left(), 0);
}

TEST_F(KzscrapeRender, AHangingPageTimesOutAndLeavesNoChromium) {
  server_.set("/observer", {Step::hang(25s)});
  const auto run = render_run({"--render", "always", "--timeout", "2"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("timed out after 2 s"), std::string::npos) << run.err;
  EXPECT_LT(run.elapsed, 6s);  // the limit, at most 2 s of SIGTERM grace, startup
  EXPECT_EQ(chromium_processes(), 0);
  EXPECT_EQ(profiles_left(), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 3");
}

TEST_F(KzscrapeRender, SigtermWhileRenderingKillsChromiumToo) {
  server_.set("/observer", {Step::hang(25s)});
  bool signalled = false;
  std::thread killer([&] {
    // Once Chromium asked for the page, SIGTERM kzscrape: the one process whose command line
    // names the cache.
    for (int i = 0; i < 1000 && !signalled; ++i) {
      std::this_thread::sleep_for(10ms);
      const auto kzscrape = processes_mentioning(db_);
      if (server_.request_count("/observer") > 0 && kzscrape.size() == 1) {
        signalled = ::kill(kzscrape.front(), SIGTERM) == 0;
      }
    }
  });
  const auto run = render_run({"--render", "always", "--timeout", "30", "--log-level", "debug"});
  killer.join();
  ASSERT_TRUE(signalled) << run.err;
  EXPECT_NE(run.err.find("rendering"), std::string::npos) << "debug log: " << run.err;
  EXPECT_EQ(run.exit_code, -1) << "killed by the signal: " << run.err;
  EXPECT_LT(run.elapsed, 10s);
  EXPECT_EQ(chromium_processes(), 0);
  EXPECT_EQ(profiles_left(), 0);
}

}  // namespace
}  // namespace kz::test
