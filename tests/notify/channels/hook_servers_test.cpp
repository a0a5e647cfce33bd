// The local Slack/Discord/webhook and ntfy servers answer malformed requests as the real
// services document, so that the channel tests cannot pass against a server that accepts all.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/channels/hook_test_kit.hpp"
#include "support/notify/hook_server.hpp"
#include "support/notify/ntfy_server.hpp"

namespace kz {
namespace {

HttpResponse post(const std::string& url, const std::string& body, Headers headers = {}) {
  CurlTransport transport(test::local_options());
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = std::move(headers);
  request.body = body;
  HttpResult result = transport.perform(request, std::chrono::seconds{10});
  EXPECT_TRUE(result.response) << result.transport_error;
  return result.response ? *result.response : HttpResponse{};
}

TEST(HookServers, SlackRejectsPayloadsWithoutText) {
  test::HookServer hooks;
  const std::string url = hooks.add_slack("T/B/abc");
  EXPECT_EQ(post(url, "not json").body, "invalid_payload");
  EXPECT_EQ(post(url, R"({"blocks": []})").body, "no_text");
  EXPECT_EQ(post(url, R"({"text": ""})").status, 400);
  const HttpResponse ok = post(url, R"({"text": "hi"})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok");
  EXPECT_EQ(post(hooks.base_url() + "/slack/T/B/other", R"({"text": "hi"})").body, "no_service");
}

TEST(HookServers, DiscordRejectsEmptyAndInvalidContent) {
  test::HookServer hooks;
  const std::string url = hooks.add_discord("1", "tok");
  EXPECT_EQ(nlohmann::json::parse(post(url, R"({"content": ""})").body).at("code"), 50006);
  EXPECT_EQ(nlohmann::json::parse(post(url, "{").body).at("code"), 50109);
  EXPECT_EQ(nlohmann::json::parse(post(url + "x", R"({"content": "a"})").body).at("code"), 10015);
}

TEST(HookServers, GenericRequiresJsonAndAValidSignatureWhenItHasASecret) {
  test::HookServer hooks;
  const std::string open = hooks.add_generic("open");
  EXPECT_EQ(post(open, "{").status, 400);
  EXPECT_EQ(post(open, "{}").status, 200);
  const std::string signed_hook = hooks.add_generic("signed", "s3cret");
  EXPECT_EQ(post(signed_hook, "{}").status, 401);
  EXPECT_EQ(post(signed_hook, "{}", {{"X-Kzpool-Signature", "sha256=00"}}).status, 401);
}

TEST(NtfyServerTest, RejectsBadPriorityOversizedBodiesAndBadTopics) {
  test::NtfyServer ntfy;
  EXPECT_EQ(post(ntfy.url() + "/ops", "hi", {{"Priority", "urgent"}}).status, 200);
  EXPECT_EQ(ntfy.delivered().back().priority, 5);
  EXPECT_EQ(post(ntfy.url() + "/ops", "hi", {{"Priority", "9"}}).status, 400);
  EXPECT_EQ(post(ntfy.url() + "/ops", std::string(4096, 'a')).status, 200);
  EXPECT_EQ(post(ntfy.url() + "/ops", std::string(4097, 'a')).status, 413);
  EXPECT_EQ(post(ntfy.url() + "/a/b", "hi").status, 404);
  EXPECT_EQ(post(ntfy.url() + "/" + std::string(65, 't'), "hi").status, 404);
}

}  // namespace
}  // namespace kz
