#include "notify/channels/mail_message.hpp"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

namespace kz {
namespace {

constexpr std::size_t kLineLimit = 76;  // RFC 2045 6.7 and RFC 2047 2, in octets
constexpr std::string_view kCrlf = "\r\n";

bool is_printable_ascii(std::string_view text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string without_controls(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Octets of the UTF-8 character starting at text[i]: 1 for ASCII and for a byte that does not
// start a valid sequence (each such byte is then a character of its own).
std::size_t utf8_length_at(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t n = 1;
  if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4;
  } else if (lead >= 0xe0) {
    n = lead <= 0xef ? 3 : 1;
  } else if (lead >= 0xc2) {
    n = 2;
  }
  if (i + n > text.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 1;
  }
  return n;
}

// Folds the ASCII `words` (separated by single spaces in `text`) after `prefix`.
std::string fold_ascii(std::string_view prefix, std::string_view text) {
  std::string out(prefix);
  std::size_t line = out.size();
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!first && line + 1 + word.size() > kLineLimit) {
      out += kCrlf;
      line = 0;
    }
    if (!first) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    first = false;
    start = end + 1;
  }
  return out;
}

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '=';
  out += kHex[c >> 4];
  out += kHex[c & 0x0f];
}

void append_qp_line(std::string& out, std::string_view line) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::string token;
    if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
      token = static_cast<char>(c);
    } else {
      append_hex(token, c);
    }
    // Keep room for the '=' of a soft line break.
    if (used + token.size() > kLineLimit - 1) {
      out += "=\r\n";
      used = 0;
    }
    out += token;
    used += token.size();
  }
}

}  // namespace

std::string subject_header(std::string_view subject) {
  const std::string text = without_controls(subject);
  constexpr std::string_view kPrefix = "Subject: ";
  if (is_printable_ascii(text) && text.find("=?") == std::string::npos) {
    return fold_ascii(kPrefix, text);
  }
  // 39 octets become 52 base64 characters: "=?UTF-8?B?" + 52 + "?=" is 64, after "Subject: " 73.
  constexpr std::size_t kChunk = 39;
  std::string out(kPrefix);
  std::size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t n = utf8_length_at(text, end);
      if (end + n - i > kChunk) break;
      end += n;
    }
    if (!first) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
    first = false;
    i = end;
  }
  return out;
}

std::string quoted_printable(std::string_view body) {
  std::string out;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    append_qp_line(out, body.substr(start, end - start));
    if (end == body.size()) break;
    out += kCrlf;
    start = end + (body.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  return out;
}

std::string rfc5322_date(TimePoint t) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> time{t - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

std::string new_message_id(std::string_view from, TimePoint now) {
  std::string domain = "kzpool";
  const std::size_t at = from.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view host = from.substr(at + 1);
    bool plain = !host.empty() && host.front() != '.' && host.back() != '.';
    for (const unsigned char c : host) {
      if (!std::isalnum(c) && c != '.' && c != '-') plain = false;
    }
    if (plain) domain = std::string(host);
  }
  static thread_local std::mt19937_64 random{std::random_device{}()};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx.%lld",
                static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()),
                static_cast<long long>(now.time_since_epoch().count()));
  return "<" + std::string(buffer) + "@" + domain + ">";
}

bool is_plain_mail_address(std::string_view address) {
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (const unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == '"' || c == ';' ||
        c == '\\') {
      return false;
    }
  }
  return true;
}

std::string build_mail_message(const MailMessage& message) {
  std::string out = "From: " + without_controls(message.from) + "\r\n";
  std::string to = "To: ";
  std::size_t line = to.size();
  for (std::size_t i = 0; i < message.to.size(); ++i) {
    const std::string address = without_controls(message.to[i]);
    if (i > 0) {
      to += ',';
      ++line;
      if (line + 1 + address.size() > kLineLimit) {
        to += "\r\n";
        line = 0;
      }
      to += ' ';
      ++line;
    }
    to += address;
    line += address.size();
  }
  out += to + "\r\n";
  out += subject_header(message.subject) + "\r\n";
  out += "Date: " + rfc5322_date(message.date) + "\r\n";
  out += "Message-ID: " + without_controls(message.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += quoted_printable(message.body);
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

}  // namespace kz
