#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/http.hpp"
#include "support/page_server.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;
using test::PageServer;
using test::Step;
using Clock = std::chrono::steady_clock;

// Answers every attempt with `status` (or a transport error when 0), optionally taking time.
class FakeTransport : public HttpTransport {
 public:
  explicit FakeTransport(long status, milliseconds cost = milliseconds(0))
      : status_(status), cost_(cost) {}
  HttpResult perform(const HttpRequest&, milliseconds timeout) override {
    timeouts.push_back(timeout);
    std::this_thread::sleep_for(std::min(cost_, timeout));
    HttpResult r;
    if (status_ == 0) {
      r.transport_error = "connection refused (fake)";
    } else {
      r.response = HttpResponse{status_, {}, ""};
    }
    return r;
  }
  std::vector<milliseconds> timeouts;

 private:
  long status_;
  milliseconds cost_;
};

HttpOptions options_with(int max_retries, milliseconds base, milliseconds max) {
  HttpOptions o;
  o.total_timeout = milliseconds(60'000);
  o.max_retries = max_retries;
  o.backoff_base = base;
  o.backoff_max = max;
  return o;
}

TEST(IsRetryableStatus, OnlyTransientStatuses) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (long s : {200L, 201L, 301L, 400L, 401L, 403L, 404L, 409L, 422L, 501L, 505L}) {
    EXPECT_FALSE(is_retryable_status(s)) << s;
  }
}

TEST(SendWithRetries, BackoffIsExponentialCappedAndJittered) {
  const auto options = options_with(4, milliseconds(100), milliseconds(250));
  const milliseconds bounds[] = {milliseconds(100), milliseconds(200), milliseconds(250),
                                 milliseconds(250)};
  std::vector<std::vector<milliseconds>> by_retry(4);
  for (int run = 0; run < 40; ++run) {
    FakeTransport transport(503);
    std::vector<milliseconds> sleeps;
    const auto r = send_with_retries(transport, HttpRequest{}, options,
                                     [&](milliseconds d) { sleeps.push_back(d); });
    ASSERT_EQ(r.attempts, 5);
    ASSERT_EQ(r.response->status, 503);
    ASSERT_EQ(sleeps.size(), 4u);
    for (std::size_t i = 0; i < sleeps.size(); ++i) by_retry[i].push_back(sleeps[i]);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    for (auto d : by_retry[i]) EXPECT_LE(d, bounds[i]) << "retry " << i;
  }
  // The window doubles: some second-retry delays exceed the first retry's bound, and the
  // delays are spread out rather than fixed.
  EXPECT_GT(*std::max_element(by_retry[1].begin(), by_retry[1].end()), milliseconds(100));
  EXPECT_GT(*std::max_element(by_retry[2].begin(), by_retry[2].end()), milliseconds(200));
  EXPECT_NE(*std::min_element(by_retry[2].begin(), by_retry[2].end()),
            *std::max_element(by_retry[2].begin(), by_retry[2].end()));
}

TEST(SendWithRetries, TotalTimeoutBoundsAttemptsAndEachAttemptGetsWhatIsLeft) {
  auto options = options_with(50, milliseconds(0), milliseconds(0));
  options.total_timeout = milliseconds(300);
  FakeTransport transport(0, milliseconds(100));
  const auto start = Clock::now();
  const auto r = send_with_retries(transport, HttpRequest{}, options, [](milliseconds) {});
  const auto elapsed = Clock::now() - start;
  EXPECT_FALSE(r.response);
  EXPECT_GE(r.attempts, 3);
  EXPECT_LE(r.attempts, 4);
  EXPECT_EQ(r.attempts, static_cast<int>(transport.timeouts.size()));
  EXPECT_LT(elapsed, milliseconds(1000));
  for (std::size_t i = 0; i < transport.timeouts.size(); ++i) {
    EXPECT_LE(transport.timeouts[i], milliseconds(300));
    if (i > 0) {
      EXPECT_LT(transport.timeouts[i], transport.timeouts[i - 1]);
    }
  }
}

TEST(PageServer, LastStepRepeatsAndStepsCanBeReplaced) {
  PageServer server;
  HttpOptions options;
  options.max_retries = 0;
  CurlTransport transport(options);
  const auto body = [&](const std::string& path) {
    auto r = transport.perform(HttpRequest{"GET", server.url(path), {}, ""}, milliseconds(2000));
    return r.response ? std::to_string(r.response->status) + " " + r.response->body : "error";
  };
  EXPECT_EQ(body("/p"), "404 no steps for /p\n");
  server.set("/p", {Step::ok("one"), Step::ok("two")});
  EXPECT_EQ(body("/p"), "200 one");
  EXPECT_EQ(body("/p"), "200 two");
  EXPECT_EQ(body("/p"), "200 two");
  server.set("/p", {Step::respond(500, "three")});
  EXPECT_EQ(body("/p"), "500 three");
  EXPECT_EQ(server.request_count("/p"), 5);
  EXPECT_EQ(server.request_count("/other"), 0);
  EXPECT_EQ(server.last_request()->path, "/p");
}

TEST(PageServer, DestructorInterruptsHangPromptly) {
  auto server = std::make_unique<PageServer>();
  server->set("/hang", {Step::hang(milliseconds(20'000))});
  HttpOptions options;
  CurlTransport transport(options);
  const std::string url = server->url("/hang");
  std::thread client([&] {
    transport.perform(HttpRequest{"GET", url, {}, ""}, milliseconds(5000));
  });
  while (server->request_count("/hang") == 0) std::this_thread::sleep_for(milliseconds(5));
  const auto start = Clock::now();
  server.reset();
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  client.join();
}

}  // namespace
}  // namespace kz
