#pragma once

// A Telegram Bot API for tests, on 127.0.0.1 with an ephemeral port, following the Bot API's
// documented behaviour (kept for tests in tests/notify/telegram_server_test.cpp), not our client:
// POST <api_url()>/bot<token>/sendMessage with a JSON, form (x-www-form-urlencoded) or query
// body: chat_id (integer or "@name"), text, parse_mode, disable_web_page_preview.
// Answers are {"ok":true,"result":{...}} or {"ok":false,"error_code":N,"description":"...",
// "parameters":{...}} with HTTP status N:
// - a path not /bot<token>/<method>: 404 "Not Found"; a token not accepted: 401 "Unauthorized";
//   a method other than sendMessage and sendPhoto (case-insensitive): 404 "Not Found";
// - no chat_id: 400 "Bad Request: chat_id is empty"; empty text: 400 "Bad Request: message text
//   is empty"; text not UTF-8: 400 "Bad Request: text must be encoded in UTF-8";
// - per chat, as scripted: 429 "Too Many Requests: retry after N" with parameters.retry_after
//   and a Retry-After header, or 500, for the next K requests; 400 "Bad Request: chat not
//   found"; 400 "Bad Request: group chat was upgraded to a supergroup chat" with
//   parameters.migrate_to_chat_id; 403 "Forbidden: bot was blocked by the user" (or "...was
//   kicked from the group chat");
// - parse_mode HTML (case-insensitive): only <b> <strong> <i> <em> <u> <ins> <s> <strike> <del>
//   <code> <pre> <a href> <tg-spoiler> <span class="tg-spoiler"> <blockquote>, properly nested
//   and closed; entities &lt; &gt; &amp; &quot; and numeric ones (&#60; &#x3C;); a `<` that
//   opens no tag or an `&` that starts no entity is 400 "Bad Request: can't parse entities: ...".
//   A bare `>` is text. Other parse modes: "" (plain), Markdown and MarkdownV2 (not checked);
//   anything else 400 "Bad Request: unsupported parse_mode";
// - text longer than 4096 UTF-16 code units after entity parsing (tags removed, entities
//   decoded): 400 "Bad Request: message is too long".
// - sendPhoto (multipart/form-data, or a form without the file): chat_id, photo (a file part),
//   caption, parse_mode; after the same token, chat and rate checks: no photo 400 "Bad Request:
//   there is no photo in the request"; a photo part that is no file (a file_id or URL) 400 "Bad
//   Request: wrong file identifier/HTTP URL specified"; a file that is neither PNG nor JPEG
//   (by its signature) 400 "Bad Request: IMAGE_PROCESS_FAILED"; the caption parsed like a text
//   and over 1024 UTF-16 code units 400 "Bad Request: message caption is too long".
// Every request is recorded, and every accepted message and photo (with a message_id counting
// from 1 over both).
// A global override runs first and may replace any answer. Thread-safe: httplib serves on its
// own threads; the override and the message callback run outside the server's lock.
//
//   kz::test::TelegramServer telegram({"123456:ABC-secret"});
//   telegram.set_rate_limited("42", std::chrono::seconds{3}, 2);
//   ... POST telegram.api_url() + "/bot123456:ABC-secret/sendMessage" ...
//   telegram.messages_to("42")

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

// Telegram's limit on a message's text, in UTF-16 code units after entity parsing.
inline constexpr std::size_t kTelegramServerTextLimit = 4096;

// What one request asked for, as the server read it.
struct TelegramRequest {
  std::string path;  // as received (holds the token)
  bool token_accepted = false;
  std::string method;   // "sendMessage"
  std::string chat_id;  // as text: "42", "-1001234", "@channel"; "" when absent
  std::string text;
  std::string parse_mode;
  bool disable_web_page_preview = false;
  std::string caption;     // sendPhoto
  bool has_photo = false;  // sendPhoto: a "photo" part was sent (file or not)
  std::size_t photo_bytes = 0;
  std::string content_type;  // the request's Content-Type
  std::string body;          // as received
  std::chrono::system_clock::time_point at;
  int http_status = 0;      // the answer's
  std::string description;  // the answer's, "" on success
};

// An accepted message.
struct TelegramMessage {
  std::string chat_id;
  std::string text;        // as sent (markup included)
  std::string plain_text;  // after entity parsing
  std::string parse_mode;
  bool disable_web_page_preview = false;
  int64_t message_id = 0;
  std::chrono::system_clock::time_point at;
};

// An accepted photo.
struct TelegramPhoto {
  std::string chat_id;
  std::string photo;  // the file's bytes
  std::string filename;
  std::string content_type;   // the part's
  std::string caption;        // as sent (markup included)
  std::string plain_caption;  // after entity parsing
  std::string parse_mode;
  int64_t message_id = 0;
  std::chrono::system_clock::time_point at;
};

// Telegram's limit on a caption, in UTF-16 code units after entity parsing.
inline constexpr std::size_t kTelegramServerCaptionLimit = 1024;

// Width and height from a PNG's IHDR chunk; nothing when `bytes` does not start with the PNG
// signature and an IHDR chunk.
std::optional<std::pair<uint32_t, uint32_t>> png_dimensions(const std::string& bytes);

struct TelegramReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

// The Bot API's error envelope {"ok":false,"error_code":status,"description":...} (with
// "parameters" when not empty, a JSON object text) as a reply with HTTP `status`.
TelegramReply telegram_error(int status, const std::string& description,
                             const std::string& parameters_json = "");

// What parse_mode HTML makes of `html`: the text without tags, entities decoded; or the
// error's description after "Bad Request: can't parse entities: ".
struct TelegramHtml {
  std::optional<std::string> plain_text;
  std::string error;
};
TelegramHtml parse_telegram_html(const std::string& html);

// Length of UTF-8 `text` in UTF-16 code units; nothing when it is not valid UTF-8.
std::optional<std::size_t> utf16_length(const std::string& text);

class TelegramServer {
 public:
  // Accepts requests with any of `tokens`. Starts serving; throws when it cannot.
  explicit TelegramServer(std::vector<std::string> tokens);
  ~TelegramServer();
  TelegramServer(const TelegramServer&) = delete;
  TelegramServer& operator=(const TelegramServer&) = delete;

  std::string api_url() const;  // "http://127.0.0.1:<port>" (no trailing slash)
  int port() const;

  void add_token(const std::string& token);

  // Scripts for one chat (by its id as text). Each replaces the chat's earlier state.
  void set_chat_not_found(const std::string& chat_id);
  void set_migrated(const std::string& chat_id, const std::string& new_chat_id);
  void set_blocked(const std::string& chat_id, bool kicked_from_group = false);
  void clear_chat(const std::string& chat_id);  // back to accepting
  // The next `count` requests to the chat get 429 with retry_after `retry_after`.
  void set_rate_limited(const std::string& chat_id, std::chrono::seconds retry_after, int count);
  // The next `count` requests to the chat get 500 "Internal Server Error".
  void set_server_errors(const std::string& chat_id, int count);

  // Runs first for every request (after it was read); an answer replaces the normal one.
  void set_override(std::function<std::optional<TelegramReply>(const TelegramRequest&)> override);
  // Called for every accepted message, outside the lock (kz_telegram_server's log).
  void set_on_message(std::function<void(const TelegramMessage&)> on_message);

  std::vector<TelegramRequest> requests() const;
  std::vector<TelegramMessage> messages() const;
  std::vector<TelegramMessage> messages_to(const std::string& chat_id) const;
  std::vector<TelegramPhoto> photos() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kz::test
