#include "support/notify/ntfy_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "support/local_http_server.hpp"

namespace kz::test {

namespace {

using nlohmann::json;

constexpr std::size_t kMessageLimitBytes = 4096;

std::string error_body(int code, int http, const std::string& error) {
  return json{{"code", code}, {"http", http}, {"error", error}}.dump();
}

std::string base64_decode(const std::string& text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= 'A' && c <= 'Z') digit = c - 'A';
    if (c >= 'a' && c <= 'z') digit = c - 'a' + 26;
    if (c >= '0' && c <= '9') digit = c - '0' + 52;
    if (c == '+') digit = 62;
    if (c == '/') digit = 63;
    if (digit < 0) continue;
    value = (value << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

std::string q_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

int priority_of(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.empty() || text == "default" || text == "3") return 3;
  if (text == "min" || text == "1") return 1;
  if (text == "low" || text == "2") return 2;
  if (text == "high" || text == "4") return 4;
  if (text == "urgent" || text == "max" || text == "5") return 5;
  return 0;
}

}  // namespace

std::string decode_rfc2047(const std::string& value) {
  static const std::regex kWord(R"(=\?([^?]+)\?([BbQq])\?([^?]*)\?=)");
  std::string out;
  auto begin = value.cbegin();
  bool last_was_word = false;
  for (std::smatch m; std::regex_search(begin, value.cend(), m, kWord); begin = m[0].second) {
    const std::string between(m.prefix().first, m.prefix().second);
    // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 6.2).
    if (!(last_was_word && std::all_of(between.begin(), between.end(),
                                       [](char c) { return c == ' ' || c == '\t'; }))) {
      out += between;
    }
    out += (m[2] == "B" || m[2] == "b") ? base64_decode(m[3]) : q_decode(m[3]);
    last_was_word = true;
  }
  out.append(begin, value.cend());
  return out;
}

struct NtfyServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::optional<std::string> token;
  std::set<std::string> denied;
  std::deque<NtfyFailure> failures;
  std::vector<NtfyRequest> requests;
  int next_id = 1;

  void handle(const httplib::Request& req, httplib::Response& res);
};

void NtfyServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  static const std::regex kTopic("^/([-_A-Za-z0-9]{1,64})$");
  NtfyRequest request;
  for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
  request.raw_title =
      req.has_header("Title") ? req.get_header_value("Title") : req.get_header_value("X-Title");
  request.title = decode_rfc2047(request.raw_title);
  request.priority = priority_of(req.get_header_value("Priority"));
  std::string tags = req.get_header_value("Tags");
  for (std::size_t at = 0; !tags.empty() && at <= tags.size();) {
    const auto comma = std::min(tags.find(',', at), tags.size());
    request.tags.push_back(tags.substr(at, comma - at));
    at = comma + 1;
  }
  request.authorization = req.get_header_value("Authorization");
  request.body = req.body;
  std::smatch match;
  const bool topic_ok = std::regex_match(req.path, match, kTopic);
  if (topic_ok) request.topic = match[1];

  std::lock_guard lock(mutex);
  int status = 200;
  std::string body;
  if (!topic_ok || (req.method != "POST" && req.method != "PUT")) {
    status = 404;
    body = error_body(40401, 404, "page not found");
  } else if (!failures.empty()) {
    status = failures.front().status;
    if (status == 429) {
      res.set_header("Retry-After", std::to_string(failures.front().retry_after_s));
      body = error_body(42901, 429, "limit reached: too many requests");
    } else {
      body = error_body(status * 100 + 1, status, "scripted failure");
    }
    if (--failures.front().times <= 0) failures.pop_front();
    request.scripted = true;
  } else if (token && request.authorization != "Bearer " + *token) {
    status = 401;
    body = error_body(40101, 401, "unauthorized");
  } else if (denied.count(request.topic) != 0) {
    status = 403;
    body = error_body(40301, 403, "forbidden");
  } else if (request.priority == 0) {
    status = 400;
    body = error_body(40007, 400, "invalid request: priority invalid");
  } else if (request.body.size() > kMessageLimitBytes) {
    status = 413;
    body = error_body(41301, 413, "request entity too large");
  } else {
    json message{{"id", "msg" + std::to_string(next_id++)},
                 {"time", std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()},
                 {"event", "message"},
                 {"topic", request.topic},
                 {"message", request.body}};
    if (!request.title.empty()) message["title"] = request.title;
    if (request.priority != 3) message["priority"] = request.priority;
    if (!request.tags.empty()) message["tags"] = request.tags;
    body = message.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  request.status = status;
  requests.push_back(std::move(request));
  res.status = status;
  res.set_content(body, "application/json");
}

NtfyServer::NtfyServer() : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  configure_local_server(
      impl.server, std::chrono::seconds(10),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = start_local_server(impl.server, impl.thread, "NtfyServer");
}

NtfyServer::~NtfyServer() {
  stop_local_server(impl_->server, impl_->thread);
}

std::string NtfyServer::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void NtfyServer::require_token(const std::string& token) {
  std::lock_guard lock(impl_->mutex);
  impl_->token = token;
}

void NtfyServer::deny(const std::string& topic) {
  std::lock_guard lock(impl_->mutex);
  impl_->denied.insert(topic);
}

void NtfyServer::fail_next(NtfyFailure failure) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures.push_back(failure);
}

std::vector<NtfyRequest> NtfyServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<NtfyRequest> NtfyServer::delivered() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<NtfyRequest> out;
  for (const NtfyRequest& request : impl_->requests) {
    if (request.status == 200) out.push_back(request);
  }
  return out;
}

}  // namespace kz::test
