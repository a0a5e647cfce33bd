// TelegramChannel::send_photo against the local Telegram Bot API over the real libcurl
// transport: the multipart fields, the caption fitted to Telegram's 1024 UTF-16 units, and the
// answers mapped as for sendMessage, the token in no error line.

#include <gtest/gtest.h>

#include <random>

#include "notify/channels/telegram_channel.hpp"
#include "support/notify/telegram_server.hpp"
#include "telegram_test_kit.hpp"

namespace kz {
namespace {

using Outcome = DeliveryResult::Outcome;
using test::expect_no_token;
using test::generated_token;
using test::TelegramServer;

void append_big_endian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// PNG-shaped bytes: the signature, an IHDR chunk of `width` x `height`, then random bytes (NULs,
// CR and LF included, which a multipart body must carry as they are).
std::string png_bytes(uint32_t width, uint32_t height, std::size_t extra, std::mt19937& rng) {
  std::string png = "\x89PNG\r\n\x1a\n";
  append_big_endian(png, 13);
  png += "IHDR";
  append_big_endian(png, width);
  append_big_endian(png, height);
  png += std::string("\x08\x02\x00\x00\x00", 5);
  for (std::size_t i = 0; i < extra; ++i) {
    png += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  }
  return png;
}

// Random text from pieces Telegram counts differently: ASCII, markup characters, Cyrillic
// (2 bytes, 1 unit), CJK (3 bytes, 1 unit) and emoji (4 bytes, 2 units).
std::string random_text(std::size_t pieces, std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"a", "Z", "7",  " ",  "<", ">", "&", "\"",
                                                   "й", "Ж", "矿", "池", "😀", "⛏", "-", "_"};
  std::string text;
  for (std::size_t i = 0; i < pieces; ++i) {
    text += kPieces[std::uniform_int_distribution<std::size_t>(0, kPieces.size() - 1)(rng)];
  }
  return text;
}

class TelegramPhotoTest : public ::testing::Test {
 protected:
  TelegramPhotoTest() : server_({}), transport_(options()) {}

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
                      const ChartImage& image) {
    server_.add_token(token);
    TelegramChannel channel(destination(token), chat_id, transport_, options());
    return channel.send_photo(image);
  }

  ChartImage image(const std::string& title = "KZPool_001",
                   const std::string& caption = "hashrate, 24 h: average 1.5 PH/s") {
    return ChartImage{png_bytes(800, 300, 4000, rng_), title, caption};
  }

  TelegramServer server_;
  CurlTransport transport_;
  std::mt19937 rng_{1414};
};

TEST_F(TelegramPhotoTest, SendsTheFieldsAsMultipartFormData) {
  for (const std::string chat_id : {"42", "-1001234567890", "@kzpool_ops"}) {
    const std::string token = generated_token(rng_);
    const auto width = std::uniform_int_distribution<uint32_t>(1, 4000)(rng_);
    const auto height = std::uniform_int_distribution<uint32_t>(1, 4000)(rng_);
    const ChartImage sent{
        png_bytes(width, height, std::uniform_int_distribution<std::size_t>(0, 300000)(rng_), rng_),
        "rig<7>&co", "average 3 TH/s"};
    const auto result = send(token, chat_id, sent);
    ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
    const auto photos = server_.photos();
    ASSERT_FALSE(photos.empty());
    const test::TelegramPhoto& photo = photos.back();
    EXPECT_EQ(result.message_id, std::to_string(photo.message_id));
    EXPECT_EQ(photo.chat_id, chat_id);
    EXPECT_EQ(photo.photo, sent.png);  // byte for byte
    const auto size = test::png_dimensions(photo.photo);
    ASSERT_TRUE(size);
    EXPECT_EQ(size->first, width);
    EXPECT_EQ(size->second, height);
    EXPECT_EQ(photo.filename, "chart.png");
    EXPECT_EQ(photo.content_type, "image/png");
    EXPECT_EQ(photo.parse_mode, "HTML");
    EXPECT_EQ(photo.caption, "<b>rig&lt;7&gt;&amp;co</b>: average 3 TH/s");
    EXPECT_EQ(photo.plain_caption, "rig<7>&co: average 3 TH/s");
    const test::TelegramRequest request = server_.requests().back();
    EXPECT_EQ(request.method, "sendPhoto");
    EXPECT_EQ(request.content_type.rfind("multipart/form-data; boundary=", 0), 0u)
        << request.content_type;
  }
  EXPECT_TRUE(server_.messages().empty());
}

// Captions of every length around the limit, in characters Telegram counts as one or two units:
// each is accepted, within 1024 units, whole when it fits, else a prefix ending in "…" that
// uses most of the room (markup and entities not counted, as Telegram does not).
TEST_F(TelegramPhotoTest, CaptionsAreFittedToTelegramsLimit) {
  const std::string token = generated_token(rng_);
  for (int round = 0; round < 60; ++round) {
    const std::string title =
        random_text(std::uniform_int_distribution<std::size_t>(1, 40)(rng_), rng_);
    const std::string caption =
        random_text(std::uniform_int_distribution<std::size_t>(0, 1400)(rng_), rng_);
    const auto result = send(token, "77", ChartImage{png_bytes(8, 8, 10, rng_), title, caption});
    ASSERT_EQ(result.outcome, Outcome::delivered) << result.error;
    const std::string plain = server_.photos().back().plain_caption;
    const std::string full = caption.empty() ? title : title + ": " + caption;
    const std::size_t units = *test::utf16_length(plain);
    EXPECT_LE(units, test::kTelegramServerCaptionLimit);
    if (*test::utf16_length(full) <= test::kTelegramServerCaptionLimit) {
      EXPECT_EQ(plain, full);
    } else {
      const std::string ellipsis = "…";
      ASSERT_GE(plain.size(), ellipsis.size());
      ASSERT_EQ(plain.substr(plain.size() - ellipsis.size()), ellipsis) << plain;
      EXPECT_EQ(full.rfind(plain.substr(0, plain.size() - ellipsis.size()), 0), 0u) << plain;
      EXPECT_GE(units, test::kTelegramServerCaptionLimit * 9 / 10) << plain;
    }
  }
}

TEST_F(TelegramPhotoTest, TheServerRefusesWhatTelegramRefuses) {
  const std::string token = generated_token(rng_);
  server_.add_token(token);
  TelegramChannel channel(destination(token), "9", transport_, options());
  const std::string png = png_bytes(4, 4, 64, rng_);
  const auto long_caption = channel.send_photo_html(png, std::string(1025, 'x'));
  EXPECT_EQ(long_caption.outcome, Outcome::refused);
  EXPECT_NE(long_caption.error.find("message caption is too long"), std::string::npos)
      << long_caption.error;
  EXPECT_EQ(channel.send_photo_html(png, std::string(1024, 'x')).outcome, Outcome::delivered);
  const auto not_an_image = channel.send_photo_html("GIF89a" + std::string(50, 'x'), "c");
  EXPECT_EQ(not_an_image.outcome, Outcome::refused);
  EXPECT_NE(not_an_image.error.find("IMAGE_PROCESS_FAILED"), std::string::npos);
  const std::string jpeg = "\xFF\xD8\xFF\xE0" + std::string(40, 'j');
  EXPECT_EQ(channel.send_photo_html(jpeg, "").outcome, Outcome::delivered);

  // Forms our client never sends, straight to the server.
  const auto post = [&](std::vector<FormPart> form) {
    HttpRequest request;
    request.method = "POST";
    request.url = server_.api_url() + "/bot" + token + "/sendPhoto";
    request.form = std::move(form);
    return transport_.perform(request, std::chrono::seconds{5});
  };
  const auto no_photo = post({{"chat_id", "9", "", ""}, {"caption", "c", "", ""}});
  ASSERT_TRUE(no_photo.response);
  EXPECT_EQ(no_photo.response->status, 400);
  EXPECT_NE(no_photo.response->body.find("there is no photo in the request"), std::string::npos);
  const auto photo_text = post({{"chat_id", "9", "", ""}, {"photo", png, "", ""}});
  ASSERT_TRUE(photo_text.response);
  EXPECT_EQ(photo_text.response->status, 400);
  EXPECT_NE(photo_text.response->body.find("wrong file identifier"), std::string::npos);
  EXPECT_EQ(server_.photos().size(), 2u);
}

TEST_F(TelegramPhotoTest, RateLimitMigrationAndRefusalsMapAsForMessages) {
  for (int seconds : {1, 35, 3600}) {
    const std::string token = generated_token(rng_);
    const std::string chat = std::to_string(2000 + seconds);
    server_.set_rate_limited(chat, std::chrono::seconds{seconds}, 1);
    const auto limited = send(token, chat, image());
    EXPECT_EQ(limited.outcome, Outcome::transient);
    ASSERT_TRUE(limited.retry_after.has_value());
    EXPECT_EQ(limited.retry_after->count(), seconds);
    expect_no_token(limited.error, token);
    EXPECT_EQ(send(token, chat, image()).outcome, Outcome::delivered);
  }

  const std::string token = generated_token(rng_);
  server_.set_migrated("-4321", "-1009876543210");
  const auto migrated = send(token, "-4321", image());
  ASSERT_EQ(migrated.outcome, Outcome::delivered) << migrated.error;
  EXPECT_EQ(migrated.migrated_chat_id, "-1009876543210");
  EXPECT_EQ(server_.photos().back().chat_id, "-1009876543210");

  for (int round = 0; round < 5; ++round) {
    const std::string secret = generated_token(rng_);
    TelegramChannel unknown(destination(secret), "1", transport_, options());  // never added
    const auto unauthorized = unknown.send_photo(image());
    EXPECT_EQ(unauthorized.outcome, Outcome::refused);
    EXPECT_NE(unauthorized.error.find("Unauthorized"), std::string::npos) << unauthorized.error;
    EXPECT_NE(unauthorized.error.find("check the bot token"), std::string::npos);
    expect_no_token(unauthorized.error, secret);

    server_.set_blocked("403403");
    const auto blocked = send(secret, "403403", image());
    EXPECT_EQ(blocked.outcome, Outcome::refused);
    EXPECT_NE(blocked.error.find("bot was blocked by the user"), std::string::npos);
    expect_no_token(blocked.error, secret);

    TelegramChannel closed(destination(secret, "http://127.0.0.1:1"), "1", transport_, options());
    const auto unreachable = closed.send_photo(image());
    EXPECT_EQ(unreachable.outcome, Outcome::transient);
    EXPECT_EQ(unreachable.error.rfind("telegram ops-chat: ", 0), 0u) << unreachable.error;
    expect_no_token(unreachable.error, secret);
  }
}

}  // namespace
}  // namespace kz
