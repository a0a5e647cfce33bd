#pragma once

// Slack-, Discord- and generic-webhook receivers for the kznotify tests, in one cpp-httplib
// server on 127.0.0.1 (ephemeral port), told apart by path, following
// ../shared/notifications.md and the services' documented answers, not our client:
// - Slack  POST /slack/<token>: JSON {"text": non-empty string} -> 200 "ok"; a body that is not
//   such JSON -> 400 "invalid_payload" (no "text": "no_text"); an unknown token -> 404
//   "no_service".
// - Discord POST /discord/<id>/<token>: JSON {"content": string of 1..2000 code points} -> 204
//   (200 with {"id": ...} when the query has wait=true); over 2000 -> 400 {"content": ["Must be
//   2000 or fewer in length."]}; empty -> 400 {"message": "Cannot send an empty message",
//   "code": 50006}; not JSON -> 400 {"message": "The request body contains invalid JSON.",
//   "code": 50109}; unknown hook -> 404 {"message": "Unknown Webhook", "code": 10015}.
// - generic POST /hook/<token>: any JSON -> 200 {"received": true}; not JSON -> 400. With a
//   secret set for the hook it checks X-Kzpool-Signature ("sha256=" + lower-case hex HMAC-SHA256
//   of the exact body, computed here independently): missing or wrong -> 401
//   {"error": "bad signature"}. Unknown hook -> 404.
// Scripted failures per hook, for its next `times` requests: any status with the style's own
// body (Slack: 400 invalid_payload, 403 action_prohibited, 404 no_service, 410
// channel_is_archived, 429 rate_limited, 5xx internal_error; Discord: 401/403/404/429/5xx JSON
// as Discord answers, 429 with "retry_after" (fractional) and "global" plus a Retry-After header
// rounded up; generic: {"error": ...}); 429s carry Retry-After.
// Every request is recorded (refused ones too). Thread-safe.
//
//   kz::test::HookServer hooks;
//   std::string url = hooks.add_slack("T0/B0/" + secret);
//   hooks.fail_next(url, {.status = 429, .times = 2, .retry_after_s = 1.5});

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

enum class HookStyle { slack, discord, generic };

// One request as the server saw it.
struct HookRequest {
  HookStyle style = HookStyle::generic;
  std::string path;                                          // "/slack/T0/B0/xyz"
  std::string query;                                         // "wait=true", or ""
  std::vector<std::pair<std::string, std::string>> headers;  // as sent
  std::string body;
  int status = 0;                       // what it answered
  bool known = false;                   // the hook exists
  bool scripted = false;                // answered by a scripted failure
  std::optional<bool> signature_valid;  // generic hooks with a secret: the check's outcome
  // The header's value (case-insensitive name), or "".
  std::string header(const std::string& name) const;
};

struct HookFailure {
  int status = 500;
  int times = 1;             // the next `times` requests of the hook
  double retry_after_s = 1;  // 429: Retry-After (rounded up) and Discord's "retry_after"
  bool global = false;       // Discord 429's "global"
  std::string body;          // replaces the style's own body when not empty
};

class HookServer {
 public:
  HookServer();  // starts serving; throws std::runtime_error when it cannot bind
  ~HookServer();
  HookServer(const HookServer&) = delete;
  HookServer& operator=(const HookServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // Registers a hook and returns its full URL. `token` may contain '/'.
  std::string add_slack(const std::string& token);
  std::string add_discord(const std::string& id, const std::string& token);
  // `secret` not empty: the hook requires a valid X-Kzpool-Signature.
  std::string add_generic(const std::string& token, const std::string& secret = "");

  // The hook at `url` answers its next failure.times requests with `failure` (queued after
  // failures already scripted for it).
  void fail_next(const std::string& url, HookFailure failure);
  // The hook at `url` is gone from now on (removed: Slack 404 no_service, Discord 404 Unknown
  // Webhook, generic 404); `archived` instead: Slack 410 channel_is_archived, others 410.
  void remove(const std::string& url, bool archived = false);

  std::vector<HookRequest> requests() const;
  // Requests the hook at `url` answered with 2xx, in order.
  std::vector<HookRequest> delivered(const std::string& url) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The text a Discord or Slack body carried ("content" / "text"), or "" when not JSON.
std::string hook_message_text(const HookRequest& request);

}  // namespace kz::test
