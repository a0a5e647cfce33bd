#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// Telegram's limit on a photo's caption, in UTF-16 code units after entity parsing.
constexpr std::size_t kTelegramCaptionLimit = 1024;

// A Telegram chat through the Bot API (../shared/notifications.md "Telegram Bot API"): one
// POST <api_url>/bot<TOKEN>/sendMessage per send() (sendPhoto per send_photo()), JSON {"chat_id",
// "text", "parse_mode": "HTML", "disable_web_page_preview": true}, the text rendered by
// render_text(telegram_html, kTelegramTextLimit). chat_id goes out as a JSON integer when it is
// one, else as a string
// ("@channel"). Answers:
// - 200 {"ok":true,"result":{"message_id":N}}: delivered, message_id "N";
// - 429: transient, retry_after from parameters.retry_after, else the Retry-After header;
// - 400 with parameters.migrate_to_chat_id: sent once more to the new id within this send(),
//   whose outcome is returned with migrated_chat_id set (the caller keeps and logs the new id);
// - 400 ("chat not found", "can't parse entities", "message is too long"), 401, 403, 404 and
//   other 3xx/4xx: refused, with Telegram's description;
// - 5xx, 408 and transport errors: transient; a transport error HttpResult::permanent marks
//   (malformed api_url, certificate that does not verify, body over the cap): refused.
// `error` is "telegram <name>: <description>", one line, with the token redacted
// (redact_telegram_token) also where libcurl or a server echoes the URL. Throws nothing.
class TelegramChannel : public Channel {
 public:
  // `destination` gives name, api_url and secrets.token; `chat_id` is the id to send to (the
  // configured one, or the one a migration gave). `transport` must outlive the channel; each
  // attempt gets options.total_timeout.
  TelegramChannel(const Destination& destination, std::string chat_id, HttpTransport& transport,
                  HttpOptions options);

  DeliveryResult send(const Digest& digest) override;

  // send() of an already rendered HTML text (the same request and answers).
  DeliveryResult send_text(const std::string& text);

  bool sends_photos() const override { return true; }
  // POST <api_url>/bot<TOKEN>/sendPhoto, multipart/form-data (libcurl's mime API): chat_id,
  // caption (Telegram HTML: the title bold, then the caption, escaped and shortened with "…" to
  // kTelegramCaptionLimit UTF-16 units as Telegram counts them, after parsing), parse_mode "HTML"
  // and photo (the PNG as file "chart.png", image/png). The same answers, migration and token
  // redaction as send().
  DeliveryResult send_photo(const ChartImage& image) override;
  // send_photo() of an already rendered caption, sent as it is.
  DeliveryResult send_photo_html(const std::string& png, const std::string& caption_html);

 private:
  // One attempt at the configured chat, then at most one more at the id a migration names.
  DeliveryResult with_migration(const std::function<DeliveryResult(const std::string&)>& attempt);
  HttpRequest text_request(const std::string& chat_id, const std::string& text) const;
  HttpRequest photo_request(const std::string& chat_id, const std::string& png,
                            const std::string& caption_html) const;
  // Performs `request` and maps the Bot API's answer (see above).
  DeliveryResult exchange(const HttpRequest& request);

  std::string name_;
  std::string api_url_;
  std::string token_;
  std::string chat_id_;
  HttpTransport& transport_;
  HttpOptions options_;
};

// `text` with every occurrence of `token` replaced by "<redacted>", so that a URL's
// "bot<TOKEN>" reads "bot<redacted>". Also finds the token with any of its characters
// percent-encoded (%3A or %3a for ':'), and the secret part after its ':' on its own (when 8
// characters or longer). An empty token changes nothing.
std::string redact_telegram_token(std::string_view text, std::string_view token);

}  // namespace kz
