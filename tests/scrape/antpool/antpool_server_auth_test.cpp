// The fake Antpool's signature, nonce and account checks (spec §2, §3), over HTTP.

#include <random>

#include "scrape/antpool/antpool_server_fixture.hpp"

namespace kz::test {
namespace {

TEST(AntpoolSpecSignature, MatchesTheWorkedExampleAndNotItsNegativeVectors) {
  const std::string expected = "6BD336E2D64FDB04785BECA88BDCADFCA63F71471914FD96F76BD4A4E98FE63C";
  EXPECT_EQ(spec_signature("s456", "demo_userk1231700000000000"), expected);
  const std::vector<std::pair<std::string, std::string>> negatives = {
      {"demo_userk1231700000000",
       "43F5761892EC099C08FB6FE63DEB3E7638101814F9001838F0CA3AC9D183EDAD"},
      {"k123demo_user1700000000000",
       "398F15A558D0BACA7864D6AABC31FA7D9B5A70724A27F4008064772110027921"},
      {"demo_userk1231700000000001",
       "BF32E5D5CE6F079A7135AD8A2F7AFE8CB15EC9693FF40E2583826D4682719047"}};
  for (const auto& [message, signature] : negatives) {
    EXPECT_EQ(spec_signature("s456", message), signature) << message;
    EXPECT_NE(signature, expected);
  }
}

TEST_F(AntpoolServerTest, AcceptsTheWorkedExampleRequestAsPostedInTheSpec) {
  server_.add_key({"demo_user", "k123", "s456", {}});
  HttpRequest request;
  request.method = "POST";
  request.url = server_.url() + "hashrate.htm";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body =
      "key=k123&nonce=1700000000000&signature="
      "6BD336E2D64FDB04785BECA88BDCADFCA63F71471914FD96F76BD4A4E98FE63C&coin=BTC";
  const HttpResponse response = perform(request);
  EXPECT_EQ(response.status, 200);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["code"], 0);
  EXPECT_EQ(server_.requests().back().user_id, "demo_user");
}

TEST_F(AntpoolServerTest, AcceptsGetQueriesAndPostsWithTheParametersInTheUrl) {
  const auto viaGet = get("accountOverview.htm", signer_.sign({{"coin", "BTC"}}));
  EXPECT_EQ(nlohmann::json::parse(viaGet.body)["code"], 0) << viaGet.body;
  HttpRequest request;
  request.method = "POST";
  request.url = server_.url() + "accountOverview.htm?" + form_encode(signer_.sign({}));
  const auto viaUrl = perform(request);
  EXPECT_EQ(nlohmann::json::parse(viaUrl.body)["code"], 0) << viaUrl.body;
}

TEST_F(AntpoolServerTest, EachBadSignatureIsMinus7AndLeavesTheNonceUnused) {
  std::mt19937 random(12);
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(signer_.nonce + 1 + static_cast<int64_t>(random() % 1000));
    const std::string good = spec_signature(signer_.secret, signer_.user_id + signer_.key + n);
    std::string lower = good;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string flipped = good;
    char& changed = flipped[random() % flipped.size()];
    changed = changed == 'A' ? 'B' : 'A';
    const std::vector<std::string> bad = {
        lower,
        flipped,
        spec_signature("wrong-secret", signer_.user_id + signer_.key + n),
        spec_signature(signer_.secret, "owner@example.com" + signer_.key + n),  // the e-mail
        spec_signature(signer_.secret, signer_.key + signer_.user_id + n),      // wrong order
        "",
    };
    for (const std::string& signature : bad) {
      if (signature == good) continue;
      const auto response =
          post("account.htm", {{"key", signer_.key}, {"nonce", n}, {"signature", signature}});
      const auto body = nlohmann::json::parse(response.body);
      EXPECT_EQ(body["code"], -7) << signature;
      EXPECT_EQ(body["message"], "Signature error");
      EXPECT_FALSE(body.contains("data"));
    }
    // The same nonce, signed right, still works: a refused request used nothing up.
    const auto ok = post("account.htm", {{"key", signer_.key}, {"nonce", n}, {"signature", good}});
    EXPECT_EQ(nlohmann::json::parse(ok.body)["code"], 0) << ok.body;
    signer_.nonce = std::stoll(n);
  }
}

TEST_F(AntpoolServerTest, AnUnknownOrMissingKeyIsMinus6) {
  for (const std::string& key : {std::string("k-unknown"), std::string(""), signer_.key + "x"}) {
    AntpoolSigner stranger{signer_.user_id, key, signer_.secret};
    const auto body = call(stranger, "accountOverview.htm");
    EXPECT_EQ(body["code"], -6) << key;
    EXPECT_EQ(body["message"], "API Key not exist");
  }
  const auto missing = post("accountOverview.htm", {{"nonce", "1"}, {"signature", "AA"}});
  EXPECT_EQ(nlohmann::json::parse(missing.body)["code"], -6);
}

TEST_F(AntpoolServerTest, NoncesMustBeDecimalAndStrictlyIncreasingPerKey) {
  AntpoolSigner other{"siteB", "k-siteB", "s-siteB"};
  server_.add_key({other.user_id, other.key, other.secret, {}});
  EXPECT_EQ(call("account.htm")["code"], 0);
  // Reused and lower nonces, for one key; the other key keeps its own count.
  for (int64_t back : {0, 1, 2, 1000}) {
    signer_.nonce -= back + 1;  // sign() adds one: the nonce sent is the last one minus `back`
    EXPECT_EQ(call("account.htm")["code"], -18) << back;
    signer_.nonce += back + 1;
  }
  other.nonce = 1;  // far below siteA's nonces
  EXPECT_EQ(call(other, "account.htm")["code"], 0);
  EXPECT_EQ(call("account.htm")["code"], 0);
  for (const char* nonce : {"", "12a", "-5", "1.5", "１２", "99999999999999999999"}) {
    const std::string signature =
        spec_signature(signer_.secret, signer_.user_id + signer_.key + nonce);
    const auto response =
        post("account.htm", {{"key", signer_.key}, {"nonce", nonce}, {"signature", signature}});
    const auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["code"], -18) << nonce;
    EXPECT_EQ(body["message"], "Nonce error");
  }
}

TEST_F(AntpoolServerTest, AUserIdTheKeyCannotReadIsMinus10) {
  server_.add_key({"siteB", "k-siteB", "s-siteB", {"siteB_sub01"}});
  server_.set_workers("siteA_sub02", {antpool_worker("siteA_sub02.w1", 1e14, true)});
  for (const char* user : {"siteB", "siteB_sub01", "siteA_sub0", "SITEA_SUB01"}) {
    const auto body = call("accountOverview.htm", {{"userId", user}});
    EXPECT_EQ(body["code"], -10) << user;
  }
  for (const char* user : {"siteA", "siteA_sub01", "siteA_sub02"}) {
    EXPECT_EQ(data("accountOverview.htm", {{"userId", user}})["userId"], user);
  }
  EXPECT_EQ(data("accountOverview.htm", {{"userId", "siteA_sub02"}})["totalWorkerNum"], 1);
  EXPECT_EQ(data("accountOverview.htm")["userId"], "siteA");  // no userId: the signer
}

TEST_F(AntpoolServerTest, RecordsEachRequestWithKeyAndNonceButNeverTheSignatureOrSecret) {
  const auto signed_params = signer_.sign({{"coin", "BTC"}});
  post("hashrate.htm", signed_params);
  post("nosuch.htm", signer_.sign({}));
  post("account.htm", {{"key", "k-unknown"}, {"nonce", "5"}, {"signature", "AB"}});
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].endpoint, "hashrate.htm");
  EXPECT_EQ(requests[0].params.at("nonce"), signed_params.at("nonce"));
  EXPECT_EQ(requests[0].params.at("key"), signer_.key);
  EXPECT_EQ(requests[0].user_id, signer_.user_id);
  EXPECT_EQ(requests[0].code, 0);
  EXPECT_EQ(requests[0].at, clock_.now_ms());
  EXPECT_EQ(requests[1].http_status, 404);
  EXPECT_FALSE(requests[1].code);
  EXPECT_EQ(requests[2].code, -6);
  EXPECT_FALSE(requests[2].user_id);
  for (const AntpoolRequest& r : requests) {
    EXPECT_EQ(r.params.count("signature"), 0u);
    for (const auto& [name, value] : r.params)
      EXPECT_EQ(value.find(signer_.secret), std::string::npos);
  }
  EXPECT_EQ(server_.request_count("hashrate.htm"), 1);
  EXPECT_EQ(server_.request_count("account.htm"), 1);
}

TEST_F(AntpoolServerTest, AnUnknownEndpointIsAnHtml404) {
  for (const char* endpoint : {"nosuch.htm", "workers.htm", "accountoverview.htm", ""}) {
    const auto response = post(endpoint, signer_.sign({}));
    EXPECT_EQ(response.status, 404) << endpoint;
    EXPECT_EQ(response.header("content-type").value_or("").rfind("text/html", 0), 0u);
    EXPECT_TRUE(nlohmann::json::parse(response.body, nullptr, false).is_discarded());
  }
}

TEST_F(AntpoolServerTest, AnotherCoinIsMinus24) {
  EXPECT_EQ(call("account.htm", {{"coin", "LTC"}})["code"], -24);
  EXPECT_EQ(call("userWorkerList.htm", {{"coinType", "ETH"}})["code"], -24);
  EXPECT_EQ(call("userWorkerList.htm", {{"coinType", "BTC"}})["code"], 0);
}

}  // namespace
}  // namespace kz::test
