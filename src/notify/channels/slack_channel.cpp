#include "notify/channels/slack_channel.hpp"

#include "notify/message_format.hpp"

namespace kz {

namespace {

// Slack's error answers are one word ("no_service"); anything else is shown as a status only.
std::string error_word(const std::string& body) {
  if (body.empty() || body.size() > 64) return "";
  for (char c : body) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'))) return "";
  }
  return body;
}

}  // namespace

SlackChannel::SlackChannel(const Destination& destination, HttpTransport& transport,
                           HttpOptions options)
    : url_(destination.secrets.hook_url),
      post_{"slack " + destination.name,
            {destination.secrets.hook_url},
            &transport,
            options.total_timeout} {}

DeliveryResult SlackChannel::send(const Digest& digest) {
  const nlohmann::json document{
      {"text", render_text(digest, TextStyle::slack_mrkdwn, kSlackTextLimit)}};
  DeliveryResult result;
  const auto response = post_.post(hook_request(url_, json_body(document)), result);
  if (!response) return result;
  const long status = response->status;
  if (status == 200 && response->body == "ok") {
    result.outcome = DeliveryResult::Outcome::delivered;
    return result;
  }
  const std::string word = error_word(response->body);
  const std::string what = "HTTP " + std::to_string(status) + (word.empty() ? "" : " " + word);
  // A 2xx without "ok" is not Slack's confirmation: try again rather than mark it sent.
  return status_failure(post_, *response, what, outcome_of_status(status));
}

}  // namespace kz
