// Telegram counts a text's length in UTF-16 code units after parsing, render_text counts code
// points with the markup: digests of many emoji, Cyrillic and markup characters in worker names
// must still fit (the local server refuses "message is too long" as Telegram does).
#include <gtest/gtest.h>

#include <random>

#include "notify/channels/telegram_channel.hpp"
#include "support/notify/telegram_server.hpp"

namespace kz {
namespace {

using Outcome = DeliveryResult::Outcome;

TEST(TelegramLength, LargeDigestsOfWideCharactersFitTelegramsLimit) {
  const std::string token = "123456:length-test-token_abcdefghijklmnopqrstuv";
  test::TelegramServer server({token});
  HttpOptions options;
  options.total_timeout = std::chrono::seconds{10};
  CurlTransport transport(options);
  Destination destination;
  destination.name = "ops";
  destination.type = "telegram";
  destination.api_url = server.api_url();
  destination.secrets.token = token;
  TelegramChannel channel(destination, "42", transport, options);

  std::mt19937 random(4096);
  const std::vector<std::string> pieces = {"😀", "🔥", "ж", "<", "&", "a", "𝔘", "⚡"};
  for (int round = 0; round < 12; ++round) {
    Digest digest;
    digest.kind = DigestKind::transitions;
    const int entries = 20 + static_cast<int>(random() % 400);
    for (int i = 0; i < entries; ++i) {
      DigestEntry entry;
      entry.kind = "opened";
      entry.account_name = "KZPool_" + std::to_string(i % 7);
      entry.alert_type = "worker_offline";
      for (int c = 0; c < 5 + static_cast<int>(random() % 60); ++c) {
        entry.subject += pieces[random() % pieces.size()];
      }
      entry.severity = i % 3 == 0 ? "high" : "medium";
      entry.message = "worker " + entry.subject + " offline";
      digest.entries.push_back(entry);
    }
    const auto result = channel.send(digest);
    ASSERT_EQ(result.outcome, Outcome::delivered) << "round " << round << ": " << result.error;
    const auto message = server.messages().back();
    const auto length = test::utf16_length(message.plain_text);
    ASSERT_TRUE(length);
    EXPECT_LE(*length, test::kTelegramServerTextLimit);
    EXPECT_GT(*length, test::kTelegramServerTextLimit / 3) << "not cut far below the limit";
  }
}

}  // namespace
}  // namespace kz
