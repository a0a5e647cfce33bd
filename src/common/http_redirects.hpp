#pragma once

// The rules for following an HTTP redirect, kept apart from the transport so that they can be
// read and tested on their own (issue 10: writes never follow a redirect, and no credential
// ever goes to an origin other than the one configured; RFC 6454 for origins, RFC 9110 15.4
// for redirects).

#include <optional>
#include <string>
#include <string_view>

#include "common/http.hpp"

namespace kz {

// The origin of an absolute http or https URL: scheme and host lower-cased, the port explicit
// (80 or 443 when the URL gives none). "HTTP://Example.COM:80/a" and "http://example.com/b"
// have the same origin.
struct UrlOrigin {
  std::string scheme;
  std::string host;
  long port = 0;
  bool operator==(const UrlOrigin&) const = default;
};

// nullopt when `url` is not an absolute http(s) URL that parses.
std::optional<UrlOrigin> url_origin(const std::string& url);

// Both URLs parse and have the same origin. Anything that does not parse is another origin.
bool same_origin(const std::string& a, const std::string& b);

// A header that carries no secret: Accept, Accept-Language, Accept-Encoding, Content-Type,
// Content-Language, Prefer, Range, Cache-Control, Pragma and If-*. Case-insensitive. Every
// other header counts as a credential (deny by default).
bool is_plain_header(std::string_view name);

// The request sends a header that is not plain, or userinfo in its URL (a URL that does not
// parse counts too).
bool carries_credentials(const HttpRequest& request);

// The redirect statuses that are followed: 301, 302, 303, 307, 308.
bool is_followed_redirect_status(long status);

// Whether the request may follow a redirect at all: follow_redirects is set, the method is GET
// or HEAD, and there is no body. Writes never follow.
bool may_follow_redirects(const HttpRequest& request);

// Whether `request` may follow a redirect to the absolute URL `target`: may_follow_redirects()
// and, when it carries credentials, `target` has the origin of request.url.
bool may_follow_redirect(const HttpRequest& request, const std::string& target);

}  // namespace kz
