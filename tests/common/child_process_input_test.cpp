#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <string>

#include "common/child_process.hpp"

// ChildOptions::input: the child's stdin as a pipe fed inside run_child's poll loop.
namespace kz {
namespace {

using namespace std::chrono_literals;
using End = ChildResult::End;

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string text(size, '\0');
  for (char& c : text) c = static_cast<char>(byte(random));
  return text;
}

ChildOptions with_input(std::string input) {
  ChildOptions options;
  options.input = std::move(input);
  options.timeout = 60s;
  return options;
}

bool sigpipe_pending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGPIPE) == 1;
}

TEST(ChildProcessInput, CatEchoesInputsOfEverySizeAroundThePipeBuffer) {
  unsigned seed = 1;
  for (std::size_t size :
       {std::size_t{1}, std::size_t{4095}, std::size_t{65535}, std::size_t{65536},
        std::size_t{65537}, std::size_t{200'000}, std::size_t{3 * 1024 * 1024 + 7}}) {
    const std::string input = random_bytes(size, seed++);
    const ChildResult r = run_child({"/bin/cat"}, with_input(input));
    ASSERT_EQ(r.end, End::exited) << size;
    EXPECT_EQ(r.code, 0) << size;
    ASSERT_EQ(r.out.size(), input.size()) << size;
    EXPECT_TRUE(r.out == input) << size;
  }
}

TEST(ChildProcessInput, AChildThatNeverReadsEndsNormallyWithoutSigpipeHere) {
  const std::string input = random_bytes(2 * 1024 * 1024, 7);
  // Exits at once; exits after a while with the pipe full; reads a little and then exits.
  for (const std::string& script : {std::string("exit 4"), std::string("sleep 0.3; exit 4"),
                                    std::string("head -c 10 >/dev/null; exit 4"),
                                    std::string("exec 0<&-; sleep 0.2; exit 4")}) {
    const ChildResult r = run_child({"/bin/sh", "-c", script}, with_input(input));
    EXPECT_EQ(r.end, End::exited) << script;
    EXPECT_EQ(r.code, 4) << script;
    EXPECT_FALSE(sigpipe_pending()) << script;
  }
}

TEST(ChildProcessInput, AChildThatNeitherReadsNorExitsTimesOut) {
  ChildOptions options = with_input(random_bytes(1024 * 1024, 3));
  options.timeout = 300ms;
  options.kill_grace = 100ms;
  const ChildResult r = run_child({"/bin/sleep", "30"}, options);
  EXPECT_EQ(r.end, End::timed_out);
}

TEST(ChildProcessInput, EmptyInputIsAPipeAtEndOfFile) {
  const ChildResult r = run_child(
      {"/bin/sh", "-c", "if [ -p /dev/stdin ]; then echo pipe; fi; wc -c"}, with_input(""));
  EXPECT_EQ(r.end, End::exited);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "pipe\n0\n");
}

TEST(ChildProcessInput, WithoutInputStdinStaysDevNull) {
  const ChildResult r =
      run_child({"/bin/sh", "-c", "if [ -c /dev/stdin ]; then echo char; fi; wc -c"}, {});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "char\n0\n");
}

TEST(ChildProcessInput, StdoutAndStderrAreStillCapturedWhileFeeding) {
  const std::string input = random_bytes(500'000, 11);
  const ChildResult r =
      run_child({"/bin/sh", "-c", "cat; echo done >&2; exit 2"}, with_input(input));
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out == input);
  EXPECT_EQ(r.last_stderr_line, "done");
}

}  // namespace
}  // namespace kz
