#pragma once

#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/channels/hook_post.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// A Discord webhook (../shared/notifications.md): POST {"content": <markdown>} to the hook URL
// (destination.secrets.hook_url), at most kDiscordContentLimit characters. 204 (or 200 with a
// message object, whose "id" becomes message_id): delivered; 429: transient, retry_after the
// larger of the JSON "retry_after" (fractional seconds, rounded up) and Retry-After; 400: refused
// with Discord's message; 401/403/404 and other 4xx, or a redirect: refused; 408, 5xx and
// transport failures: transient. Error lines never contain the hook URL.
class DiscordChannel : public Channel {
 public:
  DiscordChannel(const Destination& destination, HttpTransport& transport, HttpOptions options);
  DeliveryResult send(const Digest& digest) override;

 private:
  std::string url_;
  HookPost post_;
};

}  // namespace kz
