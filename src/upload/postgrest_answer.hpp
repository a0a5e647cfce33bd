#pragma once

// What a PostgREST answer means: its success shape, its error body, the SQLSTATE classes that
// refuse a row, and a redirect's target; plus quoting a server body without the key.
// Source: ../shared/postgrest.md (PostgREST 12 to 14 behind the Supabase gateway).

#include <cstddef>
#include <optional>
#include <string>

#include "common/http.hpp"

namespace kz {

// `text` with the key replaced by [REDACTED] wherever it appears whole, and any run of 8 or more
// consecutive characters of the key (a key echoed in part) replaced too. Texts over 64 KiB are
// cut to 64 KiB after the whole-key pass. An empty key changes nothing.
std::string redact_key(std::string text, const std::string& key);

// The first line of `body` for a one-line message: redacted first (redact_key), then cut to
// `max_bytes` (with "..." when cut). Never contains a newline.
std::string quote_first_line(const std::string& body, const std::string& key,
                             std::size_t max_bytes = 300);

// PostgREST's error body {"code","message","details","hint"}; for a body that is not a JSON
// object, message holds the body on one line. Redacted first, then each field cut to 300 bytes.
struct ServerError {
  std::string code, message, details, hint;
};
ServerError parse_server_error(const std::string& body, const std::string& key);

// " <code>: <message>; details: ...; hint: ..." (the parts present), for a message line.
std::string server_summary(const ServerError& error);

// True for a SQLSTATE of class 22 (data exception), 23 (integrity constraint) or 54 (program
// limit exceeded): one row's value is refused, whatever the HTTP status.
bool refuses_a_row(const std::string& sqlstate);

// Why a 2xx answer to a bulk upsert of `rows` rows is not PostgREST's own success, or nothing
// when it is: the status PostgREST gives (201, or 200 when every row was an update and
// `every_row_counted`), "Content-Range: */N" with N == rows (N <= rows when not
// every_row_counted: ignore-duplicates skips rows without counting them), and an empty or JSON
// body. every_row_counted is true for merge-duplicates.
std::optional<std::string> not_postgrest_success(const HttpResponse& response, std::size_t rows,
                                                 bool every_row_counted);

// "not a PostgREST answer (<reason>): HTTP 200, content type text/html, body: <first line>"
// with the body redacted, then cut.
std::string describe_not_postgrest(const HttpResponse& response, const std::string& reason,
                                   const std::string& key);

// The project URL a redirect points to, for pasting as SUPABASE_URL: `location` resolved against
// `request_url`, without userinfo, query or fragment, cut before "/rest/v1" (trailing '/'
// removed). E.g. ("http://a/rest/v1/t?x=1", "https://a/rest/v1/t?x=1") -> "https://a".
// rest_path tells whether the target still had "/rest/v1" (else it is not the REST API).
struct RedirectTarget {
  std::string url;
  bool rest_path = false;
};
RedirectTarget redirect_target(const std::string& request_url, const std::string& location);

// The one-line message for a 3xx answer: "SUPABASE_URL redirects to <target>: use that URL"
// (or that it has no Location), redacted.
std::string describe_redirect(const std::string& request_url, const HttpResponse& response,
                              const std::string& key);

}  // namespace kz
