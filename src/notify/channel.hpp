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

// One destination's channel (Telegram, Slack, Discord, webhook, ntfy, e-mail): renders a Digest
// in its format under its size limit and makes exactly one attempt to deliver it (the caller
// retries within the run's time limit). Throws nothing: every failure is a DeliveryResult.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual DeliveryResult send(const Digest& digest) = 0;
};

}  // namespace kz
