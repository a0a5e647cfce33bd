#include "notify/channels/discord_channel.hpp"

#include "notify/message_format.hpp"

namespace kz {

namespace {

// What a Discord error body says: {"message": "...", "code": N}, or for a rejected field
// {"content": ["Must be 2000 or fewer in length."]}.
std::string discord_message(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  if (body.contains("message") && body["message"].is_string()) {
    std::string text = body["message"].get<std::string>();
    if (body.contains("code") && body["code"].is_number_integer()) {
      text += " (code " + std::to_string(body["code"].get<long long>()) + ")";
    }
    return text;
  }
  for (const auto& [field, problems] : body.items()) {
    if (problems.is_array() && !problems.empty() && problems[0].is_string()) {
      return field + ": " + problems[0].get<std::string>();
    }
  }
  return "";
}

}  // namespace

DiscordChannel::DiscordChannel(const Destination& destination, HttpTransport& transport,
                               HttpOptions options)
    : url_(destination.secrets.hook_url),
      post_{"discord " + destination.name,
            {destination.secrets.hook_url},
            &transport,
            options.total_timeout} {}

DeliveryResult DiscordChannel::send(const Digest& digest) {
  const nlohmann::json document{
      {"content", render_text(digest, TextStyle::discord_markdown, kDiscordContentLimit)}};
  DeliveryResult result;
  const auto response = post_.post(hook_request(url_, json_body(document)), result);
  if (!response) return result;
  const long status = response->status;
  const auto body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (status == 204 || status == 200) {
    result.outcome = DeliveryResult::Outcome::delivered;
    if (body.is_object() && body.contains("id") && body["id"].is_string()) {
      result.message_id = body["id"].get<std::string>();
    }
    return result;
  }
  std::optional<std::chrono::seconds> retry_after;
  if (status == 429 && body.is_object() && body.contains("retry_after") &&
      body["retry_after"].is_number()) {
    retry_after = seconds_rounded_up(body["retry_after"].get<double>());
  }
  std::string what = "HTTP " + std::to_string(status);
  if (const std::string message = discord_message(body); !message.empty()) {
    what += " " + message;
  }
  if (status == 429 && body.is_object() && body.contains("global") && body["global"].is_boolean() &&
      body["global"].get<bool>())
    what += " (global)";
  return status_failure(post_, *response, what, outcome_of_status(status), retry_after);
}

}  // namespace kz
