#include "support/notify/telegram_photo.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>

namespace kz::test {

namespace {

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view kJpegSignature = "\xFF\xD8\xFF";

uint32_t big_endian(const std::string& bytes, std::size_t at) {
  uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

bool starts_with(const std::string& bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() &&
         std::string_view(bytes).substr(0, prefix.size()) == prefix;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::optional<std::pair<uint32_t, uint32_t>> png_dimensions(const std::string& bytes) {
  // Signature, then the first chunk: length 13, type IHDR, width, height (big-endian).
  if (bytes.size() < 24 || !starts_with(bytes, kPngSignature)) return std::nullopt;
  if (big_endian(bytes, 8) != 13 || bytes.compare(12, 4, "IHDR") != 0) return std::nullopt;
  return std::make_pair(big_endian(bytes, 16), big_endian(bytes, 20));
}

TelegramReply answer_photo(const httplib::Request& req, const TelegramRequest& request,
                           int64_t message_id, std::optional<TelegramPhoto>& accepted) {
  const auto part = req.files.find("photo");
  if (part == req.files.end() && !req.has_param("photo")) {
    return telegram_error(400, "Bad Request: there is no photo in the request");
  }
  if (part == req.files.end() || part->second.filename.empty()) {
    // A text field: Telegram reads it as a file_id or a URL.
    return telegram_error(400, "Bad Request: wrong file identifier/HTTP URL specified");
  }
  const std::string& bytes = part->second.content;
  if (!starts_with(bytes, kPngSignature) && !starts_with(bytes, kJpegSignature)) {
    return telegram_error(400, "Bad Request: IMAGE_PROCESS_FAILED");
  }
  if (!utf16_length(request.caption)) {
    return telegram_error(400, "Bad Request: text must be encoded in UTF-8");
  }
  std::string plain = request.caption;
  const std::string mode = lower(request.parse_mode);
  if (mode == "html") {
    TelegramHtml html = parse_telegram_html(request.caption);
    if (!html.plain_text) {
      return telegram_error(400, "Bad Request: can't parse entities: " + html.error);
    }
    plain = std::move(*html.plain_text);
  } else if (!mode.empty() && mode != "markdown" && mode != "markdownv2") {
    return telegram_error(400, "Bad Request: unsupported parse_mode");
  }
  if (*utf16_length(plain) > kTelegramServerCaptionLimit) {
    return telegram_error(400, "Bad Request: message caption is too long");
  }
  accepted = TelegramPhoto{request.chat_id,           bytes,           part->second.filename,
                           part->second.content_type, request.caption, plain,
                           request.parse_mode,        message_id,      request.at};
  const auto chat_id = nlohmann::json::parse(request.chat_id, nullptr, false);
  const nlohmann::json result = {
      {"message_id", message_id},
      {"chat",
       {{"id", chat_id.is_number_integer() ? chat_id : nlohmann::json(request.chat_id)},
        {"type", "private"}}},
      {"date",
       std::chrono::duration_cast<std::chrono::seconds>(request.at.time_since_epoch()).count()},
      {"photo", nlohmann::json::array({{{"file_id", "photo-" + std::to_string(message_id)},
                                        {"file_size", bytes.size()}}})},
      {"caption", plain}};
  return {200, nlohmann::json{{"ok", true}, {"result", result}}.dump(), {}};
}

}  // namespace kz::test
