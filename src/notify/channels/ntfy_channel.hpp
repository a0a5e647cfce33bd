#pragma once

#include <string>
#include <string_view>

#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/channels/hook_post.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// The most bytes of an ntfy message body (ntfy's default message-size-limit, 4096 bytes);
// a longer one would become an attachment. The text is rendered again, shorter, until it fits.
constexpr std::size_t kNtfyBodyBytes = 4096;

// A header value as ntfy reads it: control characters as spaces, leading and trailing spaces
// dropped (HTTP drops them anyway); then ASCII as it is, otherwise RFC
// 2047 encoded-words "=?UTF-8?B?<base64>?=" of at most 75 characters each, separated by spaces,
// never splitting a UTF-8 character.
std::string ntfy_header_value(std::string_view text);

// ntfy's Priority for a digest: 5 when an opened, raised or open entry is high, 4 when the
// highest is medium, 3 otherwise (low alerts, only resolutions, a daily summary, a test).
int ntfy_priority(const Digest& digest);

// ntfy's Tags (emoji short codes, comma-separated): "rotating_light" for an opening or raise,
// "white_check_mark" for a resolution, "bar_chart" for a daily summary, "test_tube" for a
// test, then "kzpool".
std::string ntfy_tags(const Digest& digest);

// ntfy (../shared/notifications.md): POST <destination.url>/<topic> with the plain text
// (render_text, plain, kNtfyBodyLimit, under kNtfyBodyBytes) as the body and the headers Title
// (render_title), Priority, Tags and, when a token was configured, Authorization: Bearer.
// 200: delivered (the answer's "id" becomes message_id); 401/403 and other 4xx, or a redirect:
// refused; 408, 429 (with Retry-After), 5xx and transport failures: transient. Error lines never
// contain the token or the topic.
class NtfyChannel : public Channel {
 public:
  NtfyChannel(const Destination& destination, HttpTransport& transport, HttpOptions options);
  DeliveryResult send(const Digest& digest) override;

 private:
  std::string url_;
  std::string token_;
  HookPost post_;
};

}  // namespace kz
