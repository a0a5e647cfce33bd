#include "support/notify/telegram_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/local_http_server.hpp"
#include "support/notify/telegram_photo.hpp"

namespace kz::test {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The chat id as JSON: a number when it is one.
nlohmann::json chat_json(const std::string& chat_id) {
  auto number = nlohmann::json::parse(chat_id, nullptr, false);
  return number.is_number_integer() ? number : nlohmann::json(chat_id);
}

// The fields of a sendMessage request from its query, form or JSON body; false when a JSON
// body is not a JSON object.
bool read_fields(const httplib::Request& req, TelegramRequest& request) {
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : req.params) fields[name] = value;
  if (request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    httplib::Params form;
    httplib::detail::parse_query_text(req.body, form);
    for (const auto& [name, value] : form) fields[name] = value;
  }
  for (const auto& [name, part] : req.files) {
    if (name == "photo") {
      request.has_photo = true;
      request.photo_bytes = part.content.size();
    } else {
      fields[name] = part.content;
    }
  }
  if (fields.count("photo")) request.has_photo = true;
  if (request.content_type.rfind("application/json", 0) == 0) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return false;
    for (const auto& [name, value] : body.items()) {
      fields[name] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  auto field = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  request.chat_id = field("chat_id");
  request.text = field("text");
  request.caption = field("caption");
  request.parse_mode = field("parse_mode");
  request.disable_web_page_preview = field("disable_web_page_preview") == "true";
  return true;
}

}  // namespace

TelegramReply telegram_error(int status, const std::string& description,
                             const std::string& parameters_json) {
  nlohmann::json body = {{"ok", false}, {"error_code", status}, {"description", description}};
  if (!parameters_json.empty()) body["parameters"] = nlohmann::json::parse(parameters_json);
  return {status, body.dump(), {}};
}

struct TelegramServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;

  struct Chat {
    enum class State { accepting, not_found, migrated, blocked, kicked } state = State::accepting;
    std::string new_chat_id;
    int rate_limited = 0;  // requests left that get 429
    std::chrono::seconds retry_after{0};
    int server_errors = 0;  // requests left that get 500
  };

  mutable std::mutex mutex;
  std::set<std::string> tokens;
  std::map<std::string, Chat> chats;
  std::function<std::optional<TelegramReply>(const TelegramRequest&)> override;
  std::function<void(const TelegramMessage&)> on_message;
  std::vector<TelegramRequest> requests;
  std::vector<TelegramMessage> messages;
  std::vector<TelegramPhoto> photos;

  int64_t next_message_id() const {
    return static_cast<int64_t>(messages.size() + photos.size()) + 1;
  }

  void handle(const httplib::Request& req, httplib::Response& res);
  TelegramReply answer(const httplib::Request& req, TelegramRequest& request,
                       std::optional<TelegramMessage>& accepted);
};

// The checks in the order the Bot API makes them: token, method, chat, text.
TelegramReply TelegramServer::Impl::answer(const httplib::Request& req, TelegramRequest& request,
                                           std::optional<TelegramMessage>& accepted) {
  if (!request.token_accepted) {
    if (req.path.rfind("/bot", 0) != 0) return telegram_error(404, "Not Found");
    return telegram_error(401, "Unauthorized");
  }
  const std::string method = lower(request.method);
  if (method != "sendmessage" && method != "sendphoto") return telegram_error(404, "Not Found");
  if (!read_fields(req, request)) return telegram_error(400, "Bad Request: invalid JSON body");
  if (request.chat_id.empty()) return telegram_error(400, "Bad Request: chat_id is empty");
  Chat& chat = chats[request.chat_id];
  if (chat.rate_limited > 0) {
    --chat.rate_limited;
    const auto seconds = std::to_string(chat.retry_after.count());
    TelegramReply reply = telegram_error(429, "Too Many Requests: retry after " + seconds,
                                         R"({"retry_after":)" + seconds + "}");
    reply.headers["Retry-After"] = seconds;
    return reply;
  }
  if (chat.server_errors > 0) {
    --chat.server_errors;
    return telegram_error(500, "Internal Server Error");
  }
  switch (chat.state) {
    case Chat::State::not_found:
      return telegram_error(400, "Bad Request: chat not found");
    case Chat::State::migrated:
      return telegram_error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            R"({"migrate_to_chat_id":)" + chat_json(chat.new_chat_id).dump() + "}");
    case Chat::State::blocked:
      return telegram_error(403, "Forbidden: bot was blocked by the user");
    case Chat::State::kicked:
      return telegram_error(403, "Forbidden: bot was kicked from the group chat");
    case Chat::State::accepting:
      break;
  }
  if (method == "sendphoto") {
    std::optional<TelegramPhoto> photo;
    TelegramReply reply = answer_photo(req, request, next_message_id(), photo);
    if (photo) photos.push_back(std::move(*photo));
    return reply;
  }
  if (request.text.empty()) return telegram_error(400, "Bad Request: message text is empty");
  if (!utf16_length(request.text)) {
    return telegram_error(400, "Bad Request: text must be encoded in UTF-8");
  }
  std::string plain = request.text;
  const std::string mode = lower(request.parse_mode);
  if (mode == "html") {
    TelegramHtml html = parse_telegram_html(request.text);
    if (!html.plain_text) {
      return telegram_error(400, "Bad Request: can't parse entities: " + html.error);
    }
    plain = std::move(*html.plain_text);
  } else if (!mode.empty() && mode != "markdown" && mode != "markdownv2") {
    return telegram_error(400, "Bad Request: unsupported parse_mode");
  }
  if (plain.find_first_not_of(" \t\r\n") == std::string::npos) {
    return telegram_error(400, "Bad Request: message text is empty");
  }
  if (*utf16_length(plain) > kTelegramServerTextLimit) {
    return telegram_error(400, "Bad Request: message is too long");
  }
  TelegramMessage message{
      request.chat_id,   request.text, plain, request.parse_mode, request.disable_web_page_preview,
      next_message_id(), request.at};
  messages.push_back(message);
  const nlohmann::json result = {
      {"message_id", message.message_id},
      {"from", {{"id", 1}, {"is_bot", true}, {"first_name", "kzpool test bot"}}},
      {"chat", {{"id", chat_json(request.chat_id)}, {"type", "private"}}},
      {"date",
       std::chrono::duration_cast<std::chrono::seconds>(request.at.time_since_epoch()).count()},
      {"text", plain}};
  accepted = std::move(message);
  return {200, nlohmann::json{{"ok", true}, {"result", result}}.dump(), {}};
}

void TelegramServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  TelegramRequest request;
  request.path = req.path;
  request.at = std::chrono::system_clock::now();
  request.content_type = req.get_header_value("Content-Type");
  request.body = req.body;
  std::function<std::optional<TelegramReply>(const TelegramRequest&)> override_now;
  {
    std::lock_guard lock(mutex);
    if (req.path.rfind("/bot", 0) == 0) {
      const std::size_t slash = req.path.find('/', 4);
      const std::string token = req.path.substr(4, slash == std::string::npos ? slash : slash - 4);
      request.token_accepted = slash != std::string::npos && tokens.count(token) > 0;
      if (slash != std::string::npos) request.method = req.path.substr(slash + 1);
    }
    override_now = override;
  }
  read_fields(req, request);
  std::optional<TelegramReply> reply;
  if (override_now) reply = override_now(request);
  std::optional<TelegramMessage> accepted;
  std::function<void(const TelegramMessage&)> on_message_now;
  {
    std::lock_guard lock(mutex);
    if (!reply) reply = answer(req, request, accepted);
    request.http_status = reply->status;
    const auto body = nlohmann::json::parse(reply->body, nullptr, false);
    if (body.is_object() && body.contains("description") && body["description"].is_string()) {
      request.description = body["description"].get<std::string>();
    }
    requests.push_back(request);
    on_message_now = on_message;
  }
  if (accepted && on_message_now) on_message_now(*accepted);
  res.status = reply->status;
  for (const auto& [name, value] : reply->headers) res.set_header(name, value);
  res.set_content(reply->body, "application/json");
}

TelegramServer::TelegramServer(std::vector<std::string> tokens) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.tokens.insert(tokens.begin(), tokens.end());
  configure_local_server(
      impl.server, std::chrono::seconds(10),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = start_local_server(impl.server, impl.thread, "TelegramServer");
}

TelegramServer::~TelegramServer() {
  stop_local_server(impl_->server, impl_->thread);
}

std::string TelegramServer::api_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

int TelegramServer::port() const {
  return impl_->port;
}

void TelegramServer::add_token(const std::string& token) {
  std::lock_guard lock(impl_->mutex);
  impl_->tokens.insert(token);
}

void TelegramServer::set_chat_not_found(const std::string& chat_id) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats[chat_id].state = Impl::Chat::State::not_found;
}

void TelegramServer::set_migrated(const std::string& chat_id, const std::string& new_chat_id) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats[chat_id].state = Impl::Chat::State::migrated;
  impl_->chats[chat_id].new_chat_id = new_chat_id;
}

void TelegramServer::set_blocked(const std::string& chat_id, bool kicked_from_group) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats[chat_id].state =
      kicked_from_group ? Impl::Chat::State::kicked : Impl::Chat::State::blocked;
}

void TelegramServer::clear_chat(const std::string& chat_id) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats.erase(chat_id);
}

void TelegramServer::set_rate_limited(const std::string& chat_id, std::chrono::seconds retry_after,
                                      int count) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats[chat_id].rate_limited = count;
  impl_->chats[chat_id].retry_after = retry_after;
}

void TelegramServer::set_server_errors(const std::string& chat_id, int count) {
  std::lock_guard lock(impl_->mutex);
  impl_->chats[chat_id].server_errors = count;
}

void TelegramServer::set_override(
    std::function<std::optional<TelegramReply>(const TelegramRequest&)> override) {
  std::lock_guard lock(impl_->mutex);
  impl_->override = std::move(override);
}

void TelegramServer::set_on_message(std::function<void(const TelegramMessage&)> on_message) {
  std::lock_guard lock(impl_->mutex);
  impl_->on_message = std::move(on_message);
}

std::vector<TelegramRequest> TelegramServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<TelegramMessage> TelegramServer::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

std::vector<TelegramMessage> TelegramServer::messages_to(const std::string& chat_id) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<TelegramMessage> found;
  for (const auto& message : impl_->messages) {
    if (message.chat_id == chat_id) found.push_back(message);
  }
  return found;
}

std::vector<TelegramPhoto> TelegramServer::photos() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->photos;
}

}  // namespace kz::test
