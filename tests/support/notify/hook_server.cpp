#include "support/notify/hook_server.hpp"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/local_http_server.hpp"

namespace kz::test {

namespace {

using nlohmann::json;

struct Hook {
  HookStyle style = HookStyle::generic;
  std::string secret;
  int gone_status = 0;  // 404 removed, 410 archived
  std::deque<HookFailure> failures;
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::optional<std::string> retry_after;
};

std::string lower_hex_hmac(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

std::size_t utf8_code_points(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Reply text_reply(int status, std::string body) {
  return {status, std::move(body), "text/html", std::nullopt};
}

// The style's own body for a status (HookServer's comment).
Reply style_reply(HookStyle style, int status, const HookFailure* failure) {
  Reply reply;
  reply.status = status;
  if (style == HookStyle::slack) {
    const char* word = status == 400   ? "invalid_payload"
                       : status == 403 ? "action_prohibited"
                       : status == 404 ? "no_service"
                       : status == 410 ? "channel_is_archived"
                       : status == 429 ? "rate_limited"
                                       : "internal_error";
    reply = text_reply(status, word);
  } else if (style == HookStyle::discord) {
    json body;
    if (status == 429) {
      body = {{"message", "You are being rate limited."},
              {"retry_after", failure ? failure->retry_after_s : 1.0},
              {"global", failure ? failure->global : false}};
    } else if (status == 401) {
      body = {{"message", "401: Unauthorized"}, {"code", 0}};
    } else if (status == 403) {
      body = {{"message", "Missing Permissions"}, {"code", 50013}};
    } else if (status == 404 || status == 410) {
      body = {{"message", "Unknown Webhook"}, {"code", 10015}};
    } else {
      body = {{"message", std::to_string(status) + ": error"}, {"code", 0}};
    }
    reply.body = body.dump();
  } else {
    reply.body = json{{"error", "status " + std::to_string(status)}}.dump();
  }
  if (status == 429) {
    const double seconds = failure ? failure->retry_after_s : 1.0;
    reply.retry_after = std::to_string(static_cast<long long>(std::ceil(seconds)));
  }
  if (failure && !failure->body.empty()) reply.body = failure->body;
  return reply;
}

}  // namespace

std::string HookRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

std::string hook_message_text(const HookRequest& request) {
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  const char* field = request.style == HookStyle::discord ? "content" : "text";
  if (!body.is_object() || !body.contains(field) || !body[field].is_string()) return "";
  return body[field].get<std::string>();
}

struct HookServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::map<std::string, Hook> hooks;  // by path
  std::vector<HookRequest> requests;

  std::string add(const std::string& path, Hook hook) {
    std::lock_guard lock(mutex);
    hooks[path] = std::move(hook);
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::string path_of(const std::string& url) const {
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    std::string path = url.rfind(base, 0) == 0 ? url.substr(base.size()) : url;
    return path.substr(0, path.find('?'));
  }
  Reply answer(HookRequest& request, Hook* hook);
  void handle(const httplib::Request& req, httplib::Response& res);
};

Reply HookServer::Impl::answer(HookRequest& request, Hook* hook) {
  const HookStyle style = request.style;
  if (hook == nullptr || hook->gone_status == 404) return style_reply(style, 404, nullptr);
  if (hook->gone_status == 410) return style_reply(style, 410, nullptr);
  if (!hook->failures.empty()) {
    HookFailure failure = hook->failures.front();
    if (--hook->failures.front().times <= 0) hook->failures.pop_front();
    request.scripted = true;
    return style_reply(style, failure.status, &failure);
  }
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (style == HookStyle::slack) {
    if (!body.is_object()) return text_reply(400, "invalid_payload");
    if (!body.contains("text") || !body["text"].is_string() ||
        body["text"].get<std::string>().empty()) {
      return text_reply(400, "no_text");
    }
    return text_reply(200, "ok");
  }
  if (style == HookStyle::discord) {
    if (!body.is_object()) {
      return {400,
              json{{"message", "The request body contains invalid JSON."}, {"code", 50109}}.dump()};
    }
    const std::string content = body.contains("content") && body["content"].is_string()
                                    ? body["content"].get<std::string>()
                                    : "";
    if (content.empty()) {
      return {400, json{{"message", "Cannot send an empty message"}, {"code", 50006}}.dump()};
    }
    if (utf8_code_points(content) > 2000) {
      return {400, json{{"content", json::array({"Must be 2000 or fewer in length."})}}.dump()};
    }
    if (request.query.find("wait=true") != std::string::npos) {
      return {200,
              json{{"id", std::to_string(1000 + requests.size())}, {"content", content}}.dump()};
    }
    return {204, "", "text/plain", std::nullopt};
  }
  if (!hook->secret.empty()) {
    const std::string expected = "sha256=" + lower_hex_hmac(hook->secret, request.body);
    request.signature_valid = request.header("X-Kzpool-Signature") == expected;
    if (!*request.signature_valid) return {401, json{{"error", "bad signature"}}.dump()};
  }
  if (body.is_discarded()) return {400, json{{"error", "body is not JSON"}}.dump()};
  return {200, json{{"received", true}}.dump()};
}

void HookServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  HookRequest request;
  request.path = req.path;
  const auto query_at = req.target.find('?');
  if (query_at != std::string::npos) request.query = req.target.substr(query_at + 1);
  for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
  request.body = req.body;
  if (req.path.rfind("/slack/", 0) == 0) {
    request.style = HookStyle::slack;
  } else if (req.path.rfind("/discord/", 0) == 0) {
    request.style = HookStyle::discord;
  }
  Reply reply;
  {
    std::lock_guard lock(mutex);
    auto it = hooks.find(req.path);
    Hook* hook = it == hooks.end() || it->second.style != request.style ? nullptr : &it->second;
    request.known = hook != nullptr && hook->gone_status == 0;
    reply = req.method == "POST" ? answer(request, hook) : style_reply(request.style, 405, nullptr);
    request.status = reply.status;
    requests.push_back(std::move(request));
  }
  res.status = reply.status;
  if (reply.retry_after) res.set_header("Retry-After", *reply.retry_after);
  if (!reply.body.empty()) res.set_content(reply.body, reply.content_type);
}

HookServer::HookServer() : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  configure_local_server(
      impl.server, std::chrono::seconds(10),
      [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = start_local_server(impl.server, impl.thread, "HookServer");
}

HookServer::~HookServer() {
  stop_local_server(impl_->server, impl_->thread);
}

std::string HookServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::string HookServer::add_slack(const std::string& token) {
  return impl_->add("/slack/" + token, Hook{HookStyle::slack, "", 0, {}});
}

std::string HookServer::add_discord(const std::string& id, const std::string& token) {
  return impl_->add("/discord/" + id + "/" + token, Hook{HookStyle::discord, "", 0, {}});
}

std::string HookServer::add_generic(const std::string& token, const std::string& secret) {
  return impl_->add("/hook/" + token, Hook{HookStyle::generic, secret, 0, {}});
}

void HookServer::fail_next(const std::string& url, HookFailure failure) {
  std::lock_guard lock(impl_->mutex);
  impl_->hooks.at(impl_->path_of(url)).failures.push_back(std::move(failure));
}

void HookServer::remove(const std::string& url, bool archived) {
  std::lock_guard lock(impl_->mutex);
  impl_->hooks.at(impl_->path_of(url)).gone_status = archived ? 410 : 404;
}

std::vector<HookRequest> HookServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<HookRequest> HookServer::delivered(const std::string& url) const {
  std::lock_guard lock(impl_->mutex);
  const std::string path = impl_->path_of(url);
  std::vector<HookRequest> out;
  for (const HookRequest& request : impl_->requests) {
    if (request.path == path && request.status >= 200 && request.status < 300) {
      out.push_back(request);
    }
  }
  return out;
}

}  // namespace kz::test
