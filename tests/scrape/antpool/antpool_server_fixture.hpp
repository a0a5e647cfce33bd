#pragma once

// Drives the fake Antpool (support/antpool_server.hpp) over real HTTP with CurlTransport, signing
// requests here, from the spec's recipe (tests/data/antpool/antpool-api.md §2), independently of
// src/scrape/antpool.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "support/antpool_server.hpp"

namespace kz::test {

// UPPER(hex(HMAC_SHA256(secret, message))).
inline std::string spec_signature(const std::string& secret, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

// key=value&... with every byte outside [A-Za-z0-9._~-] percent-encoded.
inline std::string form_encode(const std::map<std::string, std::string>& fields) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += name + '=';
    for (unsigned char c : value) {
      if (std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-') {
        body += static_cast<char>(c);
      } else {
        body += '%';
        body += kHex[c >> 4];
        body += kHex[c & 0x0f];
      }
    }
  }
  return body;
}

// One signer (user_id, key, secret) with its own increasing nonce.
struct AntpoolSigner {
  std::string user_id, key, secret;
  int64_t nonce = 1'700'000'000'000;

  // The common parameters (key, nonce, signature) added to `params`, with the next nonce.
  std::map<std::string, std::string> sign(std::map<std::string, std::string> params) {
    const std::string n = std::to_string(++nonce);
    params["key"] = key;
    params["nonce"] = n;
    params["signature"] = spec_signature(secret, user_id + key + n);
    return params;
  }
};

class AntpoolServerTest : public ::testing::Test {
 protected:
  // The server's clock, moved by the test (read on the server's threads between requests).
  FixedClock clock_{TimePoint{std::chrono::seconds{1'764'000'000}}};
  AntpoolServer server_{[this] { return clock_.now_ms(); }};
  CurlTransport http_{HttpOptions{}};
  AntpoolSigner signer_{"siteA", "k-siteA", "s-siteA-secret"};

  // The rate limit is out of the way here (antpool_server_limit_test.cpp tests it).
  void SetUp() override {
    server_.set_rate_limit(1'000'000, std::chrono::seconds{600}, std::chrono::seconds{1});
    server_.add_key({signer_.user_id, signer_.key, signer_.secret, {"siteA_sub01", "siteA_sub02"}});
  }

  // POST <url><endpoint> with `fields` as a form body.
  HttpResponse post(const std::string& endpoint, const std::map<std::string, std::string>& fields) {
    HttpRequest request;
    request.method = "POST";
    request.url = server_.url() + endpoint;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = form_encode(fields);
    return perform(request);
  }
  // GET <url><endpoint>?<fields>.
  HttpResponse get(const std::string& endpoint, const std::map<std::string, std::string>& fields) {
    HttpRequest request;
    request.url = server_.url() + endpoint + "?" + form_encode(fields);
    return perform(request);
  }
  HttpResponse perform(const HttpRequest& request) {
    HttpResult result = http_.perform(request, std::chrono::seconds(10));
    EXPECT_TRUE(result.response) << result.transport_error;
    return result.response.value_or(HttpResponse{});
  }

  // A signed POST by `signer`, its body read as JSON.
  nlohmann::json call(AntpoolSigner& signer, const std::string& endpoint,
                      std::map<std::string, std::string> params = {}) {
    const HttpResponse response = post(endpoint, signer.sign(std::move(params)));
    EXPECT_EQ(response.status, 200) << response.body;
    return nlohmann::json::parse(response.body, nullptr, false);
  }
  nlohmann::json call(const std::string& endpoint, std::map<std::string, std::string> params = {}) {
    return call(signer_, endpoint, std::move(params));
  }
  // The data of a signed call that must succeed.
  nlohmann::json data(const std::string& endpoint, std::map<std::string, std::string> params = {}) {
    const nlohmann::json body = call(endpoint, std::move(params));
    EXPECT_EQ(body.value("code", -999), 0) << body.dump();
    EXPECT_EQ(body.value("message", ""), "ok");
    EXPECT_EQ(body.value("version", ""), "1.0");
    return body.contains("data") ? body["data"] : nlohmann::json{};
  }
};

// "118.42 TH/s" read back to H/s; -1 when the text is not "<decimal> <unit>".
inline double hashrate_hs_of(const std::string& text) {
  static const std::map<std::string, double> kUnits = {
      {"H/s", 1},     {"KH/s", 1e3},  {"MH/s", 1e6}, {"GH/s", 1e9},
      {"TH/s", 1e12}, {"PH/s", 1e15}, {"EH/s", 1e18}};
  const auto space = text.find(' ');
  if (space == std::string::npos) return -1;
  auto unit = kUnits.find(text.substr(space + 1));
  if (unit == kUnits.end()) return -1;
  return std::stod(text.substr(0, space)) * unit->second;
}

}  // namespace kz::test
