// The real kzscrape --source api behind a redirect (issue 10, item 2): X-API-KEY never reaches
// another origin, and the run fails with one line naming the target (exit 2); a redirect
// within the API's origin still works.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/clock.hpp"
#include "common/url_text.hpp"
#include "integration/kzscrape_fixture.hpp"
#include "support/pool_api_server.hpp"

namespace kz::test {
namespace {

const std::string kKey = "kz-api-key-redirect-5c0ffee1";

std::string days_ago(int back) {
  using namespace std::chrono;
  return format_utc(floor<days>(system_clock::now()) - days{back}).substr(0, 10);
}

// The lines of `text` that contain `part`.
std::vector<std::string> lines_with(const std::string& text, const std::string& part) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(part) != std::string::npos) out.push_back(line);
  }
  return out;
}

class KzscrapeApiRedirect : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    key_file_ = (dir_ / "api.key").string();
    std::ofstream(key_file_) << kKey << "\n";
  }
  ProcessResult scrape_api(const std::string& api_url) {
    return kzscrape({"--source", "api", "--api-url", api_url, "--db", db_, "--retries", "1",
                     "--account", "KZ_API", "--api-key-file", key_file_});
  }
  int64_t snapshots() {
    if (!std::filesystem::exists(db_)) return 0;
    return count("SELECT count(*) FROM snapshot");
  }
  std::string key_file_;
};

TEST_F(KzscrapeApiRedirect, TheKeyNeverReachesAnotherOrigin) {
  PageServer sink;  // records every header it receives
  sink.set("/ru/api", {Step::ok(R"({"status":"OK","data":{}})", "application/json")});
  PoolApiServer real_api(kKey);  // a working API at another origin: still not followed
  const std::string sink_url = sink.url("/ru/api");
  for (int status : {301, 302, 303, 307, 308}) {
    for (const std::string& target :
         {sink_url + "?v=1&method=summary_data&token=q-secret", real_api.url(),
          "http://localhost:" + std::to_string(sink.port()) + "/ru/api"}) {
      SCOPED_TRACE(std::to_string(status) + " to " + target);
      server_.set("/ru/api", {Step::redirect(target, status)});
      const auto run = scrape_api(server_.url("/ru/api"));
      EXPECT_EQ(run.exit_code, 2) << run.err;
      const auto errors = lines_with(run.err, "error");
      ASSERT_EQ(errors.size(), 1u) << run.err;
      const std::string named = redacted_url(target);
      EXPECT_NE(errors[0].find("redirects to " + named + " (HTTP " + std::to_string(status) + ")"),
                std::string::npos)
          << errors[0];
      EXPECT_NE(errors[0].find("the API key was not sent there"), std::string::npos) << errors[0];
      EXPECT_EQ(run.err.find("q-secret"), std::string::npos) << run.err;
      EXPECT_EQ(run.err.find(kKey), std::string::npos) << run.err;
      EXPECT_EQ(run.out.find(kKey), std::string::npos) << run.out;
      EXPECT_EQ(server_.last_request("/ru/api")->header("x-api-key"), kKey);
      EXPECT_FALSE(sink.last_request()) << "the sink received a request";
      EXPECT_TRUE(real_api.calls().empty());
      EXPECT_EQ(snapshots(), 0);
    }
  }
}

// Every call goes /old -> /ru/api on the same server, which answers the calls in the order
// kzscrape makes them: summary, workers, profit history, payments.
TEST_F(KzscrapeApiRedirect, ARedirectWithinTheOriginIsFollowed) {
  for (int status : {301, 302, 303, 307, 308}) {
    SCOPED_TRACE(status);
    const int workers = 3 + status % 5;
    std::vector<nlohmann::json> rows;
    for (int i = 0; i < workers; ++i) {
      rows.push_back(api_worker(i + 1, "w" + std::to_string(i), i != 0, "110000000000000",
                                1'795'000'000, "0"));
    }
    const auto day = api_profit_day(days_ago(1), "0.001", "0.0002", "0.0012", "25000000000000000");
    const auto paid = api_payment("p-1", "0.01000000", "bc1qpayout", "ab12cd", 1'795'000'000);
    server_.set("/old", {Step::redirect("/ru/api", status)});
    server_.set("/ru/api", {Step::ok(api_ok(api_summary(workers - 1, 1, "25300000000000000",
                                                        "25000000000000000", "0.0123")),
                                     "application/json"),
                            Step::ok(api_ok(api_page(rows, 0, 100, workers)), "application/json"),
                            Step::ok(api_ok(api_page({day}, 0, 100, 1)), "application/json"),
                            Step::ok(api_ok(api_page({paid}, 0, 100, 1)), "application/json")});
    const int before = server_.request_count("/ru/api");
    db_ = (dir_ / ("cache" + std::to_string(status) + ".db")).string();
    const auto run = scrape_api(server_.url("/old"));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(server_.request_count("/ru/api"), before + 4);
    EXPECT_EQ(server_.last_request("/ru/api")->header("x-api-key"), kKey);
    EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), workers);
    EXPECT_EQ(count("SELECT count(*) FROM income_day"), 1);
    EXPECT_EQ(run.err.find(kKey), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace kz::test
