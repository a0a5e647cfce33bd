#include "notify/rich_line.hpp"

#include <algorithm>
#include <cstdint>

namespace kz {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";        // U+2026
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";     // U+FFFD
constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";  // U+200B

char32_t decode(std::string_view ch) {
  const auto b = [&](std::size_t i) { return static_cast<char32_t>(static_cast<uint8_t>(ch[i])); };
  switch (ch.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// Characters that would break a line or do nothing visible on a phone: C0/C1 controls, DEL and
// the Unicode line and paragraph separators.
bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::size_t utf8_char_length(std::string_view text) {
  const auto b = [&](std::size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = b(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
  }
  const char32_t c = decode(text.substr(0, length));
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return length;
}

void RichLine::add(std::string_view text, std::size_t points, AtomKind kind) {
  points_ += points;
  text_ += text;
  atoms_.push_back(Atom{static_cast<uint32_t>(text_.size()), static_cast<uint8_t>(points), kind});
}

void RichLine::add_value_char(std::string_view ch, std::string_view rest) {
  if (is_control(decode(ch))) return add(" ", 1, AtomKind::text);
  if (ch.size() > 1) return add(ch, 1, AtomKind::text);
  const char c = ch[0];
  switch (style_) {
    case TextStyle::telegram_html:
    case TextStyle::slack_mrkdwn:
      if (c == '&') return add("&amp;", 5, AtomKind::text);
      if (c == '<') return add("&lt;", 4, AtomKind::text);
      if (c == '>') return add("&gt;", 4, AtomKind::text);
      if (c == '"' && style_ == TextStyle::telegram_html) return add("&quot;", 6, AtomKind::text);
      break;
    case TextStyle::discord_markdown:
      // "[" starts a masked link "[text](url)".
      if (std::string_view("\\*_~`|>[").find(c) != std::string_view::npos) {
        return add(std::string{'\\', c}, 2, AtomKind::text);
      }
      // "@everyone", "@here" and "<@id>" ping people; a zero-width space after "@" or "<" stops
      // that.
      if ((c == '@' && (starts_with(rest, "everyone") || starts_with(rest, "here"))) ||
          (c == '<' && starts_with(rest, "@"))) {
        return add(std::string{c} + std::string(kZeroWidthSpace), 2, AtomKind::text);
      }
      break;
    case TextStyle::plain:
      break;
  }
  add(ch, 1, AtomKind::text);
}

RichLine& RichLine::text(std::string_view value) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    const std::size_t length = utf8_char_length(value.substr(pos));
    if (length == 0) {
      add(kReplacement, 1, AtomKind::text);
      ++pos;
      continue;
    }
    add_value_char(value.substr(pos, length), value.substr(pos + length));
    pos += length;
  }
  return *this;
}

std::string_view RichLine::bold_open() const {
  switch (style_) {
    case TextStyle::telegram_html:
      return "<b>";
    case TextStyle::slack_mrkdwn:
      return "*";
    case TextStyle::discord_markdown:
      return "**";
    case TextStyle::plain:
      break;
  }
  return "";
}

std::string_view RichLine::bold_close() const {
  return style_ == TextStyle::telegram_html ? "</b>" : bold_open();
}

RichLine& RichLine::bold(std::string_view value) {
  if (value.empty()) return *this;
  const std::string_view open = bold_open();
  const std::string_view close = bold_close();
  if (!open.empty()) add(open, open.size(), AtomKind::open);
  text(value);
  if (!close.empty()) add(close, close.size(), AtomKind::close);
  return *this;
}

RichLine& RichLine::line_break() {
  add("\n", 1, AtomKind::text);
  return *this;
}

std::string RichLine::shortened(std::size_t limit) const {
  if (points_ <= limit) return str();
  if (limit == 0) return "";
  const std::size_t close_points = bold_close().size();  // markup is ASCII
  std::size_t end = 0;                                   // bytes of text_ kept
  std::size_t used = 0;
  std::size_t open = 0;  // bold markup opened and not yet closed
  for (const Atom& atom : atoms_) {
    const std::size_t open_after =
        atom.kind == AtomKind::open ? open + 1 : (atom.kind == AtomKind::close ? open - 1 : open);
    if (used + atom.points + 1 + open_after * close_points > limit) break;
    end = atom.end;
    used += atom.points;
    open = open_after;
  }
  std::string out = text_.substr(0, end);
  out += kEllipsis;
  for (std::size_t i = 0; i < open; ++i) out += bold_close();
  return out;
}

std::string RichLine::shortened_fitting(std::size_t limit,
                                        const std::function<std::size_t(std::string_view)>& measure,
                                        std::size_t cap) const {
  std::string text = shortened(limit);
  for (std::size_t size = measure(text); size > cap && limit > 16; size = measure(text)) {
    limit = std::min(limit - 1, limit * cap / size);
    text = shortened(limit);
  }
  return text;
}

}  // namespace kz
