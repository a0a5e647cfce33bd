#include "notify/channels/slack_channel.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/channels/hook_test_kit.hpp"
#include "notify/message_format.hpp"
#include "support/notify/hook_server.hpp"

namespace kz {
namespace {

using test::HookFailure;
using test::HookServer;

TEST(SlackChannel, PostsTheMrkdwnTextOnceAndIsDeliveredOnOk) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1301);
  for (int round = 0; round < 12; ++round) {
    const std::string url =
        hooks.add_slack("T0/B" + std::to_string(round) + "/" + test::generated_secret(rng));
    SlackChannel channel(test::hook_destination("slack", url), transport, test::local_options());
    const Digest digest = test::generated_digest(rng, 1 + round * 3);
    const DeliveryResult result = channel.send(digest);
    ASSERT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.error;
    EXPECT_TRUE(result.error.empty());
    const auto got = hooks.delivered(url);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(test::hook_message_text(got[0]),
              render_text(digest, TextStyle::slack_mrkdwn, kSlackTextLimit));
    EXPECT_EQ(got[0].header("Content-Type"), "application/json");
  }
}

TEST(SlackChannel, RefusalsNameSlacksErrorWordAndNeverTheHookUrl) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1302);
  const std::vector<std::pair<int, std::string>> refusals = {{400, "invalid_payload"},
                                                             {403, "action_prohibited"},
                                                             {404, "no_service"},
                                                             {410, "channel_is_archived"}};
  for (const auto& [status, word] : refusals) {
    for (int round = 0; round < 3; ++round) {
      const std::string secret = test::generated_secret(rng);
      const std::string url = hooks.add_slack("T9/B9/" + secret);
      hooks.fail_next(url, HookFailure{status, 1, 1, false, ""});
      SlackChannel channel(test::hook_destination("slack", url), transport, test::local_options());
      const std::size_t before = hooks.requests().size();
      const DeliveryResult result = channel.send(test::generated_digest(rng, 2));
      EXPECT_EQ(hooks.requests().size(), before + 1) << "one attempt per send";
      EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused) << status;
      EXPECT_EQ(result.error.rfind("slack ops-slack: ", 0), 0u) << result.error;
      EXPECT_NE(result.error.find(std::to_string(status)), std::string::npos) << result.error;
      EXPECT_NE(result.error.find(word), std::string::npos) << result.error;
      EXPECT_EQ(result.error.find(secret), std::string::npos) << result.error;
      EXPECT_FALSE(result.retry_after);
    }
  }
}

TEST(SlackChannel, AHookRemovedOrArchivedIsRefused) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1303);
  for (const bool archived : {false, true}) {
    const std::string url = hooks.add_slack("T1/B1/" + test::generated_secret(rng));
    SlackChannel channel(test::hook_destination("slack", url), transport, test::local_options());
    ASSERT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
              DeliveryResult::Outcome::delivered);
    hooks.remove(url, archived);
    const DeliveryResult result = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused);
    EXPECT_NE(result.error.find(archived ? "channel_is_archived" : "no_service"), std::string::npos)
        << result.error;
  }
}

TEST(SlackChannel, RateLimitIsTransientWithRetryAfterAndServerErrorsAreTransient) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1304);
  const std::string url = hooks.add_slack("T2/B2/" + test::generated_secret(rng));
  SlackChannel channel(test::hook_destination("slack", url), transport, test::local_options());
  for (int round = 0; round < 6; ++round) {
    const int wait = std::uniform_int_distribution<int>(1, 3600)(rng);
    hooks.fail_next(url, HookFailure{429, 1, static_cast<double>(wait), false, ""});
    const DeliveryResult limited = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(limited.outcome, DeliveryResult::Outcome::transient);
    ASSERT_TRUE(limited.retry_after);
    EXPECT_EQ(limited.retry_after->count(), wait);
  }
  for (const int status : {500, 502, 503, 504}) {
    hooks.fail_next(url, HookFailure{status, 1, 1, false, ""});
    const DeliveryResult failed = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(failed.outcome, DeliveryResult::Outcome::transient) << status;
    EXPECT_FALSE(failed.retry_after);
  }
  EXPECT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
            DeliveryResult::Outcome::delivered);
}

TEST(SlackChannel, OkStatusWithoutOkBodyIsNotMarkedDelivered) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1305);
  const std::string url = hooks.add_slack("T3/B3/" + test::generated_secret(rng));
  hooks.fail_next(url, HookFailure{200, 1, 1, false, "<html>proxy login</html>"});
  SlackChannel channel(test::hook_destination("slack", url), transport, test::local_options());
  EXPECT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
            DeliveryResult::Outcome::transient);
}

}  // namespace
}  // namespace kz
