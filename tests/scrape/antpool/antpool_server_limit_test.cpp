// The fake Antpool's rate limit (spec §4: 600 requests per 10 minutes per IP, then banned),
// its count of requests per rolling window, and its faults (overrides, HTML pages).

#include <random>
#include <thread>

#include "scrape/antpool/antpool_server_fixture.hpp"

namespace kz::test {
namespace {

bool is_html_403(const HttpResponse& response) {
  return response.status == 403 &&
         response.header("content-type").value_or("").rfind("text/html", 0) == 0 &&
         response.body.find("<html>") != std::string::npos;
}

// A server with its default limit (600 per 600 s), on the fixture's clock.
class AntpoolLimitTest : public AntpoolServerTest {
 protected:
  AntpoolServer limited_{[this] { return clock_.now_ms(); }};

  void SetUp() override { limited_.add_key({signer_.user_id, signer_.key, signer_.secret, {}}); }
  HttpResponse call_limited() {
    HttpRequest request;
    request.method = "POST";
    request.url = limited_.url() + "accountOverview.htm";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = form_encode(signer_.sign({{"coin", "BTC"}}));
    return perform(request);
  }
};

TEST_F(AntpoolLimitTest, The601stRequestIn10MinutesIsAnHtml403AndBansUntilReleased) {
  // 600 requests spread over 590 s: all answered.
  for (int i = 0; i < 600; ++i) {
    if (i % 60 == 59) clock_.advance(std::chrono::seconds(59));
    const HttpResponse response = call_limited();
    ASSERT_EQ(response.status, 200) << i;
    ASSERT_EQ(nlohmann::json::parse(response.body)["code"], 0) << i;
  }
  EXPECT_FALSE(limited_.banned());
  EXPECT_TRUE(is_html_403(call_limited()));  // the 601st, still inside the first window
  EXPECT_TRUE(limited_.banned());
  // Banned: still refused after the first requests left the window.
  for (int step = 1; step <= 4; ++step) {
    clock_.advance(std::chrono::minutes(7));
    EXPECT_TRUE(is_html_403(call_limited())) << step * 7 << " min into the ban";
  }
  clock_.advance(std::chrono::minutes(2));  // the ban (30 min) is over
  const HttpResponse released = call_limited();
  EXPECT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(nlohmann::json::parse(released.body)["code"], 0);
  EXPECT_EQ(limited_.max_requests_in_window(), 601);
}

TEST_F(AntpoolLimitTest, TheWindowRollsForEachConfiguredLimit) {
  for (int calls : {1, 3, 8}) {
    for (int window_s : {10, 60}) {
      limited_.set_rate_limit(calls, std::chrono::seconds(window_s), std::chrono::seconds(5));
      clock_.advance(std::chrono::hours(1));  // a fresh window
      for (int i = 0; i < calls; ++i) ASSERT_EQ(call_limited().status, 200);
      // A window is (t - window, t]: exactly `window` later the burst has left it.
      clock_.advance(std::chrono::seconds(window_s));
      const TimePoint start = clock_.now();
      for (int i = 0; i < calls; ++i) {
        ASSERT_EQ(call_limited().status, 200) << calls << "/" << window_s << " #" << i;
      }
      // Just before the window's end the first request still counts: over the limit.
      clock_.advance(std::chrono::seconds(window_s - 1));
      EXPECT_TRUE(is_html_403(call_limited())) << calls << "/" << window_s;
      // The ban (5 s) then the window: every request of the burst left it.
      clock_.advance(std::chrono::seconds(5));
      ASSERT_GE(clock_.now() - start, std::chrono::seconds(window_s));
      EXPECT_EQ(call_limited().status, 200) << calls << "/" << window_s;
    }
  }
}

TEST_F(AntpoolServerTest, MaxRequestsInWindowMatchesABruteForceCountOnGeneratedTimes) {
  for (unsigned seed : {1u, 2u, 3u}) {
    AntpoolServer server([this] { return clock_.now_ms(); });
    server.add_key({signer_.user_id, signer_.key, signer_.secret, {}});
    server.set_rate_limit(1'000'000, std::chrono::seconds(600), std::chrono::seconds(1));
    std::mt19937 random(seed);
    std::vector<TimePoint> times;
    for (int i = 0; i < 150; ++i) {
      // Bursts and gaps: many at once, a few seconds apart, or minutes apart.
      const auto kind = random() % 10;
      clock_.advance(std::chrono::seconds(kind < 5   ? 0
                                          : kind < 8 ? random() % 20
                                                     : random() % 900));
      times.push_back(clock_.now());
      HttpRequest request;
      request.method = "POST";
      request.url = server.url() + (i % 7 ? "account.htm" : "nosuch.htm");
      request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
      request.body = form_encode(signer_.sign({}));
      perform(request);
    }
    for (int window_s : {1, 30, 600, 3600}) {
      size_t most = 0;
      for (const TimePoint end : times) {
        most = std::max(
            most, static_cast<size_t>(std::count_if(times.begin(), times.end(), [&](TimePoint t) {
              return t > end - std::chrono::seconds(window_s) && t <= end;
            })));
      }
      EXPECT_EQ(server.max_requests_in_window(std::chrono::seconds(window_s)),
                static_cast<int>(most))
          << "seed " << seed << " window " << window_s;
    }
  }
}

TEST_F(AntpoolServerTest, AnOverrideReplacesAnswersWithHtmlPagesOrErrorEnvelopes) {
  server_.set_override([](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
    if (r.endpoint == "hashrate.htm") return antpool_html_page(503);
    if (r.endpoint == "account.htm") return antpool_error(-3, "System error");
    return std::nullopt;
  });
  const HttpResponse page = post("hashrate.htm", signer_.sign({}));
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.header("content-type").value_or("").rfind("text/html", 0), 0u);
  EXPECT_NE(page.body.find("503"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(page.body, nullptr, false).is_discarded());
  for (int status : {403, 502, 504, 520, 599}) {
    const AntpoolReply html = antpool_html_page(status);
    EXPECT_EQ(html.status, status);
    EXPECT_EQ(html.content_type, "text/html");
    EXPECT_NE(html.body.find("<title>" + std::to_string(status) + " "), std::string::npos);
  }
  const HttpResponse error = post("account.htm", signer_.sign({}));
  EXPECT_EQ(error.status, 200);
  const auto body = nlohmann::json::parse(error.body);
  EXPECT_EQ(body["code"], -3);
  EXPECT_EQ(body["message"], "System error");
  EXPECT_FALSE(body.contains("data"));
  EXPECT_EQ(data("accountOverview.htm")["userId"], "siteA");  // others answered as usual
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].http_status, 503);
  EXPECT_FALSE(requests[0].code);
  EXPECT_EQ(requests[1].code, -3);
  EXPECT_EQ(requests[2].code, 0);
  // The override sees each request's parameters, before any signature check.
  std::vector<std::string> nonces;
  server_.set_override([&nonces](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
    nonces.push_back(r.params.at("nonce"));
    return antpool_error(-1, "Unknown error");
  });
  post("account.htm", {{"key", "nobody"}, {"nonce", "42"}});
  ASSERT_EQ(nonces.size(), 1u);
  EXPECT_EQ(nonces[0], "42");
}

TEST_F(AntpoolServerTest, ServesConcurrentClientsWithTheirOwnKeys) {
  constexpr int kThreads = 4, kCalls = 25;
  std::vector<AntpoolSigner> signers;
  for (int t = 0; t < kThreads; ++t) {
    const std::string user = "site" + std::to_string(t);
    signers.push_back({user, "k-" + user, "s-" + user});
    server_.add_key({user, "k-" + user, "s-" + user, {}});
    server_.set_workers(user, {antpool_worker(user + ".w", 1e14 * (t + 1), true)});
  }
  std::vector<int> ok(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      CurlTransport http{HttpOptions{}};
      for (int i = 0; i < kCalls; ++i) {
        HttpRequest request;
        request.method = "POST";
        request.url = server_.url() + "accountOverview.htm";
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        request.body = form_encode(signers[static_cast<size_t>(t)].sign({}));
        const HttpResult result = http.perform(request, std::chrono::seconds(10));
        if (!result.response) continue;
        const auto body = nlohmann::json::parse(result.response->body, nullptr, false);
        if (body.value("code", -999) == 0 &&
            body["data"]["hsLast10m"] == std::to_string(100'000'000'000'000LL * (t + 1))) {
          ++ok[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(ok[static_cast<size_t>(t)], kCalls) << t;
  EXPECT_EQ(server_.request_count("accountOverview.htm"), kThreads * kCalls);
}

// The simulated day's fleet (33 sub-accounts of 200 workers under one key): one round of
// overviews, full worker lists and pool stats answers every worker once, with pool totals.
TEST_F(AntpoolServerTest, ServesAFleetOf33AccountsOf200Workers) {
  AntpoolKey fleet{"fleet", "k-fleet", "s-fleet", {}};
  int online = 0;
  for (int a = 0; a < 33; ++a) {
    const std::string account = "fleet_" + std::to_string(a);
    fleet.sub_accounts.push_back(account);
    std::vector<AntpoolWorker> workers;
    for (int w = 0; w < 200; ++w) {
      const bool up = (a * 200 + w) % 17 != 0;
      online += up;
      workers.push_back(antpool_worker(account + ".w" + std::to_string(w), 1.1e14 + w * 1e9, up));
    }
    server_.set_workers(account, std::move(workers));
  }
  server_.add_key(fleet);
  AntpoolSigner signer{fleet.user_id, fleet.key, fleet.secret};
  size_t rows = 0;
  int active = 0;
  for (const std::string& account : fleet.sub_accounts) {
    const auto overview = call(signer, "accountOverview.htm", {{"userId", account}});
    EXPECT_EQ(overview["data"]["totalWorkerNum"], 200) << account;
    active += std::stoi(overview["data"]["activeWorkerNum"].get<std::string>());
    const auto list = call(signer, "userWorkerList.htm",
                           {{"userId", account}, {"pageSize", "200"}, {"workerStatus", "0"}});
    EXPECT_EQ(list["data"]["result"]["totalPage"], 1);
    rows += list["data"]["result"]["rows"].size();
  }
  EXPECT_EQ(rows, 33u * 200u);
  EXPECT_EQ(active, online);
  const auto stats = call(signer, "poolStats.htm", {{"coin", "BTC"}});
  EXPECT_EQ(stats["data"]["activeWorkerNumber"], std::to_string(online));
  EXPECT_EQ(server_.requests().size(), 33u * 2u + 1u);
}

}  // namespace
}  // namespace kz::test
