#include "notify/channels/make_channel.hpp"

#include "common/error.hpp"
#include "notify/channels/discord_channel.hpp"
#include "notify/channels/ntfy_channel.hpp"
#include "notify/channels/slack_channel.hpp"
#include "notify/channels/telegram_channel.hpp"
#include "notify/channels/webhook_channel.hpp"

namespace kz {

HttpOptions ChannelSet::http_options() {
  HttpOptions options;
  options.connect_timeout = std::chrono::seconds{10};
  options.total_timeout = std::chrono::seconds{30};
  options.max_retries = 0;
  options.max_body_bytes = 1024 * 1024;
  options.max_body_option = "";
  return options;
}

ChannelSet::ChannelSet(const NotifySettings&)
    : http_(http_options()), transport_(http_), mail_(CurlMailOptions{}) {}

ChannelFactory ChannelSet::factory() {
  return [this](const Destination& destination,
                const std::string& chat_id) -> std::unique_ptr<Channel> {
    const std::string& type = destination.type;
    if (type == "telegram") {
      return std::make_unique<TelegramChannel>(destination, chat_id, transport_, http_);
    }
    if (type == "slack") return std::make_unique<SlackChannel>(destination, transport_, http_);
    if (type == "discord") return std::make_unique<DiscordChannel>(destination, transport_, http_);
    if (type == "webhook") return std::make_unique<WebhookChannel>(destination, transport_, http_);
    if (type == "ntfy") return std::make_unique<NtfyChannel>(destination, transport_, http_);
    if (type == "email") return std::make_unique<EmailChannel>(destination, mail_);
    throw Error(ExitCode::usage, "destination " + destination.name + ": unknown type " + type);
  };
}

}  // namespace kz
