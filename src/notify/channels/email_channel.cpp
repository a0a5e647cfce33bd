#include "notify/channels/email_channel.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "common/http_failures.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"
#include "notify/channels/mail_message.hpp"
#include "notify/message_format.hpp"

namespace kz {
namespace {

constexpr std::size_t kEmailBodyLimit = 100000;  // code points; mail has no practical limit

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Upload {
  const std::string* text = nullptr;
  std::size_t offset = 0;
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t left = upload->text->size() - upload->offset;
  const std::size_t n = std::min(left, size * count);
  std::memcpy(buffer, upload->text->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

int abort_when_terminated(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return termination_signal() != 0 ? 1 : 0;
}

bool is_loopback_host(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

// Failures a person must fix: those of is_permanent_failure() (bad URL or scheme, a certificate
// that does not verify, a TLS handshake the server does not speak), STARTTLS required but not
// offered, and no login mechanism in common.
bool is_setup_failure(CURLcode code, const char* error_buffer, long os_errno) {
  return code == CURLE_USE_SSL_FAILED || code == CURLE_LOGIN_DENIED ||
         code == CURLE_REMOTE_ACCESS_DENIED ||
         is_permanent_failure(code, false, error_buffer, os_errno);
}

// `text` with every occurrence of `secret` replaced by "***".
std::string without(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

// `text` in double quotes for an error line, control characters as \xNN so the line stays one.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02X", u);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

SmtpTls smtp_tls_for(const std::string& smtp_url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, smtp_url.c_str(), 0) != CURLUE_OK) {
    return SmtpTls::starttls_required;
  }
  char* scheme = nullptr;
  char* host = nullptr;
  SmtpTls tls = SmtpTls::starttls_required;
  if (curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    if (std::strcmp(scheme, "smtps") == 0) {
      tls = SmtpTls::implicit;
    } else if (std::strcmp(scheme, "smtp") == 0 && is_loopback_host(host)) {
      tls = SmtpTls::starttls_if_offered;
    }
  }
  curl_free(scheme);
  curl_free(host);
  return tls;
}

CurlMailTransport::CurlMailTransport(CurlMailOptions options) : options_(std::move(options)) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
}

MailResult CurlMailTransport::send(const MailRequest& request) {
  MailResult result;
  const std::string where = redacted_url(request.smtp_url);
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    result.failure = MailResult::Failure::network;
    result.error = "curl_easy_init failed (" + where + ")";
    return result;
  }
  std::unique_ptr<curl_slist, SlistDeleter> recipients;
  for (const auto& recipient : request.recipients) {
    curl_slist* grown = curl_slist_append(recipients.get(), ("<" + recipient + ">").c_str());
    if (grown == nullptr) {
      result.failure = MailResult::Failure::network;
      result.error = "out of memory listing the recipients for " + where;
      return result;
    }
    (void)recipients.release();
    recipients.reset(grown);
  }
  const std::string mail_from = "<" + request.mail_from + ">";
  Upload upload{&request.message, 0};
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  switch (smtp_tls_for(request.smtp_url)) {
    case SmtpTls::implicit:
    case SmtpTls::starttls_required:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case SmtpTls::starttls_if_offered:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
  }
  if (!request.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, request.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.message.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_when_terminated);

  const CURLcode code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.reply_code);
  if (code == CURLE_OK) {
    result.accepted = true;
    return result;
  }
  // libcurl leaves the error buffer empty when the reply to DATA or to the message's end is not
  // 2xx/3xx, and its generic text then says nothing useful.
  const std::string detail = error_buffer[0] != '\0'            ? std::string(error_buffer)
                             : code == CURLE_WEIRD_SERVER_REPLY ? "the message was not accepted"
                                                                : curl_easy_strerror(code);
  if (result.reply_code >= 400) {
    result.error = "SMTP server " + where + " answered " + std::to_string(result.reply_code) +
                   " (" + detail + ")";
  } else {
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    result.failure = is_setup_failure(code, error_buffer, os_errno) ? MailResult::Failure::setup
                                                                    : MailResult::Failure::network;
    result.error = "SMTP to " + where + " failed: " + detail;
  }
  result.error = without(redact_url_secrets(result.error, request.smtp_url), request.password);
  for (char& ch : result.error) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return result;
}

DeliveryResult delivery_result_of(const MailResult& result) {
  DeliveryResult delivery;
  if (result.accepted) {
    delivery.outcome = DeliveryResult::Outcome::delivered;
    return delivery;
  }
  delivery.error = result.error;
  if (result.reply_code >= 500 && result.reply_code <= 599) {
    delivery.outcome = DeliveryResult::Outcome::refused;
  } else if (result.reply_code >= 400 && result.reply_code <= 499) {
    delivery.outcome = DeliveryResult::Outcome::transient;
  } else {
    delivery.outcome = result.failure == MailResult::Failure::setup
                           ? DeliveryResult::Outcome::refused
                           : DeliveryResult::Outcome::transient;
  }
  return delivery;
}

EmailChannel::EmailChannel(const Destination& destination, MailTransport& transport)
    : destination_(destination), transport_(transport) {}

DeliveryResult EmailChannel::send(const Digest& digest) {
  DeliveryResult result = attempt(digest);
  // One form for every channel's error line: "<type> <name>: <what failed>".
  if (!result.error.empty()) result.error = "email " + destination_.name + ": " + result.error;
  return result;
}

DeliveryResult EmailChannel::attempt(const Digest& digest) {
  DeliveryResult refused;
  refused.outcome = DeliveryResult::Outcome::refused;
  if (!is_plain_mail_address(destination_.from)) {
    refused.error =
        "the from address " + quoted(destination_.from) + " cannot be used as given";
    return refused;
  }
  if (destination_.to.empty()) {
    refused.error = "no recipient (to)";
    return refused;
  }
  for (const auto& address : destination_.to) {
    if (!is_plain_mail_address(address)) {
      refused.error = "the recipient " + quoted(address) + " cannot be used as given";
      return refused;
    }
  }
  MailMessage message;
  message.from = destination_.from;
  message.to = destination_.to;
  message.subject = render_title(digest);
  message.body = render_text(digest, TextStyle::plain, kEmailBodyLimit);
  message.date = digest.at.time_since_epoch().count() != 0
                     ? digest.at
                     : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  message.message_id = new_message_id(message.from, message.date);

  MailRequest request;
  request.smtp_url = destination_.smtp_url;
  request.user = destination_.user;
  request.password = destination_.secrets.password;
  request.mail_from = destination_.from;
  request.recipients = destination_.to;
  request.message = build_mail_message(message);
  DeliveryResult delivery = delivery_result_of(transport_.send(request));
  if (delivery.outcome == DeliveryResult::Outcome::delivered)
    delivery.message_id = message.message_id;
  return delivery;
}

}  // namespace kz
