#include "common/http_redirects.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace kz {
namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

UrlHandle parse(const std::string& url) {
  UrlHandle handle(curl_url());
  if (!handle) return nullptr;
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return nullptr;
  }
  return handle;
}

std::optional<std::string> part(CURLU* url, CURLUPart which, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
  std::string out(text);
  curl_free(text);
  return out;
}

}  // namespace

std::optional<UrlOrigin> url_origin(const std::string& url) {
  const UrlHandle handle = parse(url);
  if (!handle) return std::nullopt;
  const auto scheme = part(handle.get(), CURLUPART_SCHEME);
  const auto host = part(handle.get(), CURLUPART_HOST);
  const auto port = part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port || host->empty()) return std::nullopt;
  UrlOrigin origin{to_lower(*scheme), to_lower(*host), 0};
  if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
  if (port->empty() || port->size() > 5 ||
      !std::all_of(port->begin(), port->end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  origin.port = std::stol(*port);
  return origin;
}

bool same_origin(const std::string& a, const std::string& b) {
  const auto origin_a = url_origin(a);
  const auto origin_b = url_origin(b);
  return origin_a && origin_b && *origin_a == *origin_b;
}

bool is_plain_header(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kPlain = {
      "accept",        "accept-language", "accept-encoding", "content-type", "content-language",
      "cache-control", "pragma",          "prefer",          "range"};
  const std::string lower = to_lower(name);
  if (lower.starts_with("if-") && lower.size() > 3) return true;
  return std::find(kPlain.begin(), kPlain.end(), lower) != kPlain.end();
}

bool carries_credentials(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (!is_plain_header(name)) return true;
  }
  const UrlHandle handle = parse(request.url);
  if (!handle) return true;
  return part(handle.get(), CURLUPART_USER).has_value() ||
         part(handle.get(), CURLUPART_PASSWORD).has_value() ||
         part(handle.get(), CURLUPART_OPTIONS).has_value();
}

bool is_followed_redirect_status(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool may_follow_redirects(const HttpRequest& request) {
  return request.follow_redirects && (request.method == "GET" || request.method == "HEAD") &&
         request.body.empty() && request.form.empty();
}

bool may_follow_redirect(const HttpRequest& request, const std::string& target) {
  if (!may_follow_redirects(request)) return false;
  return !carries_credentials(request) || same_origin(request.url, target);
}

}  // namespace kz
