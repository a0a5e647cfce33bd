#pragma once

#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

struct SmtpServerOptions {
  // With a user: AUTH LOGIN/PLAIN offered without TLS and required; other credentials get 535.
  std::optional<std::string> user;
  std::string password;
  std::vector<std::string> reject_550;  // recipients answered "550 5.1.1 No such user here"
  std::vector<std::string> reject_451;  // recipients answered "451 4.3.0 ... try again later"
  std::string data_reply;               // non-empty: the reply to the end of DATA instead of 250
  // TLS with a fresh self-signed certificate for 127.0.0.1 and localhost (see cert_file()):
  // offered with STARTTLS, or spoken from the first byte (smtps://).
  enum class Tls { none, starttls, implicit };
  Tls tls = Tls::none;
};

// One message the server accepted.
struct ReceivedMail {
  std::string mail_from;              // envelope
  std::vector<std::string> rcpt_tos;  // envelope, as accepted
  std::optional<std::string> login;   // the AUTH user, when one logged in
  bool tls = false;                   // the message came over TLS (STARTTLS or smtps)
  std::string raw;                    // the bytes received (after dot-unstuffing)
  nlohmann::json message;             // parse_mail() of raw, see smtp_sink.py parse()
};

// A real SMTP server (aiosmtpd, tests/support/notify/smtp_sink.py run by Debian's
// /usr/bin/python3) on 127.0.0.1 and a port the kernel picked, saving each message it accepts in
// a fresh temporary folder. The constructor waits until it listens (throws std::runtime_error
// when it does not within 20 s); the destructor stops it and removes the folder. A message is
// saved before its 250 is sent, so received() after a successful send already has it.
class SmtpServer {
 public:
  explicit SmtpServer(SmtpServerOptions options = {});
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // "smtp://127.0.0.1:<port>", or "smtps://..." with Tls::implicit
  // The server's certificate (PEM), to trust it as a CA; empty without TLS.
  std::string cert_file() const;
  // The messages accepted so far, oldest first.
  std::vector<ReceivedMail> received() const;

 private:
  std::filesystem::path folder_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool implicit_tls_ = false;
  bool has_cert_ = false;
};

// What Python's e-mail parser (policy default) reads in each of `messages` (RFC 5322 texts):
// a JSON array of objects with from, to (addresses), subject (decoded), date_epoch,
// message_id, mime_version, content_type, charset, transfer_encoding, body (decoded), defects,
// max_line_octets, bare_line_feed, bare_carriage_return, eight_bit and header_block.
nlohmann::json parse_mail(const std::vector<std::string>& messages);

}  // namespace kz::test
