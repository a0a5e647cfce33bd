// Issue 11: a kzscrape stopped by SIGTERM or SIGINT (by hand, or by the cron wrapper's time
// limit) records its failed run, then ends by that signal.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <regex>
#include <thread>

#include "integration/background_kzscrape.hpp"
#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Whether `signal` is pending for process `pid` (its ShdPnd mask in /proc).
bool signal_pending(pid_t pid, int signal) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("ShdPnd:")) {
      return (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1;
    }
  }
  return false;
}

std::string signal_name(int signal) {
  return signal == SIGTERM ? "SIGTERM" : "SIGINT";
}

class KzscrapeTerminate : public KzscrapeTest, public ::testing::WithParamInterface<int> {
 protected:
  std::filesystem::path err_file() const { return dir_ / "stderr.txt"; }
  // Runs kzscrape on /observer, signals it once the server saw `requests` requests, and
  // expects it to end by that signal soon after.
  void run_and_signal(int signal, std::vector<std::string> extra, int requests = 1) {
    std::vector<std::string> args = {"--url", server_.url("/observer"), "--db", db_, "--timeout",
                                     "60"};
    args.insert(args.end(), extra.begin(), extra.end());
    const int before = server_.request_count("/observer");
    Running scrape(args, err_file());
    ASSERT_TRUE(eventually([&] { return server_.request_count("/observer") >= before + requests; }))
        << scrape.err();
    std::this_thread::sleep_for(200ms);  // into the wait that follows the request
    scrape.signal(signal);
    const int status = scrape.wait(20s);
    err_ = scrape.err();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << describe(status) << err_;
    EXPECT_LT(scrape.after_signal(), 5s) << err_;
  }
  std::string last_error() { return text("SELECT error FROM scrape_run ORDER BY id DESC LIMIT 1"); }

  std::string err_;
};

TEST_P(KzscrapeTerminate, MidFetchTheRunIsRecordedThenItEndsByTheSignal) {
  const int signal = GetParam();
  server_.set("/observer", {Step::hang(25s)});
  run_and_signal(signal, {"--retries", "2"});
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND exit_code = 3"), 1);
  EXPECT_NE(last_error().find("terminated by " + signal_name(signal)), std::string::npos)
      << last_error();
  EXPECT_EQ(err_.rfind("kzscrape: error: "), 0u) << "one error line: " << err_;
  EXPECT_EQ(err_.find('\n'), err_.size() - 1) << "one error line: " << err_;
  EXPECT_NE(err_.find("terminated by " + signal_name(signal)), std::string::npos) << err_;
  EXPECT_EQ(server_.request_count("/observer"), 1) << "no retry after the signal";
}

TEST_P(KzscrapeTerminate, DuringTheRetryBackoffTheRunIsRecorded) {
  const int signal = GetParam();
  // The server asks for 30 s before the next attempt: the signal comes during that wait.
  server_.set("/observer", {Step::respond(503, "", {{"Retry-After", "30"}})});
  run_and_signal(signal, {"--retries", "3", "--timeout", "120"});
  EXPECT_EQ(server_.request_count("/observer"), 1);
  EXPECT_NE(last_error().find("terminated by " + signal_name(signal)), std::string::npos)
      << last_error();
}

TEST_P(KzscrapeTerminate, MoreSignalsDuringTheWriteDoNotStopIt) {
  const int signal = GetParam();
  server_.set("/observer", {Step::hang(25s)});
  const int other = signal == SIGTERM ? SIGINT : SIGTERM;
  Running scrape({"--url", server_.url("/observer"), "--db", db_}, err_file());
  ASSERT_TRUE(eventually([&] { return server_.request_count("/observer") == 1; }));
  scrape.signal(signal);
  // Once that one is delivered (a later one must not race it), a burst of both signals for half
  // a second covers the final write. A signal leaves the pending set a moment before its handler
  // runs, and the kernel hands out SIGINT before SIGTERM, so the burst repeats the first signal
  // for 100 ms before it mixes in the other.
  ASSERT_TRUE(eventually([&] { return !signal_pending(scrape.pid(), signal); }));
  for (int i = 0; i < 50 && ::kill(scrape.pid(), i < 10 || i % 2 ? signal : other) == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  const int status = scrape.wait(20s);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal)
      << describe(status) << scrape.err();
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 1);
  EXPECT_NE(last_error().find("terminated by " + signal_name(signal)), std::string::npos);
}

// The default of --failed-runs, as kzscrape --help shows it.
int default_failed_runs() {
  const auto help = run_process({KZSCRAPE_PATH, "--help"});
  std::smatch match;
  const std::regex option(R"(--failed-runs INT=(\d+))");
  if (!std::regex_search(help.out, match, option)) return -1;
  return std::stoi(match[1]);
}

TEST_P(KzscrapeTerminate, RunsKilledInARowOpenScrapeFailedAtTheDefaultThreshold) {
  const int threshold = default_failed_runs();
  ASSERT_GT(threshold, 0) << "--failed-runs default not found in --help";
  server_.set("/observer", {Step::hang(25s)});
  for (int run = 1; run <= threshold + 1; ++run) {
    run_and_signal(GetParam(), {"--retries", "0"});
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), run);
    EXPECT_EQ(count("SELECT count(*) FROM v_open_alerts WHERE alert_type = 'scrape_failed'"),
              run >= threshold ? 1 : 0)
        << "after run " << run << " of a threshold of " << threshold;
  }
  EXPECT_NE(text("SELECT message FROM v_open_alerts WHERE alert_type = 'scrape_failed'")
                .find("terminated by " + signal_name(GetParam())),
            std::string::npos);
}

TEST_P(KzscrapeTerminate, EveryPoolOfAFleetGetsItsRecord) {
  const int signal = GetParam();
  std::string json = "{\"pools\": [\n";
  for (int i = 0; i < 3; ++i) {
    server_.set("/pool/" + std::to_string(i), {Step::hang(25s)});
    json += std::string(i ? ",\n" : "") + "{\"account_name\": \"KZPool_" + std::to_string(i) +
            "\", \"observer_url\": \"" + server_.url("/pool/" + std::to_string(i)) + "\"}";
  }
  const auto config = dir_ / "pools.json";
  std::ofstream(config) << json << "\n]}\n";
  Running scrape({"--config", config.string(), "--db", db_, "--concurrency", "1"}, err_file());
  ASSERT_TRUE(eventually([&] { return server_.request_count("/pool/0") == 1; })) << scrape.err();
  std::this_thread::sleep_for(200ms);
  scrape.signal(signal);
  const int status = scrape.wait(20s);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal)
      << describe(status) << scrape.err();
  const std::string name = signal_name(signal);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 3) << scrape.err();
  for (int i = 0; i < 3; ++i) {
    const std::string error = text(
        "SELECT r.error FROM scrape_run r JOIN pool p ON p.id = r.pool_id"
        " WHERE p.account_name = 'KZPool_" +
        std::to_string(i) + "'");
    EXPECT_NE(error.find("terminated by " + name), std::string::npos) << error;
    EXPECT_EQ(error.find("before it started") != std::string::npos, i > 0) << error;
  }
  EXPECT_EQ(server_.request_count("/pool/1") + server_.request_count("/pool/2"), 0)
      << "pools not yet started do not start";
  EXPECT_NE(scrape.err().find("3 of 3 pools failed"), std::string::npos) << scrape.err();
}

INSTANTIATE_TEST_SUITE_P(Signals, KzscrapeTerminate, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& test) { return signal_name(test.param).substr(3); });

}  // namespace
}  // namespace kz::test
