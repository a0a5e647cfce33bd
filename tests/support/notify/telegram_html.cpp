// parse_mode HTML of the Telegram Bot API test server (telegram_server.hpp): the documented
// tags and entities, nothing more.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "support/notify/telegram_server.hpp"

namespace kz::test {

namespace {

const std::set<std::string> kTags = {"b",   "strong", "i",      "em",         "u",
                                     "ins", "s",      "strike", "del",        "code",
                                     "pre", "a",      "span",   "tg-spoiler", "blockquote"};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The entity at html[i] ('&'): appends its character to `out` and returns the index after its
// ';', or 0 when it is no entity Telegram knows.
std::size_t decode_entity(const std::string& html, std::size_t i, std::string& out) {
  const std::size_t semicolon = html.find(';', i);
  if (semicolon == std::string::npos || semicolon - i > 12) return 0;
  const std::string name = html.substr(i + 1, semicolon - i - 1);
  static const std::vector<std::pair<std::string, char>> kNamed = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out += c;
      return semicolon + 1;
    }
  }
  if (name.size() < 2 || name[0] != '#') return 0;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string digits = name.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 7) return 0;
  uint32_t cp = 0;
  for (char c : digits) {
    const auto u = static_cast<unsigned char>(c);
    if (hex ? !std::isxdigit(u) : !std::isdigit(u)) return 0;
    cp = cp * (hex ? 16 : 10) +
         static_cast<uint32_t>(std::isdigit(u) ? c - '0' : std::tolower(u) - 'a' + 10);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  append_utf8(out, cp);
  return semicolon + 1;
}

std::string at_byte(std::size_t offset) {
  return " at byte offset " + std::to_string(offset);
}

}  // namespace

std::optional<std::size_t> utf16_length(const std::string& text) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return std::nullopt;
    uint32_t cp = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (next & 0x3F);
    }
    static const uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    units += cp >= 0x10000 ? 2 : 1;
    i += length;
  }
  return units;
}

TelegramHtml parse_telegram_html(const std::string& html) {
  TelegramHtml result;
  std::string plain;
  std::vector<std::string> open;
  const std::size_t n = html.size();
  for (std::size_t i = 0; i < n;) {
    const char c = html[i];
    if (c == '&') {
      const std::size_t next = decode_entity(html, i, plain);
      if (next == 0) {
        result.error = "Unknown character entity" + at_byte(i);
        return result;
      }
      i = next;
      continue;
    }
    if (c != '<') {
      plain += c;
      ++i;
      continue;
    }
    const std::size_t tag_start = i;
    const bool end_tag = i + 1 < n && html[i + 1] == '/';
    std::size_t j = i + (end_tag ? 2 : 1);
    std::string name;
    while (j < n && is_name_char(html[j])) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[j])));
      ++j;
    }
    if (end_tag) {
      while (j < n && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
      if (j >= n || html[j] != '>') {
        result.error = "Unclosed end tag" + at_byte(tag_start);
        return result;
      }
      if (open.empty()) {
        result.error = "Unexpected end tag" + at_byte(tag_start);
        return result;
      }
      if (open.back() != name) {
        result.error = "Unmatched end tag" + at_byte(tag_start) + ", expected \"</" + open.back() +
                       ">\", found \"</" + name + ">\"";
        return result;
      }
      open.pop_back();
      i = j + 1;
      continue;
    }
    if (name.empty() || kTags.count(name) == 0) {
      result.error = "Unsupported start tag \"" + name + "\"" + at_byte(tag_start);
      return result;
    }
    std::string span_class;
    for (;;) {  // attributes up to '>'
      while (j < n && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
      if (j >= n) {
        result.error = "Unclosed start tag" + at_byte(tag_start);
        return result;
      }
      if (html[j] == '>') break;
      std::string attribute;
      while (j < n && is_name_char(html[j])) {
        attribute += static_cast<char>(std::tolower(static_cast<unsigned char>(html[j])));
        ++j;
      }
      if (attribute.empty()) {
        result.error = "Expected equal sign in declaration of an attribute of the tag \"" + name +
                       "\"" + at_byte(tag_start);
        return result;
      }
      while (j < n && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
      std::string value;
      if (j < n && html[j] == '=') {
        ++j;
        while (j < n && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
        if (j < n && (html[j] == '"' || html[j] == '\'')) {
          const char quote = html[j++];
          while (j < n && html[j] != quote) {
            if (html[j] == '&') {
              const std::size_t next = decode_entity(html, j, value);
              if (next == 0) {
                result.error = "Unknown character entity" + at_byte(j);
                return result;
              }
              j = next;
            } else {
              value += html[j++];
            }
          }
          if (j >= n) {
            result.error = "Unclosed start tag" + at_byte(tag_start);
            return result;
          }
          ++j;
        } else {
          while (j < n && !std::isspace(static_cast<unsigned char>(html[j])) && html[j] != '>') {
            value += html[j++];
          }
        }
      }
      if (attribute == "class") span_class = value;
    }
    if (name == "span" && span_class != "tg-spoiler") {
      result.error = "Tag \"span\" must have class \"tg-spoiler\"" + at_byte(tag_start);
      return result;
    }
    open.push_back(name);
    i = j + 1;
  }
  if (!open.empty()) {
    result.error = "Can't find end tag corresponding to start tag \"" + open.back() + "\"";
    return result;
  }
  result.plain_text = std::move(plain);
  return result;
}

}  // namespace kz::test
