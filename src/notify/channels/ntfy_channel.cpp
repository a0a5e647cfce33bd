#include "notify/channels/ntfy_channel.hpp"

#include <algorithm>

#include "notify/message_format.hpp"

namespace kz {

namespace {

constexpr std::size_t kEncodedWordBytes = 45;  // 45 bytes -> 60 base64 -> 72 with "=?UTF-8?B??="

std::string base64(std::string_view bytes) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kDigits[(v >> shift) & 0x3f];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kDigits[(v >> 18) & 0x3f];
    out += kDigits[(v >> 12) & 0x3f];
    out += i + 1 < bytes.size() ? kDigits[(v >> 6) & 0x3f] : '=';
    out += '=';
  }
  return out;
}

int severity_rank(const std::string& severity) {
  if (severity == "high") return 3;
  if (severity == "medium") return 2;
  return 1;
}

std::string trimmed_base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string ntfy_header_value(std::string_view text) {
  std::string clean(text);
  for (char& c : clean) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  // HTTP drops a value's leading and trailing whitespace (RFC 9110 5.5).
  const auto first = clean.find_first_not_of(' ');
  clean = first == std::string::npos ? ""
                                     : clean.substr(first, clean.find_last_not_of(' ') - first + 1);
  if (std::all_of(clean.begin(), clean.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return clean;
  }
  std::string out;
  std::size_t at = 0;
  while (at < clean.size()) {
    std::size_t end = std::min(clean.size(), at + kEncodedWordBytes);
    while (end < clean.size() && end > at + 1 &&
           (static_cast<unsigned char>(clean[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

int ntfy_priority(const Digest& digest) {
  if (digest.kind != DigestKind::transitions && digest.kind != DigestKind::open_now) return 3;
  int highest = 0;
  for (const DigestEntry& entry : digest.entries) {
    if (entry.kind != "resolved") highest = std::max(highest, severity_rank(entry.severity));
  }
  return highest >= 3 ? 5 : highest == 2 ? 4 : 3;
}

std::string ntfy_tags(const Digest& digest) {
  std::string tags;
  if (digest.kind == DigestKind::daily_summary) tags = "bar_chart,";
  if (digest.kind == DigestKind::test) tags = "test_tube,";
  const auto any = [&](bool resolved) {
    return std::any_of(digest.entries.begin(), digest.entries.end(),
                       [&](const DigestEntry& e) { return (e.kind == "resolved") == resolved; });
  };
  if (any(false)) tags += "rotating_light,";
  if (any(true)) tags += "white_check_mark,";
  return tags + "kzpool";
}

NtfyChannel::NtfyChannel(const Destination& destination, HttpTransport& transport,
                         HttpOptions options)
    : url_(trimmed_base(destination.url) + "/" + destination.topic),
      token_(destination.secrets.token),
      post_{"ntfy " + destination.name,
            {destination.secrets.token, destination.topic},
            &transport,
            options.total_timeout} {}

DeliveryResult NtfyChannel::send(const Digest& digest) {
  // Code points are not bytes: Cyrillic worker names take two each.
  std::string body = render_text_fitting(
      digest, TextStyle::plain, kNtfyBodyLimit, [](std::string_view text) { return text.size(); },
      kNtfyBodyBytes);
  HttpRequest request = hook_request(url_, std::move(body), "text/plain; charset=utf-8");
  request.headers.emplace_back("Title", ntfy_header_value(render_title(digest)));
  request.headers.emplace_back("Priority", std::to_string(ntfy_priority(digest)));
  request.headers.emplace_back("Tags", ntfy_tags(digest));
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  DeliveryResult result;
  const auto response = post_.post(request, result);
  if (!response) return result;
  const long status = response->status;
  if (status == 200) {
    result.outcome = DeliveryResult::Outcome::delivered;
    const auto answer = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (answer.is_object() && answer.contains("id") && answer["id"].is_string()) {
      result.message_id = answer["id"].get<std::string>();
    }
    return result;
  }
  std::string what = "HTTP " + std::to_string(status);
  const auto answer = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_object() && answer.contains("error") && answer["error"].is_string()) {
    what += " " + answer["error"].get<std::string>();
  }
  return status_failure(post_, *response, what, outcome_of_status(status));
}

}  // namespace kz
