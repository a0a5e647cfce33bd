#include "common/http.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/page_server.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;
using test::PageServer;
using test::Step;
using Clock = std::chrono::steady_clock;

struct RecordingSleeper {
  std::vector<milliseconds> sleeps;
  Sleeper fn() {
    return [this](milliseconds d) { sleeps.push_back(d); };
  }
};

HttpOptions fast_options() {
  HttpOptions o;
  o.connect_timeout = milliseconds(1000);
  o.total_timeout = milliseconds(5000);
  o.max_retries = 3;
  o.backoff_base = milliseconds(10);
  o.backoff_max = milliseconds(40);
  return o;
}

HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

// A port on 127.0.0.1 that nothing listens on any more.
int closed_port() {
  PageServer server;
  return server.port();
}

class HttpTest : public ::testing::Test {
 protected:
  HttpResult send(const std::string& path, const HttpOptions& options) {
    CurlTransport transport(options);
    return send_with_retries(transport, get(server_.url(path)), options, sleeper_.fn());
  }

  PageServer server_;
  RecordingSleeper sleeper_;
};

TEST_F(HttpTest, OkReturnsBodyAndHeaders) {
  server_.set("/a", {Step::ok("<html>hi</html>")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "<html>hi</html>");
  EXPECT_EQ(r.response->header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(HttpTest, ServiceUnavailableTwiceThenOk) {
  server_.set("/a", {Step::respond(503), Step::respond(503), Step::ok("done")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "done");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server_.request_count("/a"), 3);
  EXPECT_EQ(sleeper_.sleeps.size(), 2u);
}

TEST_F(HttpTest, NotFoundIsNotRetried) {
  server_.set("/a", {Step::respond(404, "gone"), Step::ok("unexpected")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 404);
  EXPECT_EQ(r.response->body, "gone");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server_.request_count("/a"), 1);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(HttpTest, BadRequestIsNotRetried) {
  server_.set("/a", {Step::respond(400), Step::ok("unexpected")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 400);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server_.request_count("/a"), 1);
}

TEST_F(HttpTest, RetriesStopAtMaxRetriesAndReturnLastStatus) {
  server_.set("/a", {Step::respond(502)});
  auto options = fast_options();
  options.max_retries = 2;
  const auto r = send("/a", options);
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 502);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server_.request_count("/a"), 3);
}

TEST_F(HttpTest, RetryAfterSecondsIsHonoured) {
  server_.set("/a", {Step::respond(429, "", {{"Retry-After", "1"}}), Step::ok("ok")});
  const auto r = send("/a", fast_options());  // backoff_max is 40 ms: 1000 ms is Retry-After
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.attempts, 2);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_EQ(sleeper_.sleeps[0], milliseconds(1000));
}

TEST_F(HttpTest, RetryAfterHttpDateIsHonoured) {
  const std::time_t when = std::time(nullptr) + 3;
  char date[64];
  std::tm tm{};
  gmtime_r(&when, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  server_.set("/a", {Step::respond(503, "", {{"Retry-After", date}}), Step::ok("ok")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  ASSERT_EQ(sleeper_.sleeps.size(), 1u);
  EXPECT_GE(sleeper_.sleeps[0], milliseconds(1000));
  EXPECT_LE(sleeper_.sleeps[0], milliseconds(3000));
}

TEST_F(HttpTest, RetryAfterBeyondDeadlineStopsRetrying) {
  server_.set("/a", {Step::respond(429, "slow down", {{"Retry-After", "120"}}), Step::ok("ok")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 429);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(HttpTest, HangBeyondTotalTimeoutIsTransportError) {
  server_.set("/a", {Step::hang(milliseconds(10'000))});
  auto options = fast_options();
  options.total_timeout = milliseconds(500);
  const auto start = Clock::now();
  const auto r = send("/a", options);
  const auto elapsed = Clock::now() - start;
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("timed out"), std::string::npos) << r.transport_error;
  EXPECT_GE(elapsed, milliseconds(450));
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST_F(HttpTest, BodyOverCapIsTransportError) {
  server_.set("/a", {Step::ok(std::string(5000, 'x'))});
  auto options = fast_options();
  options.max_retries = 0;
  options.max_body_bytes = 1000;
  const auto r = send("/a", options);
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("exceeds 1000 bytes"), std::string::npos) << r.transport_error;
}

TEST_F(HttpTest, DecodedGzipBodyOverCapIsTransportError) {
  // Compressed it is tiny, so only the write callback can catch it.
  server_.set("/a", {Step::gzip(std::string(50'000, 'x'))});
  auto options = fast_options();
  options.max_retries = 0;
  options.max_body_bytes = 1000;
  const auto r = send("/a", options);
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("exceeds 1000 bytes"), std::string::npos) << r.transport_error;
}

TEST_F(HttpTest, TruncatedBodyIsTransportError) {
  server_.set("/a", {Step::truncated("partial", 1000)});
  auto options = fast_options();
  options.max_retries = 1;
  const auto r = send("/a", options);
  EXPECT_FALSE(r.response);
  EXPECT_FALSE(r.transport_error.empty());
  EXPECT_EQ(r.attempts, 2);  // transport errors are retried
  EXPECT_EQ(server_.request_count("/a"), 2);
}

TEST_F(HttpTest, GzipBodyIsDecoded) {
  const std::string page = "<html>" + std::string(2000, 'k') + "</html>";
  server_.set("/a", {Step::gzip(page)});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->header("content-encoding"), "gzip");
  EXPECT_EQ(r.response->body, page);
}

TEST_F(HttpTest, RedirectIsFollowed) {
  server_.set("/a", {Step::redirect("/b")});
  server_.set("/b", {Step::ok("at b")});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "at b");
  EXPECT_FALSE(r.response->header("location"));  // headers of the final response only
  EXPECT_EQ(server_.request_count("/b"), 1);
}

TEST_F(HttpTest, RedirectLoopStopsAtMaxRedirects) {
  server_.set("/loop", {Step::redirect("/loop", 301)});
  auto options = fast_options();
  options.max_retries = 0;
  options.max_redirects = 3;
  const auto r = send("/loop", options);
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("too many redirects"), std::string::npos) << r.transport_error;
  EXPECT_EQ(server_.request_count("/loop"), 4);  // the request and 3 redirects
}

TEST_F(HttpTest, RequestCarriesUserAgentEncodingMethodHeadersAndBody) {
  server_.set("/rpc", {Step::respond(201, "[]")});
  auto options = fast_options();
  options.user_agent = "kzpool-test/9";
  CurlTransport transport(options);
  HttpRequest request{
      "POST", server_.url("/rpc?on_conflict=id"), {{"X-Kind", "snapshot"}}, R"({"a":1})"};
  const auto r = send_with_retries(transport, request, options, sleeper_.fn());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 201);
  const auto seen = server_.last_request("/rpc");
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->target, "/rpc?on_conflict=id");
  EXPECT_EQ(seen->body, R"({"a":1})");
  EXPECT_EQ(seen->header("x-kind"), "snapshot");
  EXPECT_EQ(seen->header("user-agent"), "kzpool-test/9");
  EXPECT_NE(seen->header("accept-encoding").value_or("").find("gzip"), std::string::npos);
}

TEST(HttpNoServer, ConnectionRefusedIsRetriedWithGrowingCappedBackoff) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  auto options = fast_options();
  options.max_retries = 3;
  CurlTransport transport(options);
  RecordingSleeper sleeper;
  const auto r = send_with_retries(transport, get(url), options, sleeper.fn());
  EXPECT_FALSE(r.response);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_NE(r.transport_error.find("connection refused"), std::string::npos) << r.transport_error;
  EXPECT_NE(r.transport_error.find(url), std::string::npos) << r.transport_error;
  EXPECT_EQ(r.transport_error.find('\n'), std::string::npos);
  ASSERT_EQ(sleeper.sleeps.size(), 3u);
  EXPECT_LE(sleeper.sleeps[0], milliseconds(10));
  EXPECT_LE(sleeper.sleeps[1], milliseconds(20));
  EXPECT_LE(sleeper.sleeps[2], milliseconds(40));
}

TEST(HttpNoServer, SecretHeaderValuesNeverReachTransportError) {
  const std::string secret = "sk-secret-0123456789";
  const std::string base = "http://127.0.0.1:" + std::to_string(closed_port());
  auto options = fast_options();
  options.max_retries = 0;
  CurlTransport transport(options);
  RecordingSleeper sleeper;
  for (const std::string& url : {base + "/rest/v1/t", base + "/" + secret + "?apikey=" + secret}) {
    HttpRequest request{
        "POST", url, {{"apikey", secret}, {"Authorization", "Bearer " + secret}}, "{}"};
    const auto r = send_with_retries(transport, request, options, sleeper.fn());
    ASSERT_FALSE(r.response);
    EXPECT_FALSE(r.transport_error.empty());
    EXPECT_EQ(r.transport_error.find(secret), std::string::npos) << r.transport_error;
  }
}

TEST(HttpFile, FileUrlIsReadWithStatus200) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("kz_http_test_" + std::to_string(::getpid()) + ".html");
  std::ofstream(path) << "<html>file</html>";
  CurlTransport transport(fast_options());
  const auto r = transport.perform(get("file://" + path.string()), milliseconds(1000));
  std::filesystem::remove(path);
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "<html>file</html>");
}

TEST(HttpFile, MissingFileIsTransportError) {
  CurlTransport transport(fast_options());
  const auto r = transport.perform(get("file:///nonexistent/kz/observer.html"), milliseconds(1000));
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("cannot read file"), std::string::npos) << r.transport_error;
  EXPECT_NE(r.transport_error.find("/nonexistent/kz/observer.html"), std::string::npos);
}

// Page-like text that does not compress to almost nothing, so cuts fall inside real data.
std::string varied_page(std::size_t rows) {
  std::string page = "<html><body><table>";
  uint32_t x = 12345;
  for (std::size_t i = 0; i < rows; ++i) {
    x = x * 1103515245u + 12345u;
    page += "<tr><td>w" + std::to_string(i) + "</td><td>" + std::to_string(x % 100000) +
            ".123 TH/s</td></tr>\n";
  }
  return page + "</table></body></html>";
}

TEST_F(HttpTest, DeflateAndChunkedBodiesAreDecoded) {
  const std::string page = varied_page(300);
  for (const Step& step : {Step::deflate(page), Step::chunked(page), Step::gzip(page)}) {
    server_.set("/a", {step});
    const auto r = send("/a", fast_options());
    ASSERT_TRUE(r.response) << r.transport_error;
    EXPECT_EQ(r.response->body, page);
  }
}

TEST_F(HttpTest, EveryKindOfCutBodyIsRetriedAsTheBodyEndingEarly) {
  const std::string page = varied_page(300);
  const std::vector<std::pair<std::string, Step>> cuts = {
      {"Content-Length short", Step::truncated(page.substr(0, page.size() / 2), page.size())},
      {"gzip cut at 60%", Step::gzip(page).cut(0.6)},
      {"gzip cut at 99%", Step::gzip(page).cut(0.99)},
      {"gzip cut at 5%", Step::gzip(page).cut(0.05)},
      {"deflate cut at 60%", Step::deflate(page).cut(0.6)},
      {"deflate cut at 99%", Step::deflate(page).cut(0.99)},
      {"chunked cut at 40%", Step::chunked(page).cut(0.4)},
  };
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const auto& [what, step] = cuts[i];
    const std::string path = "/cut" + std::to_string(i);
    server_.set(path, {step});
    auto options = fast_options();
    options.max_retries = 2;
    const auto r = send(path, options);
    EXPECT_FALSE(r.response) << what << ": a partial body was returned";
    EXPECT_NE(r.transport_error.find("the body ended early: "), std::string::npos)
        << what << ": " << r.transport_error;
    EXPECT_EQ(r.attempts, 3) << what;
    EXPECT_EQ(server_.request_count(path), 3) << what;
  }
}

TEST_F(HttpTest, ACutBodyFollowedByAWholeOneSucceeds) {
  const std::string page = varied_page(200);
  server_.set("/a", {Step::gzip(page).cut(0.6), Step::deflate(page).cut(0.3), Step::gzip(page)});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->body, page);
  EXPECT_EQ(r.attempts, 3);
}

TEST_F(HttpTest, AnEmptyCompressedBodyIsWhole) {
  server_.set("/a", {Step::respond(204, "", {{"Content-Encoding", "gzip"}})});
  const auto r = send("/a", fast_options());
  ASSERT_TRUE(r.response) << r.transport_error;
  EXPECT_EQ(r.response->status, 204);
  EXPECT_EQ(r.response->body, "");
}

TEST_F(HttpTest, AnUnknownContentEncodingIsATransportError) {
  server_.set("/a", {Step::respond(200, "abc", {{"Content-Encoding", "br"}})});
  auto options = fast_options();
  options.max_retries = 0;
  const auto r = send("/a", options);
  EXPECT_FALSE(r.response);
  EXPECT_NE(r.transport_error.find("unsupported Content-Encoding \"br\""), std::string::npos)
      << r.transport_error;
}

}  // namespace
}  // namespace kz
