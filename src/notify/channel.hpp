#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "notify/digest.hpp"

namespace kz {

// What a channel made of one attempt to deliver one message.
struct DeliveryResult {
  enum class Outcome {
    delivered,  // the other side confirmed it (Telegram ok:true, 2xx, SMTP 250)
    transient,  // network, timeout, 5xx, 429: try again (after retry_after when given)
    refused,    // 401, 403, chat not found, 404/410 hook, bad address: a person must act
  };
  Outcome outcome = Outcome::transient;
  // One line for the log and the cache, naming what failed and never a secret (no token, hook
  // URL or password, also not inside a libcurl error or a URL).
  std::string error;
  std::optional<std::chrono::seconds> retry_after;  // 429: wait at least this long
  // Telegram: the group became a supergroup; the message was sent to this id instead, and the
  // caller keeps it for the next runs (notify_destination.chat_id) and logs it.
  std::optional<std::string> migrated_chat_id;
  std::string message_id;  // the channel's id of the message, when it gives one
};

// An image that follows a message (the daily summary's charts, issue 14): a PNG with a short
// caption the channel renders in its style, `title` in bold, then `caption` (plain text).
struct ChartImage {
  std::string png;      // the PNG file's bytes
  std::string title;    // e.g. the pool, "KZPool_001"
  std::string caption;  // e.g. "hashrate, last 24 h: average 38.38 PH/s; alerts open 42 min"
};

// One destination's channel (Telegram, Slack, Discord, webhook, ntfy, e-mail): renders a Digest
// in its format under its size limit and makes exactly one attempt to deliver it (the caller
// retries within the run's time limit). Throws nothing: every failure is a DeliveryResult.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual DeliveryResult send(const Digest& digest) = 0;

  // Whether send_photo() delivers images (Telegram). Channels that cannot leave the summary's
  // charts out.
  virtual bool sends_photos() const { return false; }
  // Makes one attempt to deliver `image`, like send(). The default refuses: no image support.
  virtual DeliveryResult send_photo(const ChartImage& image) {
    DeliveryResult result;
    result.outcome = DeliveryResult::Outcome::refused;
    result.error = "this channel sends no images (" + image.title + ")";
    return result;
  }
};

}  // namespace kz
