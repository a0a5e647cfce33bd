#include "common/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace kz {
namespace {

using namespace std::chrono_literals;
using End = ChildResult::End;

ChildResult sh(const std::string& script, ChildOptions options = {}) {
  return run_child({"/bin/sh", "-c", script}, options);
}

// True while `pid` is a process that is not a zombie.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && line.size() > paren + 2 && line[paren + 2] != 'Z';
}

// Gives a process killed a moment ago time to be reaped by whoever inherited it.
bool gone_soon(pid_t pid) {
  for (int i = 0; i < 100 && alive(pid); ++i) std::this_thread::sleep_for(10ms);
  return !alive(pid);
}

TEST(ChildProcess, CapturesStdoutExitCodeAndTheLastLineOfStderr) {
  const ChildResult r = sh("printf 'a\\nb'; echo first >&2; echo second >&2; echo >&2; exit 3");
  EXPECT_EQ(r.end, End::exited);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "a\nb");
  EXPECT_EQ(r.last_stderr_line, "second");
}

TEST(ChildProcess, TheChildGetsExactlyTheEnvironmentGiven) {
  ::setenv("KZ_CHILD_TEST_SECRET", "do-not-pass", 1);
  for (const std::vector<std::string>& environment :
       {std::vector<std::string>{}, std::vector<std::string>{"A=1"},
        std::vector<std::string>{"PATH=/nowhere", "HOME=/tmp/p", "TZ=Etc/GMT-5",
                                 "EMPTY=", "SPACED=two words", "LANG=C.UTF-8"}}) {
    ChildOptions options;
    options.environment = environment;
    const ChildResult r = run_child({"/usr/bin/env"}, options);
    ASSERT_EQ(r.code, 0);
    std::string expected;
    for (const std::string& entry : environment) expected += entry + "\n";
    EXPECT_EQ(r.out, expected);
  }
  // Without one, the child has this process's.
  const ChildResult inherited = run_child({"/usr/bin/env"}, {});
  EXPECT_NE(inherited.out.find("KZ_CHILD_TEST_SECRET=do-not-pass\n"), std::string::npos);
  ::unsetenv("KZ_CHILD_TEST_SECRET");
}

TEST(ChildProcess, ReportsASignalThatEndedTheChild) {
  const ChildResult r = sh("kill -SEGV $$");
  EXPECT_EQ(r.end, End::signaled);
  EXPECT_EQ(r.code, SIGSEGV);
}

TEST(ChildProcess, StdinIsEmpty) {
  ChildOptions options;
  options.timeout = 5s;
  const ChildResult r = sh("wc -c", options);
  EXPECT_EQ(r.end, End::exited);
  EXPECT_EQ(std::stoi(r.out), 0);
}

TEST(ChildProcess, TimeoutKillsTheWholeGroup) {
  ChildOptions options;
  options.timeout = 300ms;
  const ChildResult r = sh("sleep 30 & echo $!; wait", options);
  EXPECT_EQ(r.end, End::timed_out);
  EXPECT_LT(r.elapsed, 3s);
  const pid_t grandchild = std::stoi(r.out);
  EXPECT_TRUE(gone_soon(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST(ChildProcess, SigkillFollowsWhenSigtermIsIgnored) {
  ChildOptions options;
  options.timeout = 200ms;
  options.kill_grace = 300ms;
  // `trap '' TERM` makes the shell and its sleep ignore SIGTERM.
  const ChildResult r = sh("trap '' TERM; sleep 30 & echo $!; wait", options);
  EXPECT_EQ(r.end, End::timed_out);
  EXPECT_GE(r.elapsed, 450ms);  // the grace period was waited out
  EXPECT_LT(r.elapsed, 3s);
  EXPECT_TRUE(gone_soon(std::stoi(r.out)));
}

TEST(ChildProcess, ReturnsWhenTheLeaderExitsEvenIfADescendantHoldsStdout) {
  ChildOptions options;
  options.timeout = 10s;
  const ChildResult r = sh("sleep 30 & echo $!", options);
  EXPECT_EQ(r.end, End::exited);
  EXPECT_EQ(r.code, 0);
  EXPECT_LT(r.elapsed, 3s);
  EXPECT_TRUE(gone_soon(std::stoi(r.out))) << "the group is killed after a normal exit too";
}

TEST(ChildProcess, StopsAtTheOutputCap) {
  ChildOptions options;
  options.max_stdout_bytes = 100'000;
  const ChildResult r = sh("yes", options);
  EXPECT_EQ(r.end, End::output_too_large);
  EXPECT_EQ(r.out.size(), 100'000u);
  EXPECT_LT(r.elapsed, 5s);
}

TEST(ChildProcess, AMissingProgramThrows) {
  try {
    run_child({"/nonexistent/program"}, {});
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/program"), std::string::npos);
  }
}

int g_custom_handler_calls = 0;
extern "C" void custom_handler(int) {
  ++g_custom_handler_calls;
}

TEST(ChildProcess, SigtermToThisProcessKillsTheChildAndRestoresTheHandler) {
  struct sigaction custom {
  }, previous{};
  custom.sa_handler = custom_handler;
  sigaction(SIGTERM, &custom, &previous);
  const std::string token = "kz-child-" + std::to_string(::getpid());
  std::thread killer([&] {
    // The child is up once its command line shows; its handlers are installed by then.
    for (int i = 0; i < 500; ++i) {
      for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream in(entry.path() / "cmdline");
        std::stringstream text;
        text << in.rdbuf();
        if (text.str().find(token + " sleep") != std::string::npos) {
          ::kill(::getpid(), SIGTERM);
          return;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
  });
  ChildOptions options;
  options.timeout = 20s;
  const ChildResult r = sh(": " + token + " sleep; sleep 30", options);
  killer.join();
  EXPECT_EQ(r.end, End::interrupted);
  EXPECT_EQ(r.code, SIGTERM);
  EXPECT_LT(r.elapsed, 5s);
  EXPECT_EQ(g_custom_handler_calls, 0);
  struct sigaction now {};
  sigaction(SIGTERM, &previous, &now);
  EXPECT_EQ(now.sa_handler, custom_handler) << "the previous handler is back";
}

}  // namespace
}  // namespace kz
