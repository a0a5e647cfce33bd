#include "notify/channels/discord_channel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "notify/channels/hook_test_kit.hpp"
#include "notify/message_format.hpp"
#include "support/notify/hook_server.hpp"

namespace kz {
namespace {

using test::HookFailure;
using test::HookServer;

TEST(DiscordChannel, PostsTheContentOnceAndIsDeliveredOn204) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1311);
  for (int round = 0; round < 12; ++round) {
    const std::string url =
        hooks.add_discord(std::to_string(100000 + round), test::generated_secret(rng, 68));
    DiscordChannel channel(test::hook_destination("discord", url), transport,
                           test::local_options());
    const Digest digest = test::generated_digest(rng, 1 + round * 7);
    const DeliveryResult result = channel.send(digest);
    ASSERT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.error;
    EXPECT_TRUE(result.message_id.empty());
    const auto got = hooks.delivered(url);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, 204);
    const std::string content = test::hook_message_text(got[0]);
    EXPECT_EQ(content, render_text(digest, TextStyle::discord_markdown, kDiscordContentLimit));
    EXPECT_LE(code_points(content), kDiscordContentLimit);
  }
}

TEST(DiscordChannel, WaitTrueGivesTheMessageId) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1312);
  const std::string url = hooks.add_discord("42", test::generated_secret(rng, 68));
  DiscordChannel channel(test::hook_destination("discord", url + "?wait=true"), transport,
                         test::local_options());
  const DeliveryResult result = channel.send(test::generated_digest(rng, 3));
  ASSERT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.error;
  const auto got = hooks.delivered(url);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 200);
  EXPECT_FALSE(result.message_id.empty());
}

TEST(DiscordServer, RejectsContentOver2000CharactersLikeDiscord) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  const std::string url = hooks.add_discord("7", "tok");
  for (const std::string unit : {"a", "ж", "😀"}) {
    for (const std::size_t count : {std::size_t{1999}, std::size_t{2000}, std::size_t{2001}}) {
      std::string content;
      for (std::size_t i = 0; i < count; ++i) content += unit;
      HttpRequest request;
      request.method = "POST";
      request.url = url;
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = nlohmann::json{{"content", content}}.dump();
      const HttpResult result = transport.perform(request, std::chrono::seconds{10});
      ASSERT_TRUE(result.response) << result.transport_error;
      if (count <= 2000) {
        EXPECT_EQ(result.response->status, 204);
      } else {
        EXPECT_EQ(result.response->status, 400);
        EXPECT_EQ(nlohmann::json::parse(result.response->body),
                  (nlohmann::json{
                      {"content", nlohmann::json::array({"Must be 2000 or fewer in length."})}}));
      }
    }
  }
}

TEST(DiscordChannel, A400IsRefusedWithDiscordsMessage) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1313);
  const std::string secret = test::generated_secret(rng, 68);
  const std::string url = hooks.add_discord("8", secret);
  hooks.fail_next(
      url, HookFailure{400, 1, 1, false, R"({"content": ["Must be 2000 or fewer in length."]})"});
  DiscordChannel channel(test::hook_destination("discord", url), transport, test::local_options());
  const DeliveryResult result = channel.send(test::generated_digest(rng, 2));
  EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused);
  EXPECT_NE(result.error.find("content: Must be 2000 or fewer in length."), std::string::npos)
      << result.error;
  EXPECT_EQ(result.error.find(secret), std::string::npos);
}

TEST(DiscordChannel, RateLimitRoundsFractionalRetryAfterUp) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1314);
  const std::string url = hooks.add_discord("9", test::generated_secret(rng, 68));
  DiscordChannel channel(test::hook_destination("discord", url), transport, test::local_options());
  for (int round = 0; round < 8; ++round) {
    const double wait = std::uniform_int_distribution<int>(1, 600'000)(rng) / 1000.0;
    const bool global = round % 2 == 1;
    hooks.fail_next(url, HookFailure{429, 1, wait, global, ""});
    const DeliveryResult result = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(result.outcome, DeliveryResult::Outcome::transient);
    ASSERT_TRUE(result.retry_after);
    EXPECT_EQ(result.retry_after->count(), static_cast<long long>(std::ceil(wait))) << wait;
    EXPECT_EQ(result.error.find("global") != std::string::npos, global) << result.error;
  }
}

TEST(DiscordChannel, UnauthorizedForbiddenUnknownAreRefusedServerErrorsTransient) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1315);
  const std::string url = hooks.add_discord("10", test::generated_secret(rng, 68));
  DiscordChannel channel(test::hook_destination("discord", url), transport, test::local_options());
  for (const int status : {401, 403, 404}) {
    hooks.fail_next(url, HookFailure{status, 1, 1, false, ""});
    const DeliveryResult result = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused) << status;
    EXPECT_EQ(result.error.rfind("discord ops-discord: HTTP " + std::to_string(status), 0), 0u)
        << result.error;
  }
  for (const int status : {500, 502, 503}) {
    hooks.fail_next(url, HookFailure{status, 1, 1, false, ""});
    EXPECT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
              DeliveryResult::Outcome::transient)
        << status;
  }
  hooks.remove(url);
  const DeliveryResult gone = channel.send(test::generated_digest(rng, 1));
  EXPECT_EQ(gone.outcome, DeliveryResult::Outcome::refused);
  EXPECT_NE(gone.error.find("Unknown Webhook"), std::string::npos) << gone.error;
}

}  // namespace
}  // namespace kz
