// No error line of a hook channel names its secret: the hook URL (and its token piece), the
// webhook's signing secret, the ntfy token and topic. Generated secrets, every failure kind.

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "notify/channels/discord_channel.hpp"
#include "notify/channels/hook_test_kit.hpp"
#include "notify/channels/ntfy_channel.hpp"
#include "notify/channels/slack_channel.hpp"
#include "notify/channels/webhook_channel.hpp"
#include "support/notify/hook_server.hpp"
#include "support/notify/ntfy_server.hpp"

namespace kz {
namespace {

using test::HookFailure;

struct Case {
  std::string type;
  std::unique_ptr<Channel> channel;
  std::vector<std::string> secrets;
};

// A channel of `type` whose URL points at `base` (a live server or a closed port).
Case make_case(const std::string& type, const std::string& base, std::mt19937& rng,
               HttpTransport& transport, test::HookServer* hooks) {
  Case c;
  c.type = type;
  const std::string token = test::generated_secret(rng, 24 + rng() % 40);
  Destination destination = test::hook_destination(type, "");
  if (type == "ntfy") {
    destination.url = base;
    destination.topic = "t" + token;
    destination.secrets.token = "tk_" + test::generated_secret(rng);
    c.secrets = {destination.topic, destination.secrets.token};
    c.channel = std::make_unique<NtfyChannel>(destination, transport, test::local_options());
    return c;
  }
  std::string url;
  if (hooks != nullptr) {
    url = type == "slack"     ? hooks->add_slack("T0/B0/" + token)
          : type == "discord" ? hooks->add_discord("123", token)
                              : hooks->add_generic(token);
  } else {
    url = base +
          (type == "slack"     ? "/slack/T0/B0/"
           : type == "discord" ? "/discord/123/"
                               : "/hook/") +
          token;
  }
  destination.secrets.hook_url = url;
  c.secrets = {url, token};
  if (type == "slack") {
    c.channel = std::make_unique<SlackChannel>(destination, transport, test::local_options());
  } else if (type == "discord") {
    c.channel = std::make_unique<DiscordChannel>(destination, transport, test::local_options());
  } else {
    destination.secrets.signing_secret = test::generated_secret(rng);
    c.secrets.push_back(destination.secrets.signing_secret);
    c.channel = std::make_unique<WebhookChannel>(destination, transport, test::local_options());
  }
  return c;
}

void expect_clean(const DeliveryResult& result, const Case& c, const std::string& what) {
  EXPECT_NE(result.outcome, DeliveryResult::Outcome::delivered) << what;
  EXPECT_FALSE(result.error.empty()) << what;
  EXPECT_EQ(result.error.rfind(c.type + " ops-" + c.type + ": ", 0) == 0 ||
                result.error.rfind(c.type + " ops-ntfy: ", 0) == 0,
            true)
      << result.error;
  for (const std::string& secret : c.secrets) {
    EXPECT_EQ(result.error.find(secret), std::string::npos)
        << what << ": " << result.error << " shows " << secret;
  }
}

TEST(HookSecrets, NoFailureLineShowsAUrlTokenOrSecret) {
  test::HookServer hooks;
  test::NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1341);
  for (const std::string type : {"slack", "discord", "webhook", "ntfy"}) {
    // The transport fails: nothing listens (curl's error names the URL).
    for (int round = 0; round < 3; ++round) {
      const std::string base = "http://127.0.0.1:" + std::to_string(test::closed_port());
      Case c = make_case(type, base, rng, transport, nullptr);
      const DeliveryResult result = c.channel->send(test::generated_digest(rng, 2));
      EXPECT_EQ(result.outcome, DeliveryResult::Outcome::transient) << result.error;
      expect_clean(result, c, type + " closed port");
    }
    // Every status the server can answer with.
    for (const int status : {400, 401, 403, 404, 408, 410, 413, 429, 500, 502, 503, 504}) {
      Case c = make_case(type, ntfy.url(), rng, transport, type == "ntfy" ? nullptr : &hooks);
      if (type == "ntfy") {
        ntfy.fail_next(test::NtfyFailure{status, 1, 3});
      } else {
        hooks.fail_next(c.secrets[0], HookFailure{status, 1, 3, false, ""});
      }
      expect_clean(c.channel->send(test::generated_digest(rng, 2)), c,
                   type + " " + std::to_string(status));
    }
  }
}

TEST(HookSecrets, AServerEchoingTheSecretInItsBodyIsScrubbed) {
  test::HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1342);
  for (const std::string type : {"slack", "discord", "webhook"}) {
    Case c = make_case(type, "", rng, transport, &hooks);
    const std::string echo = type == "discord"
                                 ? R"({"message": "bad hook )" + c.secrets[0] + R"(", "code": 1})"
                                 : c.secrets[1];
    hooks.fail_next(c.secrets[0], HookFailure{400, 1, 1, false, echo});
    expect_clean(c.channel->send(test::generated_digest(rng, 1)), c, type + " echo");
  }
}

}  // namespace
}  // namespace kz
