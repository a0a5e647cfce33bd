#pragma once

// URLs as they may be shown or stored (issue 11): an observer link or an API URL can carry
// credentials in its userinfo (RFC 3986 3.2.1) and tokens in its query values (3.4). Every
// error line, log line and cache cell that names a URL uses these instead of the URL itself.

#include <string>
#include <string_view>
#include <vector>

namespace kz {

// Whether kzpool fetches `url` as given: it starts with "http://", "https://" or "file://"
// (curl would guess a scheme for anything else, and a link without one is a typo).
bool has_fetchable_scheme(std::string_view url);

// `url` safe for a log line or a cache cell. Scheme, host, port, path, the query's names and
// the fragment are kept (the pseudo-URL of a --source api pool ends in "#account"); the
// userinfo becomes "***" ("http://***@host/"), each non-empty query value becomes "***"
// ("?token=***&lang=***") and a query part without '=' becomes "***". The query starts at the
// first '?', the fragment at the first '#'; the userinfo is what precedes the last '@' of the
// authority (which ends at the first '/', '?' or '#' after "://", or after the start of a text
// without a scheme, such as "user:pw@host/path"). A URL with no userinfo and
// no query value is returned unchanged, so is text that is not a URL.
std::string redacted_url(std::string_view url);

// The pieces of `url` that redacted_url() hides (userinfo, its user and password, query values,
// query parts without '='), each also percent-decoded when that differs. Empty for a URL that
// carries none.
std::vector<std::string> url_secrets(std::string_view url);

// `text` (an error line, a child's stderr) with every occurrence of `url` replaced by its
// redacted form and then every secret of url_secrets(url) of 4 or more characters replaced by
// "***" (shorter ones would mangle the text and protect nothing).
std::string redact_url_secrets(std::string text, std::string_view url);

}  // namespace kz
