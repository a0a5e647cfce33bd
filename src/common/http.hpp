#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kz {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One part of a multipart/form-data body (RFC 7578), sent through libcurl's mime API.
struct FormPart {
  std::string name;          // the form field, e.g. "photo"
  std::string data;          // its bytes
  std::string filename;      // "" for a plain field; else sent as the part's filename
  std::string content_type;  // "" for libcurl's default; e.g. "image/png"
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;  // values of secret headers never reach a log line
  std::string body;
  // When not empty: the body is multipart/form-data of these parts (libcurl sets Content-Type
  // with its boundary), sent with `method` (normally POST); `body` must then be empty.
  std::vector<FormPart> form{};
  // false: a redirect comes back as the response. Even when true, only a GET or HEAD without a
  // body follows one, and one that carries credentials only within its origin (see
  // http_redirects.hpp).
  bool follow_redirects = true;
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names lower-cased
  std::string body;
  // A redirect (3xx with a Location) that was not followed: the absolute URL it names.
  std::optional<std::string> redirect_url{};
  std::optional<std::string> header(const std::string& lower_name) const;
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Deadline for the whole exchange including retries and backoff; each
  // attempt gets what is left of it.
  std::chrono::milliseconds total_timeout{30'000};
  int max_retries = 3;  // attempts after the first
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{8'000};
  std::size_t max_body_bytes = 32 * 1024 * 1024;
  // The option that sets max_body_bytes, named in the error when a body exceeds it.
  std::string max_body_option;
  long max_redirects = 5;
  bool verify_tls = true;
  std::string user_agent = "kzpool/0.1 (+https://github.com/kzpool)";
};

// The outcome of one exchange after retries: either a response (any status,
// the caller decides what it means) or a transport failure described in one line.
struct HttpResult {
  std::optional<HttpResponse> response;
  std::string transport_error;  // set when response is empty
  // With transport_error: the same request cannot succeed by being sent again, so
  // send_with_retries() stops at once. Set by CurlTransport for a body over the cap, a redirect
  // loop or a refused redirect, a TLS handshake the server cannot speak (e.g. https to a
  // plain-HTTP port), a certificate that does not verify, a malformed URL, an unsupported
  // scheme and a file:// URL that cannot be read. Timeouts, refused or reset connections and
  // DNS failures stay transient.
  bool permanent = false;
  int attempts = 0;
};

// One attempt, no retries. Throws nothing; a transport failure is reported in
// HttpResult::transport_error.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResult perform(const HttpRequest& request, std::chrono::milliseconds timeout) = 0;
};

// libcurl: gzip, TLS verification, body size cap, http(s) and file:// URLs. Redirects
// (301/302/303/307/308) are followed here, not by libcurl, up to options.max_redirects and to
// http(s) targets only, the method kept, within one `timeout` for the whole chain; which ones
// are followed is may_follow_redirect() in http_redirects.hpp. One that is not followed comes
// back as the response, with HttpResponse::redirect_url set.
class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(HttpOptions options);
  HttpResult perform(const HttpRequest& request, std::chrono::milliseconds timeout) override;

 private:
  HttpOptions options_;
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;

// The production sleeper: std::this_thread::sleep_for.
Sleeper real_sleeper();

// Retries transient network errors (not HttpResult::permanent ones) and 408/429/500/502/503/504
// with exponential backoff and full jitter, honouring Retry-After, within options.total_timeout.
// Other statuses and permanent failures are returned at once.
HttpResult send_with_retries(HttpTransport& transport, const HttpRequest& request,
                             const HttpOptions& options, const Sleeper& sleep);

bool is_retryable_status(long status);

}  // namespace kz
