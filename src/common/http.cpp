#include "common/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/body_decoding.hpp"
#include "common/http_curl_form.hpp"
#include "common/http_failures.hpp"
#include "common/http_redirects.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

void ensure_curl_global_init() {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
}

// Aborts the transfer (CURLE_ABORTED_BY_CALLBACK) once this process got SIGINT/SIGTERM; libcurl
// calls it at least once a second, also while a server holds the response.
int abort_when_terminated(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return termination_signal() != 0 ? 1 : 0;
}

struct Transfer {
  std::string body;
  Headers headers;
  std::size_t max_body = 0;
  bool body_too_large = false;
  bool saw_status_line = false;
  // Created at the first body byte, from the response's Content-Encoding: libcurl hands us
  // the body as sent, so that a compressed stream cut short is noticed (see body_decoding.hpp).
  std::unique_ptr<BodyDecoder> decoder;
  bool malformed_body = false;
};

size_t write_cb(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (!t->decoder) {
    std::string encoding;
    for (const auto& [name, value] : t->headers) {
      if (name == "content-encoding") encoding = value;
    }
    t->decoder = std::make_unique<BodyDecoder>(encoding);
  }
  switch (t->decoder->write(std::string_view(data, n), t->body, t->max_body)) {
    case BodyDecoder::Status::ok:
      return n;
    case BodyDecoder::Status::too_large:
      t->body_too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    case BodyDecoder::Status::malformed:
      t->malformed_body = true;
      return 0;
  }
  return 0;
}

size_t header_cb(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or 100-continue): nothing of the previous one is kept.
    t->headers.clear();
    t->body.clear();
    t->decoder.reset();
    t->saw_status_line = true;
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                            std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

std::string one_line(std::string s) {
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  const auto end = s.find_last_not_of(' ');
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

// No request header value (API keys) may reach a log line: defence in depth.
std::string redact_headers(std::string message, const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (value.size() < 4) continue;
    for (auto pos = message.find(value); pos != std::string::npos; pos = message.find(value)) {
      message.replace(pos, value.size(), "[redacted]");
    }
  }
  return message;
}

// `url` is the URL of the failed exchange (after redirects), `timeout` the whole chain's.
std::string describe_error(CURLcode code, const char* errbuf, const Transfer& t,
                           const HttpRequest& request, const std::string& url,
                           const HttpOptions& options, milliseconds timeout) {
  const std::string detail = one_line(errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code));
  std::string what;
  if (code == CURLE_ABORTED_BY_CALLBACK && termination_signal() != 0) {
    what = terminated_by(termination_signal());
  } else if (t.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    what = "response body exceeds " + std::to_string(options.max_body_bytes) + " bytes";
    if (!options.max_body_option.empty()) {
      what += " (" + options.max_body_option + " " +
              std::to_string(options.max_body_bytes / (1024 * 1024)) +
              "; raise it if the page is really that large)";
    }
  } else if (t.malformed_body) {
    what = "the body cannot be decoded: " + t.decoder->problem();
  } else if (code == CURLE_OK) {
    what = "the body ended early: " + t.decoder->problem();
  } else if (code == CURLE_PARTIAL_FILE || (code == CURLE_RECV_ERROR && t.saw_status_line)) {
    what = "the body ended early: " + detail;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    const bool connecting = to_lower(detail).find("connect") != std::string::npos;
    const auto limit = connecting ? std::min(options.connect_timeout, timeout) : timeout;
    what = std::string(connecting ? "connect timed out" : "timed out") + " after " +
           std::to_string(limit.count()) + " ms";
  } else if (code == CURLE_COULDNT_CONNECT) {
    what = "connection refused: " + detail;
  } else if (code == CURLE_FILE_COULDNT_READ_FILE) {
    what = "cannot read file: " + detail;
  } else {
    what = detail;
  }
  return redact_headers(what + " (" + redacted_url(url) + ")", request);
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

CurlTransport::CurlTransport(HttpOptions options) : options_(std::move(options)) {
  ensure_curl_global_init();
}

HttpResult CurlTransport::perform(const HttpRequest& request, milliseconds timeout) {
  ensure_curl_global_init();
  HttpResult result;
  result.attempts = 1;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    result.transport_error = "curl_easy_init failed (" + redacted_url(request.url) + ")";
    return result;
  }
  CURL* c = curl.get();
  timeout = std::max(timeout, milliseconds(1));  // 0 would mean "no timeout" to curl
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char errbuf[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);  // write_cb decodes
  // Redirects are followed below, where the rules of http_redirects.hpp decide.
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_when_terminated);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

  std::unique_ptr<curl_mime, CurlMimeDeleter> mime;
  if (!request.form.empty()) {
    mime = make_curl_form(c, request.form);
    if (!mime) {
      result.transport_error = "out of memory building a form (" + redacted_url(request.url) + ")";
      return result;
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
    if (request.method != "POST")
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    if (request.method != "POST") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    }
  }

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& [name, value] : request.headers) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) {
      result.transport_error = "out of memory building headers (" + redacted_url(request.url) + ")";
      return result;
    }
    (void)header_list.release();
    header_list.reset(appended);
  }
  if (header_list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());

  std::string url = request.url;
  for (long redirects = 0;; ++redirects) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= milliseconds(0)) {
      result.transport_error = redact_headers(
          "timed out after " + std::to_string(timeout.count()) + " ms (" + redacted_url(url) + ")",
          request);
      return result;
    }
    const auto connect_timeout =
        std::max(std::min(options_.connect_timeout, left), milliseconds(1));
    Transfer transfer;
    transfer.max_body = options_.max_body_bytes;
    errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);

    const CURLcode code = curl_easy_perform(c);
    const bool body_cut = transfer.decoder && !transfer.decoder->complete();
    if (code != CURLE_OK || transfer.body_too_large || body_cut) {
      result.transport_error =
          describe_error(code, errbuf, transfer, request, url, options_, timeout);
      long os_errno = 0;
      curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
      result.permanent = is_permanent_failure(code, transfer.body_too_large, errbuf, os_errno);
      return result;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 0) {
      const char* scheme = nullptr;
      curl_easy_getinfo(c, CURLINFO_SCHEME, &scheme);
      if (scheme != nullptr && to_lower(scheme) == "file") status = 200;
    }
    const char* location = nullptr;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    const std::optional<std::string> target = location != nullptr && status >= 300 && status < 400
                                                  ? std::optional<std::string>(location)
                                                  : std::nullopt;

    if (target && is_followed_redirect_status(status) && may_follow_redirects(request)) {
      if (!url_origin(*target)) {
        result.transport_error = redact_headers(
            "a redirect to " + redacted_url(*target) +
                " was refused: only http and https URLs are followed (" + redacted_url(url) + ")",
            request);
        result.permanent = true;
        return result;
      }
      if (may_follow_redirect(request, *target)) {
        if (redirects >= options_.max_redirects) {
          result.transport_error = redact_headers("too many redirects (more than " +
                                                      std::to_string(options_.max_redirects) +
                                                      ") (" + redacted_url(url) + ")",
                                                  request);
          result.permanent = true;
          return result;
        }
        url = *target;
        continue;
      }
    }
    HttpResponse response;
    response.status = status;
    response.headers = std::move(transfer.headers);
    response.body = std::move(transfer.body);
    response.redirect_url = target;
    result.response = std::move(response);
    return result;
  }
}

}  // namespace kz
