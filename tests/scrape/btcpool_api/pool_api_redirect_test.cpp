// PoolApiClient behind a redirect: within the API's origin it is followed with the key; to
// another origin the key is never sent and the call fails with one line naming the target.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scrape/btcpool_api/pool_api_client.hpp"
#include "scrape/btcpool_api/pool_api_fixture.hpp"
#include "support/page_server.hpp"
#include "support/pool_api_server.hpp"

namespace kz::test {
namespace {

class PoolApiRedirect : public PoolApiTest {
 protected:
  PoolApiClient client_at(const std::string& url) {
    PoolApiOptions options;
    options.url = url;
    options.key = kApiKey;
    return PoolApiClient(options, transport_, http_, [](std::chrono::milliseconds) {});
  }
  PageServer front_;
};

TEST_F(PoolApiRedirect, WithinTheOriginTheRedirectIsFollowedWithTheKey) {
  const nlohmann::json summary = api_summary(3, 1, "38384000000000000", "37000000000000000", "1");
  for (int status : {301, 302, 303, 307, 308}) {
    for (const std::string& location : {std::string("/ru/api"), front_.url("/ru/api")}) {
      SCOPED_TRACE(std::to_string(status) + " to " + location);
      front_.set("/old/api", {Step::redirect(location, status)});
      front_.set("/ru/api", {Step::ok(api_ok(summary), "application/json")});
      const int before = front_.request_count("/ru/api");
      PoolApiClient api = client_at(front_.url("/old/api"));
      const nlohmann::json data = api.call("summary_data");
      EXPECT_EQ(data.at("active_workers"), "3");
      EXPECT_EQ(front_.request_count("/ru/api"), before + 1);
      EXPECT_EQ(front_.last_request("/ru/api")->header("x-api-key"), kApiKey);
    }
  }
}

TEST_F(PoolApiRedirect, ToAnotherOriginTheKeyIsNotSentAndTheTargetIsNamed) {
  serve_fleet(5);
  PageServer sink;
  sink.set("/ru/api", {Step::ok(api_ok(nlohmann::json::object()), "application/json")});
  struct Target {
    std::string location;  // what the redirect says
    std::string named;     // how the error names it
  };
  const std::string sink_port = std::to_string(sink.port());
  const std::string front_port = std::to_string(front_.port());
  const std::vector<Target> targets = {
      // a real API, but elsewhere
      {api_.url() + "?v=1&method=summary_data", api_.url() + "?v=***&method=***"},
      {"http://user:pw@127.0.0.1:" + sink_port + "/ru/api?key=leak-me&v=1",
       "http://***@127.0.0.1:" + sink_port + "/ru/api?key=***&v=***"},
      {"http://localhost:" + sink_port + "/ru/api", "http://localhost:" + sink_port + "/ru/api"},
      {"https://127.0.0.1:" + front_port + "/ru/api",
       "https://127.0.0.1:" + front_port + "/ru/api"},
  };
  for (int status : {301, 302, 303, 307, 308}) {
    for (const Target& target : targets) {
      SCOPED_TRACE(std::to_string(status) + " to " + target.location);
      front_.set("/ru/api", {Step::redirect(target.location, status)});
      PoolApiClient api = client_at(front_.url("/ru/api"));
      try {
        api.call("summary_data");
        ADD_FAILURE() << "the call succeeded";
      } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_EQ(e.code(), ExitCode::usage);
        EXPECT_TRUE(Contains(
            message, " redirects to " + target.named + " (HTTP " + std::to_string(status) + ")"));
        EXPECT_TRUE(Contains(message, "the API key was not sent there"));
        EXPECT_TRUE(Contains(message, "--api-url"));
        for (const char* secret : {"user", "pw@", "leak-me", "summary_data&", kApiKey.c_str()}) {
          EXPECT_TRUE(Lacks(message, secret));
        }
        EXPECT_EQ(message.find('\n'), std::string::npos);
      }
      EXPECT_TRUE(api_.calls().empty());
      EXPECT_FALSE(sink.last_request()) << "the sink received a request";
      EXPECT_EQ(front_.last_request("/ru/api")->header("x-api-key"), kApiKey);
    }
  }
}

}  // namespace
}  // namespace kz::test
