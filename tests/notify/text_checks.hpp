#pragma once

// Independent readers of rendered message text for the format tests: they do not use the code
// under test, so that a bug there cannot hide itself.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notify/message_format.hpp"

namespace kz::test {

// Bytes of the well-formed UTF-8 character at text[pos], or 0.
inline std::size_t utf8_length_at(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t n = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead < 0xE0) n = 2;
  if (lead >= 0xE0 && lead < 0xF0) n = 3;
  if (lead >= 0xF0 && lead < 0xF5) n = 4;
  if (n == 0 || pos + n > text.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
  if (lead == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
  if (lead == 0xF0 && byte(1) < 0x90) return 0;   // overlong
  if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

// Code points of valid UTF-8 `text`; npos when it is not valid UTF-8.
inline std::size_t valid_code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    const std::size_t n = utf8_length_at(text, pos);
    if (n == 0) return std::string_view::npos;
    pos += n;
  }
  return count;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

// "" when `text` is what Telegram accepts with parse_mode HTML: valid UTF-8, only the allowed
// tags, balanced and properly nested, `<` only as a tag, no bare `>`, and `&` only in the
// entities Telegram knows (&lt; &gt; &amp; &quot; and numeric ones). Else what is wrong.
inline std::string telegram_html_problem(std::string_view text) {
  if (valid_code_points(text) == std::string_view::npos) return "invalid UTF-8";
  const std::vector<std::string_view> allowed = {"b", "strong", "i",   "em",   "u",   "ins",
                                                 "s", "strike", "del", "code", "pre", "a"};
  std::vector<std::string> open;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '>') return "bare > at " + std::to_string(pos);
    if (c == '&') {
      const std::size_t semi = text.find(';', pos);
      if (semi == std::string_view::npos) return "bare & at " + std::to_string(pos);
      const std::string_view name = text.substr(pos + 1, semi - pos - 1);
      bool ok = name == "lt" || name == "gt" || name == "amp" || name == "quot";
      if (!ok && name.size() > 1 && name[0] == '#') {
        const bool hex = name[1] == 'x';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        ok = !digits.empty() &&
             digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") ==
                 std::string_view::npos;
      }
      if (!ok) return "unknown entity &" + std::string(name) + ";";
      pos = semi;
    } else if (c == '<') {
      const std::size_t end = text.find('>', pos);
      if (end == std::string_view::npos) return "bare < at " + std::to_string(pos);
      std::string_view tag = text.substr(pos + 1, end - pos - 1);
      const bool closing = !tag.empty() && tag[0] == '/';
      if (closing) tag.remove_prefix(1);
      const std::string_view name = tag.substr(0, tag.find(' '));
      bool known = false;
      for (const std::string_view a : allowed) known = known || a == name;
      if (!known || tag.find_first_of("<&") != std::string_view::npos) {
        return "unknown tag <" + std::string(text.substr(pos + 1, end - pos - 1)) + ">";
      }
      if (closing) {
        if (open.empty() || open.back() != name) return "unbalanced </" + std::string(name) + ">";
        open.pop_back();
      } else {
        if (name != tag && name != "a") return "attributes on <" + std::string(name) + ">";
        open.emplace_back(name);
      }
      pos = end;
    }
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

// The text a person reads from one rendered line: entities and escapes undone, bold markup kept
// (so that "<b>name</b>" can be searched for).
inline std::string unescaped(std::string_view text, TextStyle style) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const std::string_view rest = text.substr(pos);
    if (style == TextStyle::telegram_html || style == TextStyle::slack_mrkdwn) {
      bool replaced = false;
      for (const auto& [entity, ch] : {std::pair<std::string_view, char>{"&lt;", '<'},
                                       {"&gt;", '>'},
                                       {"&amp;", '&'},
                                       {"&quot;", '"'}}) {
        if (rest.substr(0, entity.size()) == entity) {
          out += ch;
          pos += entity.size() - 1;
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    if (style == TextStyle::discord_markdown) {
      if (rest[0] == '\\' && rest.size() > 1) {
        out += rest[1];
        ++pos;
        continue;
      }
      // "@" or "<" and a zero-width space
      if ((rest[0] == '@' || rest[0] == '<') && rest.substr(1, 3) == "\xE2\x80\x8B") {
        out += rest[0];
        pos += 3;
        continue;
      }
    }
    out += rest[0];
  }
  return out;
}

// "" when every Discord markdown character of a line is escaped except our bold markers "**".
inline std::string discord_problem(std::string_view line) {
  if (line.find("@everyone") != std::string_view::npos ||
      line.find("@here") != std::string_view::npos || line.find("<@") != std::string_view::npos) {
    return "a live mention";
  }
  std::size_t markers = 0;
  for (std::size_t pos = 0; pos < line.size(); ++pos) {
    if (line[pos] == '\\') {
      ++pos;
    } else if (line.substr(pos, 2) == "**") {
      ++markers;
      ++pos;
    } else if (std::string_view("*_~`|>[").find(line[pos]) != std::string_view::npos) {
      return "unescaped " + std::string(1, line[pos]) + " at " + std::to_string(pos);
    }
  }
  return markers % 2 == 0 ? "" : "unbalanced **";
}

}  // namespace kz::test
