// CurlTransport and redirects, against two real servers on 127.0.0.1 (two origins): writes
// never follow, a request with credentials follows only within its origin, one without follows
// anywhere (issue 10, items 1 and 2).

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/http.hpp"
#include "common/http_redirects.hpp"
#include "support/page_server.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;
using test::PageServer;
using test::Step;

const std::string kSecret = "sb-secret-0c5e1a7f93";

enum class Credential { none, apikey, x_api_key, authorization, userinfo };
enum class Target { same_relative, same_absolute, other };

struct Case {
  int status = 302;
  std::string method;
  Target target = Target::other;
  Credential credential = Credential::none;
};

std::string name_of(Credential c) {
  switch (c) {
    case Credential::none:
      return "NoCredential";
    case Credential::apikey:
      return "Apikey";
    case Credential::x_api_key:
      return "XApiKey";
    case Credential::authorization:
      return "Authorization";
    case Credential::userinfo:
      return "Userinfo";
  }
  return "";
}

std::string name_of(Target t) {
  switch (t) {
    case Target::same_relative:
      return "SameOriginRelative";
    case Target::same_absolute:
      return "SameOriginAbsolute";
    case Target::other:
      return "OtherOrigin";
  }
  return "";
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (int status : {301, 302, 303, 307, 308}) {
    for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
      for (Target target : {Target::same_relative, Target::same_absolute, Target::other}) {
        for (Credential credential : {Credential::none, Credential::apikey, Credential::x_api_key,
                                      Credential::authorization, Credential::userinfo}) {
          cases.push_back({status, method, target, credential});
        }
      }
    }
  }
  return cases;
}

HttpOptions test_options() {
  HttpOptions o;
  o.connect_timeout = milliseconds(2000);
  o.total_timeout = milliseconds(10'000);
  o.max_retries = 0;
  return o;
}

// The header the credential travels in, as the receiving server records it.
std::string credential_header(Credential c) {
  switch (c) {
    case Credential::apikey:
      return "apikey";
    case Credential::x_api_key:
      return "x-api-key";
    case Credential::authorization:
    case Credential::userinfo:
      return "authorization";
    case Credential::none:
      break;
  }
  return "";
}

class HttpRedirect : public ::testing::TestWithParam<Case> {
 protected:
  PageServer origin_;
  PageServer other_;
};

TEST_P(HttpRedirect, FollowsOnlyReadsAndKeepsCredentialsInTheirOrigin) {
  const Case& c = GetParam();
  const bool reads = c.method == "GET" || c.method == "HEAD";
  const bool followed = reads && (c.credential == Credential::none || c.target != Target::other);

  PageServer& target_server = c.target == Target::other ? other_ : origin_;
  const std::string target_url = target_server.url("/target");
  std::string location = target_url;
  if (c.target == Target::same_relative) location = "/target";
  if (c.target == Target::same_absolute)
    location = "HTTP://127.0.0.1:" + std::to_string(origin_.port()) + "/target";
  origin_.set("/start", {Step::redirect(location, c.status)});
  target_server.set("/target", {Step::ok("at target")});

  HttpRequest request;
  request.method = c.method;
  request.url = origin_.url("/start");
  request.headers = {{"Accept", "application/json"}};
  if (c.method == "POST" || c.method == "PUT" || c.method == "PATCH") request.body = R"([{"a":1}])";
  switch (c.credential) {
    case Credential::apikey:
      request.headers.emplace_back("apikey", kSecret);
      break;
    case Credential::x_api_key:
      request.headers.emplace_back("X-API-KEY", kSecret);
      break;
    case Credential::authorization:
      request.headers.emplace_back("Authorization", "Bearer " + kSecret);
      break;
    case Credential::userinfo:
      request.url =
          "http://kz:" + kSecret + "@127.0.0.1:" + std::to_string(origin_.port()) + "/start";
      break;
    case Credential::none:
      break;
  }

  CurlTransport transport(test_options());
  const HttpResult result = transport.perform(request, milliseconds(10'000));
  ASSERT_TRUE(result.response) << result.transport_error;
  const HttpResponse& response = *result.response;
  ASSERT_EQ(origin_.request_count("/start"), 1);
  EXPECT_EQ(origin_.last_request("/start")->method, c.method);

  if (followed) {
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, c.method == "HEAD" ? "" : "at target");
    EXPECT_FALSE(response.redirect_url);
    ASSERT_EQ(target_server.request_count("/target"), 1);
    const auto seen = target_server.last_request("/target");
    EXPECT_EQ(seen->method, c.method);  // 301, 302 and 303 do not turn a read into anything else
    EXPECT_EQ(seen->header("accept"), "application/json");
    if (c.target == Target::other) {
      for (const char* secret : {"apikey", "x-api-key", "authorization", "cookie"}) {
        EXPECT_FALSE(seen->header(secret)) << secret;
      }
    } else if (c.credential != Credential::none && c.credential != Credential::userinfo) {
      const auto sent = seen->header(credential_header(c.credential));
      ASSERT_TRUE(sent) << "the same origin gets the credential";
    }
  } else {
    EXPECT_EQ(response.status, c.status);
    EXPECT_TRUE(response.header("location"));
    ASSERT_TRUE(response.redirect_url);
    EXPECT_TRUE(same_origin(*response.redirect_url, target_url)) << *response.redirect_url;
    EXPECT_TRUE(response.redirect_url->ends_with("/target")) << *response.redirect_url;
    EXPECT_EQ(target_server.request_count("/target"), 0);
    if (c.target == Target::other) {
      EXPECT_FALSE(other_.last_request()) << "nothing sent there";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(StatusMethodTargetCredential, HttpRedirect,
                         ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           const Case& c = param_info.param;
                           return std::to_string(c.status) + c.method + name_of(c.target) +
                                  name_of(c.credential);
                         });

// follow_redirects = false: no redirect is followed, whatever the method, target or headers.
TEST(HttpRedirectOff, EveryRedirectComesBack) {
  PageServer origin;
  PageServer other;
  for (int status : {301, 302, 303, 307, 308}) {
    for (bool same : {true, false}) {
      SCOPED_TRACE(std::to_string(status) + (same ? " same origin" : " other origin"));
      const std::string path = "/t" + std::to_string(status);
      PageServer& target = same ? origin : other;
      origin.set("/start", {Step::redirect(target.url(path), status)});
      target.set(path, {Step::ok("at target")});
      HttpRequest request;
      request.url = origin.url("/start");
      request.follow_redirects = false;
      CurlTransport transport(test_options());
      const auto result = transport.perform(request, milliseconds(10'000));
      ASSERT_TRUE(result.response) << result.transport_error;
      EXPECT_EQ(result.response->status, status);
      EXPECT_EQ(result.response->redirect_url, target.url(path));
      EXPECT_EQ(target.request_count(path), 0);
    }
  }
}

// A chain that stays in the origin for a while and then leaves it: the credential goes along
// while it stays, and the step out comes back as the response.
TEST(HttpRedirectChain, CredentialsStopWhereTheChainLeavesTheOrigin) {
  for (int inside = 0; inside <= 3; ++inside) {
    SCOPED_TRACE("redirects inside the origin: " + std::to_string(inside));
    PageServer origin;
    PageServer other;
    for (int i = 0; i < inside; ++i) {
      origin.set("/hop" + std::to_string(i), {Step::redirect("/hop" + std::to_string(i + 1))});
    }
    origin.set("/hop" + std::to_string(inside), {Step::redirect(other.url("/sink"), 301)});
    other.set("/sink", {Step::ok("sink")});
    HttpRequest request;
    request.url = origin.url("/hop0");
    request.headers = {{"X-API-KEY", kSecret}};
    CurlTransport transport(test_options());
    const auto result = transport.perform(request, milliseconds(10'000));
    ASSERT_TRUE(result.response) << result.transport_error;
    EXPECT_EQ(result.response->status, 301);
    EXPECT_EQ(result.response->redirect_url, other.url("/sink"));
    EXPECT_FALSE(other.last_request());
    for (int i = 0; i <= inside; ++i) {
      const auto seen = origin.last_request("/hop" + std::to_string(i));
      ASSERT_TRUE(seen) << i;
      EXPECT_EQ(seen->header("x-api-key"), kSecret);
    }
  }
}

// Without credentials a chain may cross origins, up to max_redirects.
TEST(HttpRedirectChain, ChainsWithinTheLimitAreFollowedAcrossOrigins) {
  for (long limit = 1; limit <= 4; ++limit) {
    SCOPED_TRACE("max_redirects " + std::to_string(limit));
    PageServer a;
    PageServer b;
    for (long i = 0; i < limit; ++i) {  // a/0 -> b/1 -> a/2 -> ..., `limit` redirects
      PageServer& from = i % 2 == 0 ? a : b;
      PageServer& to = i % 2 == 0 ? b : a;
      from.set("/" + std::to_string(i), {Step::redirect(to.url("/" + std::to_string(i + 1)))});
    }
    PageServer& last = limit % 2 == 0 ? a : b;
    last.set("/" + std::to_string(limit), {Step::ok("end")});
    auto options = test_options();
    options.max_redirects = limit;
    CurlTransport transport(options);
    const auto result =
        transport.perform(HttpRequest{"GET", a.url("/0"), {}, ""}, milliseconds(10'000));
    ASSERT_TRUE(result.response) << result.transport_error;
    EXPECT_EQ(result.response->status, 200);
    EXPECT_EQ(result.response->body, "end");
  }
}

TEST(HttpRedirectChain, LoopFailsAtMaxRedirectsWithOrWithoutCredentials) {
  for (bool credential : {false, true}) {
    for (long limit : {0L, 1L, 3L}) {
      SCOPED_TRACE(std::string(credential ? "with" : "without") + " credential, limit " +
                   std::to_string(limit));
      PageServer server;
      server.set("/loop", {Step::redirect("/loop", 301)});
      auto options = test_options();
      options.max_redirects = limit;
      HttpRequest request{"GET", server.url("/loop"), {}, ""};
      if (credential) request.headers = {{"apikey", kSecret}};
      CurlTransport transport(options);
      const auto result = transport.perform(request, milliseconds(10'000));
      EXPECT_FALSE(result.response);
      EXPECT_NE(result.transport_error.find("too many redirects"), std::string::npos)
          << result.transport_error;
      EXPECT_EQ(result.transport_error.find(kSecret), std::string::npos);
      EXPECT_EQ(server.request_count("/loop"), limit + 1);
    }
  }
}

// A redirect to anything but http(s) fails for a read, and comes back untouched for a write.
TEST(HttpRedirectScheme, NonHttpTargetsFailForReadsAndComeBackForWrites) {
  PageServer server;
  const std::vector<std::string> targets = {
      "file:///etc/hostname", "file:///etc/passwd",
      "ftp://127.0.0.1:" + std::to_string(server.port()) + "/x", "gopher://127.0.0.1/x",
      "dict://127.0.0.1/x"};
  for (const auto& target : targets) {
    for (const char* method : {"GET", "HEAD", "POST"}) {
      SCOPED_TRACE(std::string(method) + " to " + target);
      server.set("/start", {Step::redirect(target, 302)});
      HttpRequest request{method, server.url("/start"), {}, ""};
      if (request.method == "POST") request.body = "{}";
      CurlTransport transport(test_options());
      const auto result = transport.perform(request, milliseconds(10'000));
      if (request.method == "POST") {
        ASSERT_TRUE(result.response) << result.transport_error;
        EXPECT_EQ(result.response->status, 302);
        EXPECT_EQ(result.response->redirect_url.value_or("").substr(0, 4), target.substr(0, 4));
      } else {
        EXPECT_FALSE(result.response);
        EXPECT_NE(result.transport_error.find("only http and https"), std::string::npos)
            << result.transport_error;
      }
    }
  }
}

}  // namespace
}  // namespace kz
