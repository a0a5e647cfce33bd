// AntpoolClient against a real HTTP server on 127.0.0.1 (antpool_client_fixture.hpp): the signed
// form body, error codes, retries of transient failures, the budget gate.

#include <gtest/gtest.h>

#include "scrape/antpool/antpool_client_fixture.hpp"

namespace kz::test {
namespace {

using std::chrono::milliseconds;

AntpoolAccount account(std::optional<std::string> sub = std::nullopt) {
  return AntpoolAccount{"antpool_001", "demo_user", std::move(sub), kCredentials};
}

Reply ok(const std::string& data) {
  return Reply{200, R"({"version":"1.0","code":0,"message":"ok","data":)" + data + "}"};
}

Reply api_code(int code, const std::string& message) {
  return Reply{200, R"({"code":)" + std::to_string(code) + R"(,"message":")" + message + "\"}"};
}

class AntpoolClientTest : public ::testing::Test {
 protected:
  HttpOptions options() {
    HttpOptions http;
    http.total_timeout = milliseconds(5000);
    http.max_retries = 3;
    http.backoff_base = milliseconds(100);
    http.backoff_max = milliseconds(250);
    return http;
  }
  AntpoolClient client(const std::string& url, RecordingGate& gate) {
    return AntpoolClient(
        url, transport_, options(), [this](milliseconds d) { sleeps_.push_back(d); }, gate);
  }
  CurlTransport transport_{HttpOptions{}};
  std::vector<milliseconds> sleeps_;
};

TEST_F(AntpoolClientTest, SignedFormPostReturnsDataWithExactNumbers) {
  FakeAntpool server("demo_user", [](const SeenRequest&, int) {
    return ok(R"({"hsLast10m":"1254300000000000","totalWorkerNum":12,"x":0.30000000000000004})");
  });
  RecordingGate gate;  // one nonce sequence: the server checks that it increases
  for (const auto& sub : {std::optional<std::string>(), std::optional<std::string>("demo_user"),
                          std::optional<std::string>("site A/sub&01=x")}) {
    const FormParams params = {{"coin", "BTC"}, {"note", "a b&c=d%e+f\xC3\xA9"}};
    const auto data = client(server.url(), gate)
                          .call(account(sub), "accountOverview.htm", params, Tier::overview);
    EXPECT_EQ(data["hsLast10m"], "1254300000000000");
    EXPECT_EQ(data["totalWorkerNum"], "12");
    EXPECT_EQ(data["x"], "0.30000000000000004");
    const SeenRequest seen = server.seen().back();
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.endpoint, "accountOverview.htm");
    EXPECT_EQ(seen.content_type, "application/x-www-form-urlencoded");
    EXPECT_TRUE(seen.signature_ok);
    EXPECT_TRUE(seen.nonce_increased);
    ASSERT_GE(seen.form.size(), 5u);
    EXPECT_EQ(seen.form[0], (std::pair<std::string, std::string>{"key", kCredentials.key}));
    EXPECT_EQ(seen.form[1].first, "nonce");
    EXPECT_EQ(seen.form[1].second, std::to_string(gate.slots.back().nonce));
    EXPECT_EQ(seen.form[2].first, "signature");
    EXPECT_EQ(seen.params.at("coin"), "BTC");
    EXPECT_EQ(seen.params.at("note"), params[1].second);
    // userId only for another account than the key's owner.
    if (sub && *sub != "demo_user") {
      EXPECT_EQ(seen.params.at("userId"), *sub);
    } else {
      EXPECT_EQ(seen.params.count("userId"), 0u);
    }
    EXPECT_EQ(seen.params.count("secret"), 0u);
    ASSERT_EQ(gate.requests.size(), server.seen().size());
    EXPECT_EQ(gate.requests.back().endpoint, "accountOverview.htm");
    EXPECT_EQ(gate.requests.back().account_name, "antpool_001");
    EXPECT_EQ(gate.requests.back().key_id.size(), 64u);
    EXPECT_EQ(gate.requests.back().key_id.find(kCredentials.key), std::string::npos);
    EXPECT_EQ(gate.requests.back().tier, Tier::overview);
    ASSERT_EQ(gate.outcomes.size(), server.seen().size());
    EXPECT_EQ(gate.outcomes.back().second.http_status, 200);
    EXPECT_EQ(gate.outcomes.back().second.api_code, 0);
    EXPECT_EQ(gate.outcomes.back().second.error, "");
    EXPECT_GE(gate.outcomes.back().second.duration_ms, 0);
  }
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AntpoolClientTest, KeyErrorCodesGiveExit10WithAHintAndNoRetry) {
  const std::map<int, std::string> hints = {{-6, "API key"},
                                            {-7, "not the e-mail"},
                                            {-8, "allowed-IP"},
                                            {-9, "permission"},
                                            {-10, "user_id and sub_account"}};
  for (const auto& [code, hint] : hints) {
    // The server echoes the key and the secret: the message quotes it without them.
    FakeAntpool server("demo_user", [code = code](const SeenRequest&, int) {
      return api_code(code, "Error for " + kCredentials.key + " / " + kCredentials.secret);
    });
    RecordingGate gate;
    const std::string what = thrown(
        [&] { client(server.url(), gate).call(account(), "hashrate.htm", {}, Tier::overview); },
        ExitCode::api_key_rejected, gate);
    EXPECT_NE(what.find("code " + std::to_string(code)), std::string::npos) << what;
    EXPECT_NE(what.find(hint), std::string::npos) << what;
    EXPECT_NE(what.find("hashrate.htm"), std::string::npos) << what;
    EXPECT_NE(what.find("antpool_001"), std::string::npos) << what;
    EXPECT_EQ(server.seen().size(), 1u);
    ASSERT_EQ(gate.outcomes.size(), 1u);
    EXPECT_EQ(gate.outcomes[0].second.api_code, code);
    EXPECT_NE(gate.outcomes[0].second.error, "");
  }
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AntpoolClientTest, OtherCodesGiveExit11QuotingTheMessage) {
  for (const auto& [code, message] :
       std::vector<std::pair<int, std::string>>{{-2, "Invalid parameter pageSize"},
                                                {-1, "Unknown error"},
                                                {-18, "Nonce error"},
                                                {-3, "System error"},
                                                {7, "Something new"}}) {
    FakeAntpool server("demo_user", [code = code, message = message](const SeenRequest&, int) {
      return api_code(code, message);
    });
    RecordingGate gate;
    const std::string what =
        thrown([&] { client(server.url(), gate).call(account(), "account.htm", {}, Tier::daily); },
               ExitCode::api_error, gate);
    EXPECT_NE(what.find("\"" + message + "\""), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(code)), std::string::npos) << what;
    // Only -18 says the key's nonces clash with another user of the key.
    EXPECT_EQ(what.find("each key needs its own nonce sequence") != std::string::npos, code == -18)
        << what;
    EXPECT_EQ(server.seen().size(), 1u);
    EXPECT_EQ(gate.outcomes.at(0).second.api_code, code);
  }
}

TEST_F(AntpoolClientTest, NonceErrorHintsAtAKeyUsedTwiceWhateverItsMessage) {
  for (const std::string message : {"Nonce error", "nonce", "", "Nonce Error: 1700000000000"}) {
    FakeAntpool server("demo_user",
                       [message](const SeenRequest&, int) { return api_code(-18, message); });
    RecordingGate gate;
    const std::string what = thrown(
        [&] {
          client(server.url(), gate).call(account(), "userWorkerList.htm", {}, Tier::workers);
        },
        ExitCode::api_error, gate);
    EXPECT_NE(what.find("code -18"), std::string::npos) << what;
    EXPECT_NE(what.find("Nonce error: is this key used by another cache or program? each key "
                        "needs its own nonce sequence"),
              std::string::npos)
        << what;
    EXPECT_EQ(server.seen().size(), 1u);
    EXPECT_TRUE(sleeps_.empty());
  }
}

// A 4xx other than 408 and 429 answers the same to a retry: one attempt (one slot of the
// budget), then exit 3 with what to check.
TEST_F(AntpoolClientTest, ClientErrorStatusesAreNotRetried) {
  const std::string ban =
      "Antpool refused with HTTP 403: an IP ban (more than 600 calls in 10 "
      "minutes) or an IP not allowed";
  const std::string endpoint = "no such API endpoint: is --antpool-url / antpool.url right?";
  const std::vector<std::pair<Reply, std::string>> cases = {
      {Reply{403, "<html>Forbidden</html>", "text/html"}, ban},
      {Reply{403, R"({"code":-8,"message":"ip"})"}, ban},
      {Reply{404, "<html>Not Found</html>", "text/html"}, endpoint},
      {Reply{404, "", "text/plain"}, endpoint},
      {Reply{400, "<html>Bad Request</html>", "text/html"}, "HTTP 400: a client error"},
      {Reply{405, "", "text/html"}, "HTTP 405: a client error"},
      {Reply{451, "", "text/html"}, "HTTP 451: a client error"}};
  for (const auto& [reply, hint] : cases) {
    SCOPED_TRACE(reply.status);
    FakeAntpool server("demo_user", [reply = reply](const SeenRequest&, int) { return reply; });
    RecordingGate gate;
    sleeps_.clear();
    const std::string what = thrown(
        [&] { client(server.url(), gate).call(account(), "poolStats.htm", {}, Tier::overview); },
        ExitCode::fetch_failed, gate);
    EXPECT_NE(what.find("HTTP " + std::to_string(reply.status)), std::string::npos) << what;
    EXPECT_NE(what.find(hint), std::string::npos) << what;
    EXPECT_NE(what.find("1 attempt"), std::string::npos) << what;
    EXPECT_NE(what.find("poolStats.htm"), std::string::npos) << what;
    EXPECT_EQ(server.seen().size(), 1u);
    ASSERT_EQ(gate.slots.size(), 1u);
    ASSERT_EQ(gate.outcomes.size(), 1u);
    EXPECT_EQ(gate.outcomes[0].second.http_status, static_cast<int>(reply.status));
    EXPECT_EQ(gate.outcomes[0].second.error, "HTTP " + std::to_string(reply.status));
    EXPECT_TRUE(sleeps_.empty());
  }
}

// Each transient failure is retried max_retries times, each attempt with a slot of its own and a
// strictly larger nonce, backing off base, 2 base, ... up to backoff_max; then exit 3.
void expect_retried(const FakeAntpool* server, const RecordingGate& gate,
                    const std::vector<milliseconds>& sleeps, const std::string& what,
                    const std::string& error_part) {
  EXPECT_NE(what.find("4 attempts"), std::string::npos) << what;
  EXPECT_NE(what.find(error_part), std::string::npos) << what;
  ASSERT_EQ(gate.slots.size(), 4u);
  ASSERT_EQ(gate.outcomes.size(), 4u);
  for (size_t i = 0; i < gate.outcomes.size(); ++i) {
    EXPECT_EQ(gate.outcomes[i].first.call_id, gate.slots[i].call_id);
    EXPECT_NE(gate.outcomes[i].second.error.find(error_part), std::string::npos)
        << gate.outcomes[i].second.error;
  }
  EXPECT_EQ(sleeps,
            (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(250)}));
  if (!server) return;
  const auto seen = server->seen();
  ASSERT_EQ(seen.size(), 4u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(seen[i].signature_ok) << i;
    EXPECT_TRUE(seen[i].nonce_increased) << i;
    EXPECT_EQ(seen[i].params.at("nonce"), std::to_string(gate.slots[i].nonce));
  }
}

TEST_F(AntpoolClientTest, TransientBodiesAreRetriedThenFetchFailed) {
  const std::vector<std::pair<Reply, std::string>> cases = {
      {Reply{503, "<html><body>503 Service Unavailable</body></html>", "text/html"}, "HTTP 503"},
      {Reply{429, "<html>Too Many Requests</html>", "text/html"}, "HTTP 429"},
      {Reply{408, "", "text/html"}, "HTTP 408"},
      {Reply{500, R"({"code":-3,"message":"System error"})"}, "HTTP 500"},
      {Reply{502, R"({"code":0,"message":"ok","data":{}})"}, "HTTP 502"},
      {Reply{200, "<!DOCTYPE html><title>Just a moment...</title>", "text/html"}, "not Antpool's"},
      {Reply{200, R"({"status":"ok"})"}, "not Antpool's"},
      {Reply{200, R"({"code":"abc","message":"ok"})"}, "not Antpool's"}};
  for (const auto& [reply, error_part] : cases) {
    FakeAntpool server("demo_user", [reply = reply](const SeenRequest&, int) { return reply; });
    RecordingGate gate;
    sleeps_.clear();
    const std::string what = thrown(
        [&] { client(server.url(), gate).call(account(), "poolStats.htm", {}, Tier::overview); },
        ExitCode::fetch_failed, gate);
    expect_retried(&server, gate, sleeps_, what, error_part);
  }
}

TEST_F(AntpoolClientTest, ARetryThatSucceedsReturnsTheData) {
  FakeAntpool server("demo_user", [](const SeenRequest&, int index) {
    return index < 2 ? Reply{503, "<html>busy</html>", "text/html"} : ok(R"({"a":"1"})");
  });
  RecordingGate gate;
  const auto data = client(server.url(), gate).call(account(), "account.htm", {}, Tier::daily);
  EXPECT_EQ(data["a"], "1");
  EXPECT_EQ(gate.slots.size(), 3u);
  EXPECT_EQ(gate.outcomes.back().second.error, "");
  EXPECT_EQ(sleeps_, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
}

TEST_F(AntpoolClientTest, ClosedPortIsRetriedThenFetchFailed) {
  std::string url;
  {
    FakeAntpool gone("demo_user", [](const SeenRequest&, int) { return ok("{}"); });
    url = gone.url();
  }
  RecordingGate gate;
  const std::string what =
      thrown([&] { client(url, gate).call(account(), "account.htm", {}, Tier::daily); },
             ExitCode::fetch_failed, gate);
  expect_retried(nullptr, gate, sleeps_, what, "network");
  for (const auto& [slot, outcome] : gate.outcomes) EXPECT_FALSE(outcome.http_status);
  EXPECT_LT(gate.slots[0].nonce, gate.slots[3].nonce);
}

TEST_F(AntpoolClientTest, TimeoutIsRetried) {
  FakeAntpool server("demo_user", [](const SeenRequest&, int) {
    Reply slow = ok("{}");
    slow.delay = milliseconds(600);
    return slow;
  });
  RecordingGate gate;
  HttpOptions http = options();
  http.total_timeout = milliseconds(150);
  http.max_retries = 1;
  AntpoolClient short_client(
      server.url(), transport_, http, [this](milliseconds d) { sleeps_.push_back(d); }, gate);
  const std::string what =
      thrown([&] { short_client.call(account(), "account.htm", {}, Tier::daily); },
             ExitCode::fetch_failed, gate);
  EXPECT_NE(what.find("2 attempts"), std::string::npos) << what;
  EXPECT_EQ(gate.slots.size(), 2u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(AntpoolClientTest, NoSlotNoRequest) {
  FakeAntpool server("demo_user", [](const SeenRequest&, int) { return ok("{}"); });
  RecordingGate empty(0);
  thrown([&] { client(server.url(), empty).call(account(), "account.htm", {}, Tier::daily); },
         ExitCode::fetch_failed, empty);
  EXPECT_THROW(client(server.url(), empty).call(account(), "account.htm", {}, Tier::daily),
               BudgetExhausted);
  EXPECT_TRUE(server.seen().empty());
  EXPECT_TRUE(empty.outcomes.empty());
  // A budget that runs out between retries stops them.
  FakeAntpool busy("demo_user", [](const SeenRequest&, int) {
    return Reply{503, "<html>busy</html>", "text/html"};
  });
  RecordingGate two(2);
  EXPECT_THROW(client(busy.url(), two).call(account(), "account.htm", {}, Tier::daily),
               BudgetExhausted);
  EXPECT_EQ(busy.seen().size(), 2u);
  EXPECT_EQ(two.outcomes.size(), 2u);
}

}  // namespace
}  // namespace kz::test
