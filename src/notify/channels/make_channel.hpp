#pragma once

#include <memory>

#include "common/http.hpp"
#include "notify/channels/email_channel.hpp"
#include "notify/notify_config.hpp"
#include "notify/notify_run.hpp"

namespace kz {

// The production channels of a run: one libcurl transport for the HTTP channels (one attempt
// per send, TLS verified, no redirects: a hook URL that redirects is a misconfiguration) and one
// for SMTP, shared by every destination. Lives as long as the factory it hands out is used.
class ChannelSet {
 public:
  explicit ChannelSet(const NotifySettings& settings);

  // Builds the Channel of a destination by its type (telegram with `chat_id`).
  ChannelFactory factory();

  // The HTTP options every HTTP channel uses: 10 s to connect, 30 s per attempt, 1 MiB answers.
  static HttpOptions http_options();

 private:
  HttpOptions http_;
  CurlTransport transport_;
  CurlMailTransport mail_;
};

}  // namespace kz
