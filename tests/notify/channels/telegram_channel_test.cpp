// TelegramChannel against the local Telegram Bot API (support/notify/telegram_server.hpp) over
// the real libcurl transport: every answer mapped, and the token in no error line.

#include "notify/channels/telegram_channel.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include "notify/message_format.hpp"
#include "support/notify/telegram_server.hpp"
#include "telegram_test_kit.hpp"

namespace kz {
namespace {

using Outcome = DeliveryResult::Outcome;
using test::expect_no_token;
using test::generated_token;
using test::percent_decoded;
using test::percent_encoded;
using test::TelegramServer;

class TelegramChannelTest : public ::testing::Test {
 protected:
  TelegramChannelTest() : server_({}), transport_(options()) {}

  static HttpOptions options() {
    HttpOptions o;
    o.connect_timeout = std::chrono::milliseconds{2000};
    o.total_timeout = std::chrono::milliseconds{5000};
    return o;
  }

  Destination destination(const std::string& token, const std::string& api_url = "") {
    Destination d;
    d.name = "ops-chat";
    d.type = "telegram";
    d.api_url = api_url.empty() ? server_.api_url() : api_url;
    d.secrets.token = token;
    return d;
  }

  DeliveryResult send(const std::string& token, const std::string& chat_id,
                      const std::string& text = "<b>rig-07</b> offline &amp; gone") {
    server_.add_token(token);
    TelegramChannel channel(destination(token), chat_id, transport_, options());
    return channel.send_text(text);
  }

  TelegramServer server_;
  CurlTransport transport_;
  std::mt19937 rng_{1313};
};

TEST_F(TelegramChannelTest, DeliversWithChatIdAsIntegerOrString) {
  for (const std::string chat_id : {"42", "-1001234567890", "@kzpool_ops", "7"}) {
    const std::string token = generated_token(rng_);
    const auto result = send(token, chat_id);
    ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
    const auto messages = server_.messages_to(chat_id);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(result.message_id, std::to_string(messages[0].message_id));
    EXPECT_EQ(messages[0].parse_mode, "HTML");
    EXPECT_TRUE(messages[0].disable_web_page_preview);
    EXPECT_EQ(messages[0].plain_text, "rig-07 offline & gone");
    const auto body = nlohmann::json::parse(server_.requests().back().body);
    EXPECT_EQ(body["chat_id"].is_number_integer(), chat_id[0] != '@') << body.dump();
    EXPECT_EQ(
        body["chat_id"].is_string() ? body["chat_id"].get<std::string>() : body["chat_id"].dump(),
        chat_id);
    EXPECT_EQ(server_.requests().back().content_type, "application/json");
  }
}

TEST_F(TelegramChannelTest, SendRendersTheDigestAsTelegramHtml) {
  Digest digest;
  digest.kind = DigestKind::transitions;
  for (int i = 0; i < 3; ++i) {
    DigestEntry entry;
    entry.kind = "opened";
    entry.account_name = "KZPool_00" + std::to_string(i);
    entry.alert_type = "worker_offline";
    entry.subject = "rig<" + std::to_string(i) + ">&co";
    entry.severity = "medium";
    entry.message = "worker offline";
    digest.entries.push_back(entry);
  }
  const std::string token = generated_token(rng_);
  server_.add_token(token);
  TelegramChannel channel(destination(token), "99", transport_, options());
  const auto result = channel.send(digest);
  ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
  ASSERT_EQ(server_.messages().size(), 1u);
  EXPECT_EQ(server_.messages()[0].text,
            render_text(digest, TextStyle::telegram_html, kTelegramTextLimit));
}

TEST_F(TelegramChannelTest, RateLimitIsTransientWithRetryAfter) {
  for (int seconds : {1, 7, 35, 3600}) {
    const std::string token = generated_token(rng_);
    const std::string chat = std::to_string(1000 + seconds);
    server_.set_rate_limited(chat, std::chrono::seconds{seconds}, 1);
    const auto limited = send(token, chat);
    EXPECT_EQ(limited.outcome, Outcome::transient);
    ASSERT_TRUE(limited.retry_after.has_value());
    EXPECT_EQ(limited.retry_after->count(), seconds);
    EXPECT_NE(limited.error.find("telegram ops-chat: "), std::string::npos) << limited.error;
    EXPECT_NE(limited.error.find("Too Many Requests"), std::string::npos) << limited.error;
    expect_no_token(limited.error, token);
    EXPECT_EQ(send(token, chat).outcome, Outcome::delivered);
  }
}

TEST_F(TelegramChannelTest, RateLimitFromTheRetryAfterHeaderAlone) {
  server_.set_override([](const test::TelegramRequest&) -> std::optional<test::TelegramReply> {
    test::TelegramReply reply = test::telegram_error(429, "Too Many Requests");
    reply.headers["Retry-After"] = "11";
    return reply;
  });
  const auto result = send(generated_token(rng_), "5");
  EXPECT_EQ(result.outcome, Outcome::transient);
  ASSERT_TRUE(result.retry_after.has_value());
  EXPECT_EQ(result.retry_after->count(), 11);
}

TEST_F(TelegramChannelTest, MigrationResendsOnceToTheNewChat) {
  const std::string token = generated_token(rng_);
  server_.set_migrated("-4321", "-1009876543210");
  const auto result = send(token, "-4321");
  ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
  EXPECT_EQ(result.migrated_chat_id, "-1009876543210");
  EXPECT_TRUE(server_.messages_to("-4321").empty());
  EXPECT_EQ(server_.messages_to("-1009876543210").size(), 1u);
  EXPECT_EQ(server_.requests().size(), 2u);

  server_.set_migrated("-555", "-100555");
  server_.set_blocked("-100555", /*kicked_from_group=*/true);
  const auto kicked = send(token, "-555");
  EXPECT_EQ(kicked.outcome, Outcome::refused);
  EXPECT_EQ(kicked.migrated_chat_id, "-100555");
  EXPECT_NE(kicked.error.find("kicked"), std::string::npos) << kicked.error;

  server_.set_migrated("-666", "-100666");
  server_.set_migrated("-100666", "-100667");
  const auto twice = send(token, "-666");
  EXPECT_EQ(twice.outcome, Outcome::refused);
  EXPECT_EQ(twice.migrated_chat_id, "-100666");
  EXPECT_EQ(server_.requests().size(), 6u);  // never a third attempt
}

// Each failure the Bot API answers, its outcome and a piece of its description; with generated
// tokens, none of which may show in the error line.
TEST_F(TelegramChannelTest, EveryFailureKindMapsAndHidesTheToken) {
  struct Kind {
    std::string name;
    Outcome outcome;
    std::string description;
    std::function<DeliveryResult(const std::string& token)> run;
  };
  const std::vector<Kind> kinds = {
      {"chat not found", Outcome::refused, "chat not found",
       [&](const std::string& t) {
         server_.set_chat_not_found("404404");
         return send(t, "404404");
       }},
      {"blocked", Outcome::refused, "bot was blocked by the user",
       [&](const std::string& t) {
         server_.set_blocked("403403");
         return send(t, "403403");
       }},
      {"unauthorized", Outcome::refused, "Unauthorized",
       [&](const std::string& t) {
         TelegramChannel channel(destination(t), "1", transport_, options());  // never added
         return channel.send_text("x");
       }},
      {"bad html", Outcome::refused, "can't parse entities",
       [&](const std::string& t) { return send(t, "8", "worker <rig-01> & co"); }},
      {"too long", Outcome::refused, "message is too long",
       [&](const std::string& t) { return send(t, "8", std::string(4097, 'a')); }},
      {"server error", Outcome::transient, "Internal Server Error",
       [&](const std::string& t) {
         server_.set_server_errors("500500", 1);
         return send(t, "500500");
       }},
      {"connection refused", Outcome::transient, "bot<redacted>",
       [&](const std::string& t) {
         TelegramChannel channel(destination(t, "http://127.0.0.1:1"), "1", transport_, options());
         return channel.send_text("x");
       }},
      {"body over the cap", Outcome::refused, "exceeds",
       [&](const std::string& t) {
         server_.add_token(t);
         HttpOptions small = options();
         small.max_body_bytes = 16;
         CurlTransport capped(small);
         TelegramChannel channel(destination(t), "1", capped, small);
         return channel.send_text("x");
       }},
      {"unconfirmed 200", Outcome::transient, "without ok:true",
       [&](const std::string& t) {
         server_.set_override([](const test::TelegramRequest&) {
           return std::optional(test::TelegramReply{200, R"({"ok":"yes","result":[]})", {}});
         });
         auto result = send(t, "1");
         server_.set_override({});
         return result;
       }},
      {"not json", Outcome::transient, "HTTP 502",
       [&](const std::string& t) {
         server_.set_override([](const test::TelegramRequest&) {
           return std::optional(test::TelegramReply{502, "<html>Bad Gateway</html>", {}});
         });
         auto result = send(t, "1");
         server_.set_override({});
         return result;
       }},
      {"url echoed", Outcome::refused, "<redacted>",
       [&](const std::string& t) {
         const std::string echoed = percent_encoded(server_.api_url() + "/bot" + t, rng_);
         server_.set_override([echoed](const test::TelegramRequest&) {
           return std::optional(test::telegram_error(400, "Bad Request: no route " + echoed));
         });
         auto result = send(t, "1");
         server_.set_override({});
         return result;
       }},
  };
  for (int round = 0; round < 5; ++round) {
    for (const Kind& kind : kinds) {
      const std::string token = generated_token(rng_);
      const DeliveryResult result = kind.run(token);
      EXPECT_EQ(result.outcome, kind.outcome) << kind.name << ": " << result.error;
      EXPECT_EQ(result.error.rfind("telegram ops-chat: ", 0), 0u) << result.error;
      EXPECT_NE(result.error.find(kind.description), std::string::npos)
          << kind.name << ": " << result.error;
      expect_no_token(result.error, token);
    }
  }
}

TEST(RedactTelegramToken, HidesEveryEncodingOfGeneratedTokens) {
  std::mt19937 rng(77);
  for (int i = 0; i < 200; ++i) {
    const std::string token = generated_token(rng);
    const std::string secret = token.substr(token.find(':') + 1);
    const std::string text = "POST https://api.telegram.org/bot" + percent_encoded(token, rng) +
                             "/sendMessage failed; bot" + token + "/x; again " + secret + " and " +
                             percent_encoded(secret, rng) + " end";
    const std::string redacted = redact_telegram_token(text, token);
    expect_no_token(redacted, token);
    EXPECT_EQ(redacted.rfind("POST https://api.telegram.org/bot<redacted>/sendMessage", 0), 0u)
        << redacted;
    EXPECT_NE(redacted.find("bot<redacted>/x; again <redacted> and <redacted> end"),
              std::string::npos)
        << redacted;
  }
  EXPECT_EQ(redact_telegram_token("nothing here", ""), "nothing here");
  EXPECT_EQ(redact_telegram_token("a 100%zz b", "1:abcdefghij"), "a 100%zz b");
}

}  // namespace
}  // namespace kz
