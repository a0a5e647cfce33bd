#include "notify/channels/hook_post.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <random>

#include "notify/channels/hook_test_kit.hpp"
#include "notify/channels/slack_channel.hpp"
#include "notify/channels/webhook_channel.hpp"
#include "support/notify/hook_server.hpp"

namespace kz {
namespace {

HttpResponse with_retry_after(const std::string& value) {
  HttpResponse response;
  response.status = 429;
  response.headers.emplace_back("retry-after", value);
  return response;
}

TEST(RetryAfter, SecondsRoundUpAndHttpDatesCountFromNow) {
  const auto now = std::chrono::system_clock::from_time_t(1'795'000'000);
  std::mt19937 rng(1351);
  for (int round = 0; round < 50; ++round) {
    const int millis = std::uniform_int_distribution<int>(0, 3'600'000)(rng);
    const std::string text =
        std::to_string(millis / 1000) + "." + std::to_string(1000 + millis % 1000).substr(1);
    const auto got = retry_after_of(with_retry_after(text), now);
    ASSERT_TRUE(got) << text;
    EXPECT_EQ(got->count(), (millis + 999) / 1000) << text;

    const int seconds = std::uniform_int_distribution<int>(0, 86'400)(rng);
    const time_t at = 1'795'000'000 + seconds;
    char date[64];
    std::tm tm{};
    gmtime_r(&at, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const auto from_date = retry_after_of(with_retry_after(date), now);
    ASSERT_TRUE(from_date) << date;
    EXPECT_EQ(from_date->count(), seconds) << date;
  }
  EXPECT_EQ(retry_after_of(with_retry_after("Thu, 01 Jan 2026 00:00:00 GMT"), now)->count(), 0)
      << "a date in the past: at once";
  for (const std::string bad : {"", "soon", "-5", "nan", "1e300"}) {
    EXPECT_FALSE(retry_after_of(with_retry_after(bad), now)) << bad;
  }
  EXPECT_FALSE(retry_after_of(HttpResponse{}, now));
}

TEST(HookPostScrub, HidesEverySecretFormAndKeepsLinesShortAndSingle) {
  std::mt19937 rng(1352);
  for (int round = 0; round < 30; ++round) {
    const std::string token = test::generated_secret(rng, 20 + static_cast<std::size_t>(round));
    const std::string url = "https://hooks.example/services/T" + std::to_string(round) + "/" +
                            token + "?key=" + token.substr(0, 10);
    HookPost post;
    post.label = "slack x";
    post.secrets = {url};
    const std::string text = "failed (" + url + ") then " + token + "\nand the query " +
                             token.substr(0, 10) + std::string(400, 'z');
    const std::string scrubbed = post.scrub(text);
    EXPECT_EQ(scrubbed.find(token), std::string::npos) << scrubbed;
    EXPECT_EQ(scrubbed.find(token.substr(0, 10)), std::string::npos) << scrubbed;
    EXPECT_EQ(scrubbed.find('\n'), std::string::npos);
    EXPECT_LE(scrubbed.size(), 300u + std::string("…").size());
  }
}

TEST(HookPostJsonBody, InvalidUtf8InANameBecomesReplacementCharactersNotAnException) {
  std::mt19937 rng(1354);
  for (int round = 0; round < 20; ++round) {
    std::string name = test::generated_worker(rng);
    name.insert(std::uniform_int_distribution<std::size_t>(0, name.size())(rng), "\xff\xc3");
    const std::string body = json_body(nlohmann::json{{"text", name}});
    const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << body;
    EXPECT_NE(parsed.at("text").get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
  }
}

TEST(HookStatus, ARedirectIsRefusedAndNotFollowed) {
  test::HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1353);
  const std::string slack = hooks.add_slack("T/B/" + test::generated_secret(rng));
  const std::string hook = hooks.add_generic(test::generated_secret(rng));
  SlackChannel slack_channel(test::hook_destination("slack", slack), transport,
                             test::local_options());
  WebhookChannel hook_channel(test::hook_destination("webhook", hook), transport,
                              test::local_options());
  for (const int status : {301, 302, 307, 308}) {
    hooks.fail_next(slack, {status, 1, 1, false, ""});
    hooks.fail_next(hook, {status, 1, 1, false, ""});
    EXPECT_EQ(slack_channel.send(test::generated_digest(rng, 1)).outcome,
              DeliveryResult::Outcome::refused)
        << status;
    EXPECT_EQ(hook_channel.send(test::generated_digest(rng, 1)).outcome,
              DeliveryResult::Outcome::refused)
        << status;
  }
  EXPECT_EQ(hooks.requests().size(), 8u) << "one request per send, nothing followed";
}

}  // namespace
}  // namespace kz
