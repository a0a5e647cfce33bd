#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace kz {

// One e-mail as kznotify sends it: plain text, UTF-8.
struct MailMessage {
  std::string from;             // an address, "alerts@example.com"
  std::vector<std::string> to;  // addresses, at least one
  std::string subject;          // UTF-8, one line (line breaks become spaces)
  std::string body;             // UTF-8, lines ended by "\n" or "\r\n"
  TimePoint date{};             // UTC
  std::string message_id;       // "<...@...>", see new_message_id()
};

// The message as RFC 5322 text with CRLF line ends: From, To, Subject, Date, Message-ID,
// MIME-Version 1.0, Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding
// quoted-printable, an empty line and the body. Every line is at most 76 octets (the To header
// is folded between addresses, so one address longer than that stays whole) and 7-bit, so no
// relay needs 8BITMIME; a line of the body that starts with '.' is left as is (libcurl
// dot-stuffs the DATA). Throws nothing.
std::string build_mail_message(const MailMessage& message);

// The header field "Subject: ..." without its final CRLF: `subject` as is when it is printable
// ASCII, else RFC 2047 encoded-words (=?UTF-8?B?...?=, whole UTF-8 characters in each word),
// folded with CRLF SP so that no line passes 76 octets. Control characters become spaces.
std::string subject_header(std::string_view subject);

// `body` as quoted-printable (RFC 2045 6.7) with CRLF hard line breaks and soft breaks keeping
// each line at most 76 octets; an escape "=XX" is never split.
std::string quoted_printable(std::string_view body);

// RFC 5322 3.3 date-time in UTC: "Tue, 01 Dec 2026 00:36:30 +0000".
std::string rfc5322_date(TimePoint t);

// A new unique "<random hex.unix seconds@domain>", the domain taken from `from`'s part after
// '@' when it is a plain host name, else "kzpool".
std::string new_message_id(std::string_view from, TimePoint now);

// Whether `address` can go into a header and an SMTP command as given: non-empty, one '@' with
// text on both sides, no spaces, control characters, quotes, commas or angle brackets.
bool is_plain_mail_address(std::string_view address);

}  // namespace kz
