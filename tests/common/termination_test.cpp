#include "common/termination.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/child_process.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "support/page_server.hpp"

namespace kz {
namespace {

using namespace std::chrono_literals;

// A signal sent to this process is handled by some thread soon after: wait for it (bounded).
bool caught(int signal) {
  for (int i = 0; i < 500 && termination_signal() != signal; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  return termination_signal() == signal;
}

// Sends `signal` to this process from another thread once `ready` holds (checked for 20 s).
std::jthread signal_when(int signal, std::function<bool()> ready) {
  return std::jthread([signal, ready = std::move(ready)] {
    for (int i = 0; i < 2000 && !ready(); ++i) std::this_thread::sleep_for(10ms);
    ::kill(::getpid(), signal);
  });
}

int g_previous_handler_calls = 0;
extern "C" void previous_handler(int) {
  ++g_previous_handler_calls;
}

TEST(Termination, TheFirstSignalIsKeptAndTheScopeRestoresThePreviousHandler) {
  for (const auto& [first, second] : {std::pair{SIGTERM, SIGINT}, std::pair{SIGINT, SIGTERM}}) {
    struct sigaction custom {
    }, previous{};
    custom.sa_handler = previous_handler;
    sigaction(first, &custom, &previous);
    {
      TerminationScope scope;
      EXPECT_EQ(termination_signal(), 0);
      ::kill(::getpid(), first);
      ASSERT_TRUE(caught(first));
      ::kill(::getpid(), second);
      std::this_thread::sleep_for(50ms);
      EXPECT_EQ(termination_signal(), first) << "a second signal changes nothing";
      EXPECT_EQ(scope.end(), first);
      EXPECT_EQ(termination_signal(), 0) << "the scope's signal is forgotten with it";
    }
    struct sigaction now {};
    sigaction(first, &previous, &now);
    EXPECT_EQ(now.sa_handler, previous_handler) << "the previous handler is back";
    EXPECT_EQ(g_previous_handler_calls, 0);
  }
}

TEST(Termination, TheErrorNamesTheSignal) {
  EXPECT_EQ(terminated_by(SIGTERM), "terminated by SIGTERM");
  EXPECT_EQ(terminated_by(SIGINT), "terminated by SIGINT");
  EXPECT_EQ(terminated_by(SIGHUP), "terminated by SIGHUP");
}

TEST(Termination, TheSleeperSleepsUntilASignalThenThrows) {
  const auto sleep = terminable_sleeper();
  for (int signal : {SIGTERM, SIGINT}) {
    TerminationScope scope;
    sleep(1ms);
    EXPECT_NO_THROW(throw_if_terminated());
    const auto start = std::chrono::steady_clock::now();
    auto killer = signal_when(signal, [&] { return std::chrono::steady_clock::now() > start; });
    try {
      sleep(10min);
      FAIL() << "the sleep was not cut short";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::fetch_failed);
      EXPECT_EQ(std::string(e.what()), terminated_by(signal));
    }
    killer.join();
    // Once a signal came, every sleep, however short, throws at once.
    for (std::chrono::milliseconds duration : {0ms, 1ms, 3600000ms})
      EXPECT_THROW(sleep(duration), Error);
    TerminationScope inner;  // does nothing: the outer scope owns the handlers
    EXPECT_EQ(inner.end(), signal);
    EXPECT_EQ(termination_signal(), signal);
  }
}

TEST(Termination, ATransferThatTheServerHoldsIsAbortedWithTheSignalsName) {
  test::PageServer server;
  server.set("/held", {test::Step::hang(25s)});
  HttpOptions options;
  options.total_timeout = 60s;
  options.max_retries = 3;
  CurlTransport transport(options);
  HttpRequest request;
  request.url = server.url("/held");
  for (int signal : {SIGTERM, SIGINT}) {
    TerminationScope scope;
    const int before = server.request_count("/held");
    auto killer = signal_when(signal, [&] { return server.request_count("/held") > before; });
    const HttpResult result = transport.perform(request, 60s);
    killer.join();
    ASSERT_FALSE(result.response);
    EXPECT_EQ(result.transport_error, terminated_by(signal) + " (" + request.url + ")");
    // Through the retries: no further attempt and no wait, the same error for the caller.
    const HttpResult retried = send_with_retries(transport, request, options, terminable_sleeper());
    EXPECT_FALSE(retried.response);
    EXPECT_EQ(retried.attempts, 1);
    EXPECT_EQ(retried.transport_error.find(terminated_by(signal)), 0u) << retried.transport_error;
    EXPECT_EQ(server.request_count("/held"), before + 1);
  }
}

TEST(Termination, AChildIsNotStartedOnceASignalCame) {
  const auto marker =
      std::filesystem::temp_directory_path() / ("kz_termination_" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  TerminationScope scope;
  ::kill(::getpid(), SIGINT);
  ASSERT_TRUE(caught(SIGINT));
  const ChildResult result = run_child({"/bin/sh", "-c", "touch " + marker.string()}, {});
  EXPECT_EQ(result.end, ChildResult::End::interrupted);
  EXPECT_EQ(result.code, SIGINT);
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(termination_signal(), SIGINT) << "run_child's scope did not own the handlers";
}

}  // namespace
}  // namespace kz
