// HEALTHCHECK_URL: the wrapper pings <url>/start after taking the lock and <url>/<exit code>
// at its end (healthchecks.io's convention), with stand-in stages and a recording server on
// 127.0.0.1. A failing ping (server down, slow, 500) never changes the code, logs one line
// per ping, and the link's secret path reaches neither the log nor any command line.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>

#include <future>
#include <regex>
#include <set>
#include <thread>

#include "integration/cron_health_server.hpp"
#include "integration/cron_stand_in.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

const std::string secret = "6b1f9c1e-2f5a-4c11-9a0e-5d0c6a9e7f31";

Settings with_health(const StandInRun& run, const std::string& url) {
  Settings settings = run.settings();
  StandInRun::set(settings, "HEALTHCHECK_URL", url);
  return settings;
}

// /proc/<pid>/cmdline, "" when the process is gone (read(2): it may end while being read).
std::string command_line(pid_t pid) {
  const int fd = ::open(("/proc/" + std::to_string(pid) + "/cmdline").c_str(), O_RDONLY);
  if (fd < 0) return "";
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CronHealth, ASuccessfulRunPingsStartThenZeroWithItsLog) {
  HealthServer server;
  const StandInRun run(stand_in_folder());
  run.stage("kzscrape", StageOutcome::exits_with(0), "kzscrape: warning: a line of its own\n");
  ASSERT_EQ(run.run(with_health(run, server.url(secret))).exit_code, 0) << run.log();
  const auto pings = server.pings();
  ASSERT_EQ(server.what(), (std::vector<std::string>{"start", "0"})) << run.log();
  EXPECT_EQ(pings[0].path, "/ping/" + secret + "/start");
  EXPECT_EQ(pings[0].method, "GET");
  EXPECT_EQ(pings[1].method, "POST");
  EXPECT_TRUE(std::regex_match(pings[0].rid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                                        "[0-9a-f]{4}-[0-9a-f]{12}")))
      << pings[0].rid;
  EXPECT_EQ(pings[1].rid, pings[0].rid) << "start and end pair up";
  // The body is the run's log: the stage's own line and the wrapper's.
  EXPECT_EQ(pings[1].body, run.log());
  EXPECT_NE(pings[1].body.find("kzscrape: warning: a line of its own"), std::string::npos);
  EXPECT_NE(pings[1].body.find("kzupload: ok"), std::string::npos);
  EXPECT_EQ(run.log().find(secret), std::string::npos) << run.log();
}

TEST(CronHealth, TheEndPingCarriesTheExitCodeOfEachBand) {
  HealthServer server;
  const std::vector<std::tuple<StageOutcome, StageOutcome, StageOutcome, int>> cases = {
      {StageOutcome::exits_with(3), StageOutcome::exits_with(0), StageOutcome::exits_with(0), 23},
      {StageOutcome::exits_with(0), StageOutcome::exits_with(0), StageOutcome::times_out(), 40},
      {StageOutcome::exits_with(0), StageOutcome::exits_with(13), StageOutcome::exits_with(0), 93},
      {StageOutcome::killed(), StageOutcome::exits_with(0), StageOutcome::exits_with(7), 107}};
  std::set<std::string> rids;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& [scrape, notify, upload, code] = cases[i];
    const StandInRun run(stand_in_folder("_" + std::to_string(i)));
    run.stage("kzscrape", scrape);
    run.stage("kznotify", notify);
    run.stage("kzupload", upload);
    const std::string check = secret + "-" + std::to_string(i);
    ASSERT_EQ(run.run(with_health(run, server.url(check))).exit_code, code) << run.log();
    std::vector<std::string> paths;
    for (const auto& ping : server.pings()) {
      if (ping.path.starts_with("/ping/" + check + "/")) paths.push_back(ping.path);
    }
    EXPECT_EQ(paths, (std::vector<std::string>{"/ping/" + check + "/start",
                                               "/ping/" + check + "/" + std::to_string(code)}))
        << run.log();
    for (const auto& ping : server.pings()) rids.insert(ping.rid);
  }
  EXPECT_EQ(rids.size(), cases.size()) << "each run has its own id";
}

TEST(CronHealth, ATrailingSlashOnTheLinkIsIgnored) {
  HealthServer server;
  const StandInRun run(stand_in_folder());
  ASSERT_EQ(run.run(with_health(run, server.url(secret) + "/")).exit_code, 0) << run.log();
  ASSERT_EQ(server.pings().size(), 2u);
  EXPECT_EQ(server.pings()[1].path, "/ping/" + secret + "/0");
}

TEST(CronHealth, SigtermPingsTheEndWith143) {
  HealthServer server;
  const StandInRun run(stand_in_folder());
  run.stage("kzscrape", StageOutcome::times_out());
  Settings settings = with_health(run, server.url(secret));
  StandInRun::set(settings, "SCRAPE_TIME_LIMIT", "50");
  auto result = std::async(std::launch::async, [&] { return run.run(settings); });
  // Once kzscrape runs (after the start ping), TERM the script.
  for (int i = 0; i < 1000 && !run.ran("kzscrape"); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(run.ran("kzscrape")) << run.log();
  const auto pids = processes_mentioning(run.env_file_path());
  ASSERT_EQ(pids.size(), 1u);
  ::kill(pids.front(), SIGTERM);
  EXPECT_EQ(result.get().exit_code, 143) << run.log();
  EXPECT_EQ(server.what(), (std::vector<std::string>{"start", "143"})) << run.log();
  EXPECT_FALSE(run.ran("kzupload"));
}

TEST(CronHealth, BadSettingsPingTwoAndNothingElse) {
  HealthServer server;
  const StandInRun run(stand_in_folder());
  Settings settings = with_health(run, server.url(secret));
  StandInRun::set(settings, "UPLOAD_TIME_LIMIT", "soon");
  EXPECT_EQ(run.run(settings).exit_code, 2) << run.log();
  ASSERT_EQ(server.what(), std::vector<std::string>{"2"}) << run.log();
  EXPECT_NE(server.pings()[0].body.find("UPLOAD_TIME_LIMIT must be a whole number"),
            std::string::npos);
  EXPECT_FALSE(run.ran("kzscrape"));
}

TEST(CronHealth, AnUnusableLinkIsBadSettingsWithoutAPing) {
  HealthServer server;
  for (const std::string& url :
       {server.url(secret) + "?x=1", server.url(secret) + " 2", "ftp://127.0.0.1/" + secret,
        server.url(secret) + "\"", "127.0.0.1:" + std::to_string(server.port())}) {
    const StandInRun run(stand_in_folder());
    EXPECT_EQ(run.run(with_health(run, url)).exit_code, 2) << url << run.log();
    EXPECT_NE(run.log().find("HEALTHCHECK_URL must be"), std::string::npos) << run.log();
    EXPECT_FALSE(run.ran("kzscrape"));
  }
  EXPECT_TRUE(server.pings().empty());
}

TEST(CronHealth, ARunThatFindsTheLockHeldPingsNothing) {
  HealthServer server;
  const StandInRun run(stand_in_folder());
  const int lock = ::open((run.dir() / "cache.db.lock").c_str(), O_CREAT | O_RDWR, 0600);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);
  EXPECT_EQ(run.run(with_health(run, server.url(secret))).exit_code, 75) << run.log();
  ::close(lock);
  EXPECT_TRUE(server.pings().empty()) << "the run holding the lock pings for both";
}

// A server that is down, too slow or answers 500: the code stays the stages', one line per
// failed ping naming the host, and the secret path is in no log line and on no command line
// (checked in /proc while the run goes, with curl seen running).
void expect_failed_pings_change_nothing(const std::string& url, const std::string& host) {
  const StandInRun run(stand_in_folder());
  run.stage("kzscrape", StageOutcome::exits_with(3));
  Settings settings = with_health(run, url);
  StandInRun::set(settings, "HEALTHCHECK_TIME_LIMIT", "2");
  auto result = std::async(std::launch::async, [&] { return run.run(settings); });
  bool saw_curl = false;
  while (result.wait_for(5ms) != std::future_status::ready) {
    for (const pid_t pid : processes_mentioning("")) {
      const std::string cmdline = command_line(pid);
      EXPECT_EQ(cmdline.find(secret), std::string::npos) << cmdline;
      if (cmdline.starts_with("curl") || cmdline.find("/curl") != std::string::npos) {
        saw_curl = true;
      }
    }
  }
  const ProcessResult done = result.get();
  EXPECT_EQ(done.exit_code, 23) << url << "\n" << run.log();
  const std::string log = run.log();
  EXPECT_EQ(count_of(log, "health ping failed: "), 2u) << log;
  EXPECT_NE(log.find("health ping failed: /start to " + host + ": "), std::string::npos) << log;
  EXPECT_NE(log.find("health ping failed: /23 to " + host + ": "), std::string::npos) << log;
  EXPECT_EQ(log.find(secret), std::string::npos) << log;
  EXPECT_TRUE(saw_curl) << "curl ran while /proc was read";
  // Two pings of at most 2 s (+1 s to kill curl) each, and quick stand-in stages.
  EXPECT_LT(done.elapsed, 20s);
}

TEST(CronHealth, AServerThatIsDownChangesNothing) {
  int port = 0;
  {
    HealthServer gone;
    port = gone.port();
  }
  const std::string host = "127.0.0.1:" + std::to_string(port);
  expect_failed_pings_change_nothing("http://" + host + "/ping/" + secret, host);
}

TEST(CronHealth, ASlowServerIsGivenUpAtTheLimit) {
  HealthServer slow(200, 6s);
  const std::string host = "127.0.0.1:" + std::to_string(slow.port());
  expect_failed_pings_change_nothing(slow.url(secret), host);
  EXPECT_FALSE(slow.pings().empty()) << "the pings reached the server";
}

TEST(CronHealth, AServerAnswering500ChangesNothing) {
  HealthServer failing(500);
  const std::string host = "127.0.0.1:" + std::to_string(failing.port());
  expect_failed_pings_change_nothing(failing.url(secret), host);
  EXPECT_GE(failing.pings().size(), 2u);
}

}  // namespace
}  // namespace kz::test
