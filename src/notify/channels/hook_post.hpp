#pragma once

// What the hook channels (Slack, Discord, generic webhook, ntfy) share: one POST through the
// transport, error lines that never name the secret URL or token, and Retry-After.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http.hpp"
#include "notify/channel.hpp"

namespace kz {

// One POST attempt of a hook channel. `label` is "<type> <destination name>", the start of every
// error line; `secrets` are the texts no error line may contain (the hook URL, a token), each
// also hidden in its redacted form and by its path and query pieces.
struct HookPost {
  std::string label;
  std::vector<std::string> secrets;
  HttpTransport* transport = nullptr;
  std::chrono::milliseconds timeout{30'000};

  // Sends `request` once. On a transport failure: nullopt and `failure` set to a transient
  // result ("<label>: <what failed>", secrets hidden).
  std::optional<HttpResponse> post(const HttpRequest& request, DeliveryResult& failure) const;

  // `text` with every secret replaced by "***" (whole, redacted form, path segments and query
  // values of 4 or more characters), control characters as spaces, at most 300 bytes.
  std::string scrub(std::string_view text) const;

  // A result with outcome and the line "<label>: <what>" (scrubbed).
  DeliveryResult failed(DeliveryResult::Outcome outcome, std::string_view what) const;
};

// Retry-After as seconds: a number (fractional ones rounded up) or an HTTP date (seconds from
// `now`, at least 0). nullopt when absent or unreadable.
std::optional<std::chrono::seconds> retry_after_of(const HttpResponse& response,
                                                   std::chrono::system_clock::time_point now);

// Seconds, possibly fractional, rounded up; nullopt for a negative, non-finite or huge value.
std::optional<std::chrono::seconds> seconds_rounded_up(double seconds);

// What a non-2xx status means for a hook: 408, 429 and 5xx transient; a redirect (not followed:
// the hook moved) and the other 4xx refused; anything else transient.
DeliveryResult::Outcome outcome_of_status(long status);

// The 429 / 5xx / other-status results every hook channel gives alike: 429 transient with the
// larger of `retry_after` and the header's, 408 and 5xx transient, with `what` naming the status.
DeliveryResult status_failure(const HookPost& post, const HttpResponse& response,
                              std::string_view what, DeliveryResult::Outcome outcome,
                              std::optional<std::chrono::seconds> retry_after = std::nullopt);

// `document` as a request body: compact, invalid UTF-8 (a worker name can hold any bytes)
// replaced by U+FFFD instead of throwing.
std::string json_body(const nlohmann::json& document);

// A POST of `body` to `url` with Content-Type `content_type`, redirects not followed (a hook
// that moved is a person's job, and the body must not be re-sent elsewhere).
HttpRequest hook_request(const std::string& url, std::string body,
                         const std::string& content_type = "application/json");

}  // namespace kz
