#pragma once

// An ntfy server for the kznotify tests (../shared/notifications.md, ntfy's publish API), on
// 127.0.0.1 with an ephemeral port: POST /<topic> (topic: 1 to 64 of [-_A-Za-z0-9]) with the
// message as the body; headers Title (or X-Title; RFC 2047 "=?UTF-8?B?...?=" words decoded here,
// as ntfy does), Priority (1-5 or min/low/default/high/urgent/max; anything else 400
// {"code":40007,...}), Tags (comma-separated). 200 with the message as JSON
// {"id","time","event":"message","topic","message","title"?,"priority"?,"tags"?}. A body over
// 4096 bytes: 413 (attachments are off here). With require_token(): no or another Bearer token
// 401 {"code":40101,"http":401,"error":"unauthorized"}; deny(topic): 403 {"code":40301,...}.
// Scripted failures for the next K requests: 429 {"code":42901,...} with Retry-After, 5xx, any.
// Every request is recorded. Thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

struct NtfyRequest {
  std::string topic;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent
  std::string raw_title;                                     // the header as sent
  std::string title;                                         // decoded
  int priority = 3;                                          // 1..5; 0 when it was invalid
  std::vector<std::string> tags;
  std::string authorization;  // the header as sent, or ""
  std::string body;
  int status = 0;
  bool scripted = false;
};

struct NtfyFailure {
  int status = 500;
  int times = 1;
  int retry_after_s = 1;  // 429
};

class NtfyServer {
 public:
  NtfyServer();  // starts serving; throws std::runtime_error when it cannot bind
  ~NtfyServer();
  NtfyServer(const NtfyServer&) = delete;
  NtfyServer& operator=(const NtfyServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>"

  void require_token(const std::string& token);  // publishing needs "Authorization: Bearer <token>"
  void deny(const std::string& topic);           // 403 for this topic
  void fail_next(NtfyFailure failure);           // queued after earlier scripted failures

  std::vector<NtfyRequest> requests() const;
  std::vector<NtfyRequest> delivered() const;  // answered 200, in order

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// RFC 2047 encoded-words ("=?UTF-8?B?...?=", also Q and adjacent words) decoded; other text as
// it is. For ntfy header values.
std::string decode_rfc2047(const std::string& value);

}  // namespace kz::test
