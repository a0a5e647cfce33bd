// What each stage of the cron script sees of its environment, read from /proc/<pid>/environ
// while the stage waits on a page that does not answer: kzscrape gets the allow-list (never
// SUPABASE_SERVICE_KEY), and Chromium under it exactly PATH, HOME, TZ, LANG and LC_ALL.
#include <unistd.h>

#include <set>

#include "integration/cron_fixture.hpp"

extern char** environ;

namespace kz::test {
namespace {

using namespace std::chrono_literals;

// The names the script passes to kzscrape (scripts/run_scraper_and_upload.sh, its header).
bool scrape_may_see(const std::string& name) {
  static const std::set<std::string> names = {"PATH",           "HOME",          "TZ",
                                              "LANG",           "TMPDIR",        "http_proxy",
                                              "https_proxy",    "HTTPS_PROXY",   "all_proxy",
                                              "ALL_PROXY",      "no_proxy",      "NO_PROXY",
                                              "SSL_CERT_FILE",  "SSL_CERT_DIR",  "CURL_CA_BUNDLE",
                                              "ASAN_OPTIONS",   "UBSAN_OPTIONS", "LSAN_OPTIONS",
                                              "KZPOOL_API_KEY", "OBSERVER_URL"};
  return names.contains(name) || name.starts_with("LC_");
}

class CronEnvironment : public CronScript {
 protected:
  static constexpr const char* kServiceKey = "sb-service-key-never-for-kzscrape-0123456789";

  // The script's settings: this process's environment plus the test's, with proxies, CA and
  // locale variables set so that passing them is tested too, and variables the stages must
  // not see.
  Settings settings() {
    Settings s = env(kServiceKey);
    for (const auto& [name, value] : Settings{{"TZ", "Asia/Almaty"},
                                              {"LC_NUMERIC", "C"},
                                              {"no_proxy", "127.0.0.1,localhost"},
                                              {"NO_PROXY", "127.0.0.1,localhost"},
                                              {"SSL_CERT_DIR", "/etc/ssl/certs"},
                                              {"TMPDIR", dir_.string()},
                                              {"KZPOOL_API_KEY", "api-key-for-kzscrape"},
                                              {"KZ_TEST_PASSED", "named in SCRAPE_ENV_PASS"},
                                              {"SCRAPE_ENV_PASS", "KZ_TEST_PASSED"},
                                              {"KZ_TEST_CANARY", "not for any stage"},
                                              {"SCRAPE_TIME_LIMIT", "100"}}) {
      set(s, name, value);
    }
    return s;
  }
  // What kzscrape should get: the set ones among the names it may see.
  static std::map<std::string, std::string> expected_scrape_environment(const Settings& s) {
    std::map<std::string, std::string> all;
    for (char** entry = environ; *entry; ++entry) {
      const std::string text = *entry;
      const auto eq = text.find('=');
      if (eq != std::string::npos) all[text.substr(0, eq)] = text.substr(eq + 1);
    }
    for (const auto& [name, value] : s) all[name] = value;
    std::map<std::string, std::string> expected;
    for (const auto& [name, value] : all) {
      if (scrape_may_see(name) || name == "KZ_TEST_PASSED") expected[name] = value;
    }
    return expected;
  }
  static std::string dump(const std::map<std::string, std::string>& env) {
    std::string out;
    for (const auto& [name, value] : env) out += name + "=" + value + "\n";
    return out;
  }
  static bool mentions(const std::map<std::string, std::string>& env, const std::string& text) {
    for (const auto& [name, value] : env) {
      if (name.find(text) != std::string::npos || value.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  // Ends the waiting scrape (kzscrape records the run on SIGTERM) and the script.
  static ProcessResult finish(pid_t kzscrape, std::future<ProcessResult>& running) {
    ::kill(kzscrape, SIGTERM);
    return running.get();
  }
};

TEST_F(CronEnvironment, KzscrapeGetsOnlyItsAllowList) {
  server_.set("/observer", {Step::hang(30s)});
  const Settings s = settings();
  auto running = cron_in_background(s);
  ASSERT_TRUE(wait_for_request("/observer"));
  const auto pid = wait_for_process(KZSCRAPE_PATH, db_);
  ASSERT_TRUE(pid);
  const auto seen = environment_of(*pid);
  const auto arguments = proc_fields(*pid, "cmdline");
  const ProcessResult run = finish(*pid, running);
  // The link is in the environment (readable by its user only), not on the command line.
  for (const std::string& argument : arguments) {
    EXPECT_EQ(argument.find(server_.url("/observer")), std::string::npos) << argument;
  }
  EXPECT_EQ(seen.at("OBSERVER_URL"), server_.url("/observer"));
  EXPECT_EQ(seen, expected_scrape_environment(s)) << dump(seen);
  EXPECT_FALSE(mentions(seen, kServiceKey));
  EXPECT_FALSE(seen.contains("SUPABASE_URL"));
  EXPECT_FALSE(mentions(seen, "not for any stage"));
  EXPECT_NE(run.exit_code, 0) << log();
  EXPECT_EQ(log().find(kServiceKey), std::string::npos) << log();
}

TEST_F(CronEnvironment, ThePassListCannotHandTheServiceKeyToKzscrape) {
  Settings s = settings();
  set(s, "SCRAPE_ENV_PASS", "KZ_TEST_PASSED SUPABASE_SERVICE_KEY");
  const ProcessResult run = cron_with(s, 30s);
  EXPECT_EQ(run.exit_code, 2) << log();
  EXPECT_NE(log().find("SCRAPE_ENV_PASS names SUPABASE_SERVICE_KEY"), std::string::npos) << log();
  EXPECT_EQ(server_.request_count("/observer"), 0);
  set(s, "SCRAPE_ENV_PASS", "KZ_TEST_PASSED NOT-A-NAME");
  EXPECT_EQ(cron_with(s, 30s).exit_code, 2) << log();
  EXPECT_NE(
      log().find("'NOT-A-NAME' in SCRAPE_ENV_PASS, NOTIFY_ENV_PASS or UPLOAD_ENV_PASS is not a"),
      std::string::npos)
      << log();
}

// Chromium started by kzscrape under the script (--render always through a KZ_BIN_DIR whose
// kzscrape execs the real one with those options), on a page that never finishes loading.
// The browser binary itself is started (not Debian's /usr/bin/chromium launcher script, which
// adds variables of its own from /etc/chromium.d).
TEST_F(CronEnvironment, ChromiumGetsExactlyTheMinimalSet) {
  const std::string chromium = "/usr/lib/chromium/chromium";
  if (::access(chromium.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << chromium;
  const auto bin = dir_ / "bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin / "kzscrape") << "#!/bin/sh\nexec '" << KZSCRAPE_PATH
                                  << "' --render always --timeout 60 --chromium '" << chromium
                                  << "' \"$@\"\n";
  std::filesystem::permissions(bin / "kzscrape", std::filesystem::perms::owner_all);
  std::filesystem::create_symlink(KZUPLOAD_PATH, bin / "kzupload");
  server_.set("/observer", {Step::hang(30s)});
  Settings s = settings();
  set(s, "KZ_BIN_DIR", bin.string());
  auto running = cron_in_background(s);
  ASSERT_TRUE(wait_for_request("/observer")) << "Chromium never asked for the page";
  const auto kzscrape = wait_for_process(KZSCRAPE_PATH, db_);
  ASSERT_TRUE(kzscrape);
  // The browser process is kzscrape's child; its own children rewrite their command line
  // over their environment block.
  std::optional<pid_t> browser;
  for (const pid_t pid : processes(chromium, (dir_ / "kzscrape-chromium-").string())) {
    if (parent_of(pid) == *kzscrape) browser = pid;
  }
  ASSERT_TRUE(browser) << "no Chromium started by kzscrape";
  auto seen = environment_of(*browser);
  const auto scrape_env = environment_of(*kzscrape);
  const ProcessResult run = finish(*kzscrape, running);

  std::set<std::string> names;
  for (const auto& [name, value] : seen) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"HOME", "LANG", "LC_ALL", "PATH", "TZ"})) << dump(seen);
  EXPECT_TRUE(seen["HOME"].starts_with((dir_ / "kzscrape-chromium-").string())) << seen["HOME"];
  EXPECT_EQ(seen["PATH"], scrape_env.at("PATH"));
  EXPECT_FALSE(mentions(seen, kServiceKey));
  EXPECT_FALSE(mentions(seen, "api-key-for-kzscrape"));
  EXPECT_FALSE(mentions(scrape_env, kServiceKey));
  EXPECT_NE(run.exit_code, 0) << log();
}

}  // namespace
}  // namespace kz::test
