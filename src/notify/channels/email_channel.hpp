#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "notify/channel.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// One SMTP submission: the envelope, the login and the RFC 5322 text (mail_message.hpp).
struct MailRequest {
  std::string smtp_url;   // smtp://host:587 (STARTTLS) or smtps://host:465, no credentials
  std::string user;       // empty: no login
  std::string password;   // a secret: never in a URL, an error or a log line
  std::string mail_from;  // envelope sender (MAIL FROM)
  std::vector<std::string> recipients;  // envelope recipients (RCPT TO), all must be accepted
  std::string message;                  // the whole message, CRLF line ends
};

// What one submission came to.
struct MailResult {
  bool accepted = false;  // the server answered 250 to the end of DATA
  long reply_code = 0;    // the server's last SMTP reply (250, 451, 535, 550, ...); 0: none
  // The failure kind when there was no SMTP reply to judge by.
  enum class Failure {
    none,
    network,  // connection refused or reset, DNS, timeout: try again
    setup,    // bad URL or scheme, STARTTLS not offered, certificate, TLS not spoken, no login
  };
  Failure failure = Failure::none;
  std::string error;  // one line without secrets; empty when accepted
};

// The side effect of the e-mail channel: one attempt to submit one message. Throws nothing.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual MailResult send(const MailRequest& request) = 0;
};

// How an SMTP URL is secured (issue 13): smtps:// is TLS from the first byte; smtp:// must
// switch to TLS with STARTTLS, except to a loopback host (127.0.0.1, ::1, localhost), where
// STARTTLS is used when offered, so that local test servers need no certificate.
enum class SmtpTls { implicit, starttls_required, starttls_if_offered };

// The SmtpTls of `smtp_url`; starttls_required for anything that is not smtps:// or a
// loopback host (an unparsable URL included: libcurl then reports it).
SmtpTls smtp_tls_for(const std::string& smtp_url);

struct CurlMailOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // the whole submission
  std::string ca_file;  // PEM certificates to trust instead of the system's; empty: the system's
};

// libcurl SMTP: MAIL FROM, RCPT TO per recipient, the message uploaded as DATA (libcurl
// dot-stuffs it), login with CURLOPT_USERNAME/PASSWORD, certificates and host names verified,
// TLS per smtp_tls_for(), verbose output off, smtp/smtps only. SIGINT/SIGTERM (termination.hpp)
// abort a send.
class CurlMailTransport : public MailTransport {
 public:
  explicit CurlMailTransport(CurlMailOptions options = {});
  MailResult send(const MailRequest& request) override;

 private:
  CurlMailOptions options_;
};

// The outcome of `result` for the delivery state: accepted -> delivered; a 5xx reply (550 no
// such user, 535 login refused, 553 bad address) and setup failures -> refused; 4xx replies
// and network failures -> transient. The error line is result.error (no secret).
DeliveryResult delivery_result_of(const MailResult& result);

// The "email" destination (Destination::smtp_url, from, to, user, secrets.password): each send
// builds one plain-text message, Subject render_title(digest), body
// render_text(digest, TextStyle::plain, 100000), and submits it through `transport` once.
// Addresses that cannot go into a header as given (is_plain_mail_address) are refused without
// contacting the server. Keeps references: `destination` and `transport` must outlive it.
class EmailChannel : public Channel {
 public:
  EmailChannel(const Destination& destination, MailTransport& transport);
  DeliveryResult send(const Digest& digest) override;

 private:
  DeliveryResult attempt(const Digest& digest);

  const Destination& destination_;
  MailTransport& transport_;
};

}  // namespace kz
