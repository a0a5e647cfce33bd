#include "notify/channels/telegram_channel.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "notify/message_format.hpp"
#include "notify/rich_line.hpp"

namespace kz {

namespace {

constexpr std::size_t kMaxDescription = 300;  // bytes of an error's description kept

// Telegram counts a text's length in UTF-16 code units after parsing; counted here with the
// markup, which only adds, so a text within it is within Telegram's limit.
std::size_t utf16_units(std::string_view text) {
  std::size_t units = 0;
  for (const unsigned char c : text) {
    if ((c & 0xC0) != 0x80) units += 1;  // a character's first byte
    if ((c & 0xF8) == 0xF0) units += 1;  // beyond the BMP: a surrogate pair
  }
  return units;
}

// What Telegram counts of a caption we rendered: UTF-16 units after parsing, our tags (<b>)
// removed and each of our entities (&lt; &gt; &amp; &quot;) one unit.
std::size_t parsed_utf16_units(std::string_view html) {
  std::size_t units = 0;
  for (std::size_t at = 0; at < html.size();) {
    const char c = html[at];
    const std::size_t end = html.find(c == '<' ? '>' : ';', at);
    if ((c == '<' || c == '&') && end != std::string_view::npos) {
      units += c == '&' ? 1 : 0;
      at = end + 1;
      continue;
    }
    const std::size_t next = html.find_first_of("<&", at + 1);
    const std::size_t stop = next == std::string_view::npos ? html.size() : next;
    units += utf16_units(html.substr(at, stop - at));
    at = stop;
  }
  return units;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of `pattern` found at text[pos], each of its characters literal or as %XX; 0 when not.
std::size_t match_length(std::string_view text, std::size_t pos, std::string_view pattern) {
  std::size_t at = pos;
  for (char want : pattern) {
    if (at < text.size() && text[at] == want) {
      ++at;
    } else if (at + 2 < text.size() && text[at] == '%' && hex_value(text[at + 1]) >= 0 &&
               hex_value(text[at + 2]) >= 0 &&
               static_cast<char>(hex_value(text[at + 1]) * 16 + hex_value(text[at + 2])) == want) {
      at += 3;
    } else {
      return 0;
    }
  }
  return at - pos;
}

std::string replace_pattern(std::string_view text, std::string_view pattern) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = match_length(text, pos, pattern);
    if (length > 0) {
      out += "<redacted>";
      pos += length;
    } else {
      out += text[pos++];
    }
  }
  return out;
}

// The token as a URL path segment: unreserved characters and ':' kept, the rest %XX.
std::string path_segment(std::string_view token) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : token) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

// An integer chat id ("123", "-1001234567890") as a number, else nothing.
std::optional<int64_t> integer_chat_id(const std::string& chat_id) {
  int64_t value = 0;
  const char* end = chat_id.data() + chat_id.size();
  auto [ptr, ec] = std::from_chars(chat_id.data(), end, value);
  if (chat_id.empty() || ec != std::errc() || ptr != end || chat_id[0] == '+') return std::nullopt;
  return value;
}

// One line, at most kMaxDescription bytes, never cut inside a UTF-8 character.
std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > kMaxDescription) {
    std::size_t cut = kMaxDescription;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

std::optional<std::chrono::seconds> seconds_of(const nlohmann::json& value) {
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    return std::chrono::seconds{value.get<int64_t>()};
  }
  if (value.is_number() && value.get<double>() >= 0) {  // Discord-style fractions, rounded up
    return std::chrono::seconds{static_cast<int64_t>(std::min(value.get<double>(), 1e9) + 0.999)};
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> retry_after_header(const HttpResponse& response) {
  const auto text = response.header("retry-after");
  if (!text) return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  return std::chrono::seconds{value};
}

}  // namespace

std::string redact_telegram_token(std::string_view text, std::string_view token) {
  if (token.empty()) return std::string(text);
  std::string out = replace_pattern(text, token);
  const std::size_t colon = token.find(':');
  if (colon != std::string_view::npos && token.size() - colon - 1 >= 8) {
    out = replace_pattern(out, token.substr(colon + 1));
  }
  return out;
}

TelegramChannel::TelegramChannel(const Destination& destination, std::string chat_id,
                                 HttpTransport& transport, HttpOptions options)
    : name_(destination.name),
      api_url_(destination.api_url),
      token_(destination.secrets.token),
      chat_id_(std::move(chat_id)),
      transport_(transport),
      options_(std::move(options)) {
  while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
}

DeliveryResult TelegramChannel::send(const Digest& digest) {
  return send_text(render_text_fitting(digest, TextStyle::telegram_html, kTelegramTextLimit,
                                       utf16_units, kTelegramTextLimit));
}

DeliveryResult TelegramChannel::send_text(const std::string& text) {
  return with_migration(
      [&](const std::string& chat_id) { return exchange(text_request(chat_id, text)); });
}

DeliveryResult TelegramChannel::send_photo(const ChartImage& image) {
  RichLine caption(TextStyle::telegram_html);
  caption.bold(image.title);
  if (!image.caption.empty()) caption.text(": ").text(image.caption);
  // Starts from the most markup can add (&quot; is 6 code points for 1 unit) and shrinks while
  // what Telegram counts is over its limit.
  return send_photo_html(image.png,
                         caption.shortened_fitting(6 * kTelegramCaptionLimit, parsed_utf16_units,
                                                   kTelegramCaptionLimit));
}

DeliveryResult TelegramChannel::send_photo_html(const std::string& png,
                                                const std::string& caption_html) {
  return with_migration([&](const std::string& chat_id) {
    return exchange(photo_request(chat_id, png, caption_html));
  });
}

DeliveryResult TelegramChannel::with_migration(
    const std::function<DeliveryResult(const std::string&)>& attempt) {
  DeliveryResult result = attempt(chat_id_);
  if (!result.migrated_chat_id) return result;
  const std::string new_chat_id = *result.migrated_chat_id;
  result = attempt(new_chat_id);
  if (result.migrated_chat_id) {  // migrated twice in one send: not followed further
    result.outcome = DeliveryResult::Outcome::refused;
    result.error = "telegram " + name_ + ": chat " + new_chat_id + " migrated again to " +
                   *result.migrated_chat_id;
  }
  result.migrated_chat_id = new_chat_id;
  return result;
}

HttpRequest TelegramChannel::text_request(const std::string& chat_id,
                                          const std::string& text) const {
  nlohmann::json body = {
      {"text", text}, {"parse_mode", "HTML"}, {"disable_web_page_preview", true}};
  if (auto number = integer_chat_id(chat_id)) {
    body["chat_id"] = *number;
  } else {
    body["chat_id"] = chat_id;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = api_url_ + "/bot" + path_segment(token_) + "/sendMessage";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  request.follow_redirects = false;
  return request;
}

HttpRequest TelegramChannel::photo_request(const std::string& chat_id, const std::string& png,
                                           const std::string& caption_html) const {
  HttpRequest request;
  request.method = "POST";
  request.url = api_url_ + "/bot" + path_segment(token_) + "/sendPhoto";
  request.form = {{"chat_id", chat_id, "", ""},
                  {"caption", caption_html, "", ""},
                  {"parse_mode", "HTML", "", ""},
                  {"photo", png, "chart.png", "image/png"}};
  request.follow_redirects = false;
  return request;
}

DeliveryResult TelegramChannel::exchange(const HttpRequest& request) {
  const HttpResult http = transport_.perform(request, options_.total_timeout);
  DeliveryResult result;
  auto fail = [&](DeliveryResult::Outcome outcome, const std::string& description) {
    result.outcome = outcome;
    result.error =
        one_line(redact_telegram_token("telegram " + name_ + ": " + description, token_));
    return result;
  };
  if (!http.response) {
    return fail(
        http.permanent ? DeliveryResult::Outcome::refused : DeliveryResult::Outcome::transient,
        http.transport_error.empty() ? "no answer" : http.transport_error);
  }
  const HttpResponse& response = *http.response;
  const auto answer = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const bool is_object = answer.is_object();
  std::string description = "HTTP " + std::to_string(response.status);
  if (is_object && answer.contains("description") && answer["description"].is_string()) {
    description += ": " + answer["description"].get<std::string>();
  }
  const nlohmann::json no_parameters = nlohmann::json::object();
  const nlohmann::json& parameters =
      is_object && answer.contains("parameters") && answer["parameters"].is_object()
          ? answer["parameters"]
          : no_parameters;

  const bool ok =
      is_object && answer.contains("ok") && answer["ok"].is_boolean() && answer["ok"].get<bool>();
  if (response.status == 200 && ok) {
    result.outcome = DeliveryResult::Outcome::delivered;
    if (answer.contains("result") && answer["result"].is_object() &&
        answer["result"].contains("message_id")) {
      const auto& id = answer["result"]["message_id"];
      result.message_id = id.is_string() ? id.get<std::string>() : id.dump();
    }
    return result;
  }
  if (response.status == 400 && parameters.contains("migrate_to_chat_id")) {
    const auto& id = parameters["migrate_to_chat_id"];
    result.migrated_chat_id = id.is_string() ? id.get<std::string>() : id.dump();
    return fail(DeliveryResult::Outcome::refused, description);
  }
  if (response.status == 429) {
    result.retry_after = parameters.contains("retry_after") ? seconds_of(parameters["retry_after"])
                                                            : retry_after_header(response);
    if (!result.retry_after) result.retry_after = retry_after_header(response);
    return fail(DeliveryResult::Outcome::transient, description);
  }
  if (response.status / 100 == 2 || response.status == 408 || response.status >= 500) {
    // A 2xx without ok:true is no confirmation: the message may or may not have arrived.
    if (response.status / 100 == 2) description += " without ok:true";
    result.retry_after = retry_after_header(response);
    return fail(DeliveryResult::Outcome::transient, description);
  }
  // What a person does about each refusal (../shared/notifications.md).
  if (response.status == 401) description += " (check the bot token)";
  if (description.find("chat not found") != std::string::npos) {
    description += " (check chat_id, and that the bot was added to the chat)";
  }
  if (response.status == 403) description += " (add the bot to the chat again, or unblock it)";
  return fail(DeliveryResult::Outcome::refused, description);
}

}  // namespace kz
