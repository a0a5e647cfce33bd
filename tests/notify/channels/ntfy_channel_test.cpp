#include "notify/channels/ntfy_channel.hpp"

#include <gtest/gtest.h>

#include "notify/channels/hook_test_kit.hpp"
#include "notify/message_format.hpp"
#include "support/notify/ntfy_server.hpp"

namespace kz {
namespace {

using test::NtfyFailure;
using test::NtfyServer;

Destination ntfy_destination(const std::string& url, const std::string& topic,
                             const std::string& token = "") {
  Destination destination;
  destination.name = "phone";
  destination.type = "ntfy";
  destination.url = url;
  destination.topic = topic;
  destination.secrets.token = token;
  return destination;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  return first == std::string::npos ? ""
                                    : text.substr(first, text.find_last_not_of(' ') - first + 1);
}

int expected_priority(const Digest& digest) {
  int highest = 3;
  for (const DigestEntry& entry : digest.entries) {
    if (entry.kind == "resolved") continue;
    if (entry.severity == "high") highest = 5;
    if (entry.severity == "medium" && highest < 4) highest = 4;
  }
  return highest;
}

TEST(NtfyHeaderValue, AsciiStaysAndEverythingElseRoundTripsThroughRfc2047) {
  std::mt19937 rng(1331);
  EXPECT_EQ(ntfy_header_value("kzpool: 2 opened"), "kzpool: 2 opened");
  EXPECT_EQ(ntfy_header_value("a\r\nInjected: 1"), "a  Injected: 1");
  EXPECT_EQ(ntfy_header_value("  padded \n"), "padded");
  for (int round = 0; round < 40; ++round) {
    std::string text = "kzpool: ";
    const int names = std::uniform_int_distribution<int>(1, 12)(rng);
    for (int i = 0; i < names; ++i) text += test::generated_worker(rng) + " ";
    const std::string value = ntfy_header_value(text);
    for (char c : value) {
      EXPECT_LT(static_cast<unsigned char>(c), 0x80) << value;
      EXPECT_GE(static_cast<unsigned char>(c), 0x20) << value;
    }
    std::size_t start = 0;
    while (start < value.size()) {
      const auto end = std::min(value.find(' ', start), value.size());
      EXPECT_LE(end - start, 75u) << "an encoded-word is at most 75 characters";
      start = end + 1;
    }
    EXPECT_EQ(test::decode_rfc2047(value), trimmed(text));
  }
}

TEST(NtfyChannel, PostsBodyTitlePriorityAndTagsToTheTopic) {
  NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1332);
  for (int round = 0; round < 12; ++round) {
    const std::string topic = "kz_" + test::generated_secret(rng, 12);
    NtfyChannel channel(ntfy_destination(ntfy.url() + (round % 2 ? "/" : ""), topic), transport,
                        test::local_options());
    const Digest digest = test::generated_digest(rng, 1 + round);
    const DeliveryResult result = channel.send(digest);
    ASSERT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.error;
    const auto got = ntfy.delivered();
    ASSERT_EQ(got.size(), static_cast<std::size_t>(round + 1));
    EXPECT_EQ(result.message_id, "msg" + std::to_string(round + 1));
    EXPECT_EQ(got.back().topic, topic);
    EXPECT_EQ(got.back().body, render_text(digest, TextStyle::plain, kNtfyBodyLimit));
    EXPECT_EQ(got.back().title, trimmed(render_title(digest)));
    EXPECT_EQ(got.back().priority, expected_priority(digest));
    EXPECT_EQ(got.back().tags.back(), "kzpool");
    EXPECT_TRUE(got.back().authorization.empty());
  }
}

TEST(NtfyChannel, SummaryAndTestAreDefaultPriority) {
  NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  NtfyChannel channel(ntfy_destination(ntfy.url(), "ops"), transport, test::local_options());
  for (const DigestKind kind : {DigestKind::daily_summary, DigestKind::test}) {
    Digest digest;
    digest.kind = kind;
    digest.note = "test";
    ASSERT_EQ(channel.send(digest).outcome, DeliveryResult::Outcome::delivered);
    EXPECT_EQ(ntfy.delivered().back().priority, 3);
    EXPECT_EQ(ntfy.delivered().back().tags.front(),
              kind == DigestKind::test ? "test_tube" : "bar_chart");
  }
}

TEST(NtfyChannel, BodyStaysUnderNtfysByteLimitWithMultiByteNames) {
  NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1333);
  NtfyChannel channel(ntfy_destination(ntfy.url(), "ops"), transport, test::local_options());
  for (int round = 0; round < 4; ++round) {
    Digest digest = test::generated_digest(rng, 150 + round * 50);
    for (DigestEntry& entry : digest.entries) entry.subject = "Ригсерверная_" + entry.subject;
    const DeliveryResult result = channel.send(digest);
    ASSERT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.error;
    EXPECT_LE(ntfy.delivered().back().body.size(), kNtfyBodyBytes);
  }
}

TEST(NtfyChannel, TokenIsSentAsBearerAndAWrongOneIsRefusedWithoutShowingIt) {
  NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1334);
  const std::string token = "tk_" + test::generated_secret(rng);
  ntfy.require_token(token);
  NtfyChannel good(ntfy_destination(ntfy.url(), "ops", token), transport, test::local_options());
  ASSERT_EQ(good.send(test::generated_digest(rng, 1)).outcome, DeliveryResult::Outcome::delivered);
  EXPECT_EQ(ntfy.delivered().back().authorization, "Bearer " + token);
  for (const std::string& wrong : {std::string(), "tk_" + test::generated_secret(rng)}) {
    NtfyChannel bad(ntfy_destination(ntfy.url(), "ops", wrong), transport, test::local_options());
    const DeliveryResult result = bad.send(test::generated_digest(rng, 1));
    EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused);
    EXPECT_EQ(result.error, "ntfy phone: HTTP 401 unauthorized");
  }
}

TEST(NtfyChannel, ForbiddenRefusedRateLimitAndServerErrorsTransient) {
  NtfyServer ntfy;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1335);
  ntfy.deny("closed");
  NtfyChannel closed(ntfy_destination(ntfy.url(), "closed"), transport, test::local_options());
  const DeliveryResult forbidden = closed.send(test::generated_digest(rng, 1));
  EXPECT_EQ(forbidden.outcome, DeliveryResult::Outcome::refused);
  EXPECT_EQ(forbidden.error.find("closed"), std::string::npos) << "the topic is not shown";

  NtfyChannel channel(ntfy_destination(ntfy.url(), "ops"), transport, test::local_options());
  for (int round = 0; round < 5; ++round) {
    const int wait = std::uniform_int_distribution<int>(1, 900)(rng);
    ntfy.fail_next(NtfyFailure{429, 1, wait});
    const DeliveryResult limited = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(limited.outcome, DeliveryResult::Outcome::transient);
    ASSERT_TRUE(limited.retry_after);
    EXPECT_EQ(limited.retry_after->count(), wait);
  }
  for (const int status : {500, 502, 503}) {
    ntfy.fail_next(NtfyFailure{status, 1, 1});
    EXPECT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
              DeliveryResult::Outcome::transient);
  }
  EXPECT_EQ(channel.send(test::generated_digest(rng, 1)).outcome,
            DeliveryResult::Outcome::delivered);
}

}  // namespace
}  // namespace kz
