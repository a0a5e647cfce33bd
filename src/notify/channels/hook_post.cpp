#include "notify/channels/hook_post.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/url_text.hpp"

namespace kz {

namespace {

constexpr std::size_t kMaxLineBytes = 300;
constexpr std::size_t kMinSecretPiece = 4;
constexpr double kMaxRetryAfterSeconds = 7 * 24 * 3600.0;

void add_piece(std::vector<std::string>& pieces, std::string piece) {
  if (piece.size() >= kMinSecretPiece) pieces.push_back(std::move(piece));
}

// The path segments of a URL ("/api/webhooks/123/tok" -> "api", "webhooks", "123", "tok").
void add_path_segments(std::vector<std::string>& pieces, std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return;
  auto path = url.find('/', scheme + 3);
  if (path == std::string_view::npos) return;
  const auto end = url.find_first_of("?#", path);
  std::string_view rest = url.substr(path, end == std::string_view::npos ? url.npos : end - path);
  while (!rest.empty()) {
    rest.remove_prefix(1);
    const auto next = rest.find('/');
    add_piece(pieces, std::string(rest.substr(0, next)));
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next);
  }
}

}  // namespace

std::string HookPost::scrub(std::string_view text) const {
  std::vector<std::string> pieces;
  for (const std::string& secret : secrets) {
    add_piece(pieces, secret);
    add_piece(pieces, redacted_url(secret));
    for (std::string& piece : url_secrets(secret)) add_piece(pieces, std::move(piece));
    add_path_segments(pieces, secret);
  }
  std::sort(pieces.begin(), pieces.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out(text);
  for (const std::string& piece : pieces) {
    for (auto at = out.find(piece); at != std::string::npos; at = out.find(piece, at + 3)) {
      out.replace(at, piece.size(), "***");
    }
  }
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (out.size() > kMaxLineBytes) {
    std::size_t cut = kMaxLineBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "…";
  }
  return out;
}

DeliveryResult HookPost::failed(DeliveryResult::Outcome outcome, std::string_view what) const {
  DeliveryResult result;
  result.outcome = outcome;
  result.error = label + ": " + scrub(what);
  return result;
}

std::optional<HttpResponse> HookPost::post(const HttpRequest& request,
                                           DeliveryResult& failure) const {
  HttpResult result = transport->perform(request, timeout);
  if (result.response) return std::move(*result.response);
  // A permanent transport failure (a malformed URL, TLS that does not verify) still needs a
  // person, but the hook itself was not refused: it stays transient and the line says why.
  failure = failed(DeliveryResult::Outcome::transient,
                   result.transport_error.empty() ? "no response" : result.transport_error);
  return std::nullopt;
}

std::optional<std::chrono::seconds> seconds_rounded_up(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxRetryAfterSeconds) {
    return std::nullopt;
  }
  return std::chrono::seconds{static_cast<long long>(std::ceil(seconds))};
}

std::optional<std::chrono::seconds> retry_after_of(const HttpResponse& response,
                                                   std::chrono::system_clock::time_point now) {
  const auto value = response.header("retry-after");
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(value->c_str(), &end);
  if (end != value->c_str() && *end == '\0') return seconds_rounded_up(number);
  const time_t at = curl_getdate(value->c_str(), nullptr);
  if (at < 0) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(at) - now;
  return std::chrono::seconds{
      std::max<long long>(0, std::chrono::ceil<std::chrono::seconds>(delta).count())};
}

DeliveryResult::Outcome outcome_of_status(long status) {
  if (status == 408 || status == 429) return DeliveryResult::Outcome::transient;
  if (status >= 300 && status < 500) return DeliveryResult::Outcome::refused;
  return DeliveryResult::Outcome::transient;
}

DeliveryResult status_failure(const HookPost& post, const HttpResponse& response,
                              std::string_view what, DeliveryResult::Outcome outcome,
                              std::optional<std::chrono::seconds> retry_after) {
  DeliveryResult result = post.failed(outcome, what);
  if (response.status == 429) {
    result.outcome = DeliveryResult::Outcome::transient;
    const auto header = retry_after_of(response, std::chrono::system_clock::now());
    if (header && (!retry_after || *header > *retry_after)) retry_after = header;
    result.retry_after = retry_after;
  }
  return result;
}

std::string json_body(const nlohmann::json& document) {
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpRequest hook_request(const std::string& url, std::string body,
                         const std::string& content_type) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers.emplace_back("Content-Type", content_type);
  request.body = std::move(body);
  request.follow_redirects = false;
  return request;
}

}  // namespace kz
