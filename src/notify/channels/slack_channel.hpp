#pragma once

#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/channels/hook_post.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// A Slack incoming webhook (../shared/notifications.md): POST {"text": <mrkdwn>} to the hook URL
// (destination.secrets.hook_url), at most kSlackTextLimit characters. 200 "ok": delivered;
// 400 invalid_payload, 403 action_prohibited, 404 no_service, 410 channel_is_archived (and any
// other 4xx but 408/429), or a redirect (the hook moved): refused, naming Slack's error word;
// 429: transient with Retry-After; 408, 5xx, a 2xx without "ok" (not Slack's confirmation) and
// transport failures: transient. Error lines never contain the hook URL.
class SlackChannel : public Channel {
 public:
  SlackChannel(const Destination& destination, HttpTransport& transport, HttpOptions options);
  DeliveryResult send(const Digest& digest) override;

 private:
  std::string url_;
  HookPost post_;
};

}  // namespace kz
