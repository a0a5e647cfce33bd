#include "common/json_positions.hpp"

#include <cctype>

namespace kz {
namespace {

class PositionScanner {
 public:
  PositionScanner(std::string_view text, JsonLayout& out) : text_(text), out_(out) {}

  void value(const std::string& pointer) {
    skip_space();
    if (!out_.positions.try_emplace(pointer, position_).second) {
      out_.duplicate_keys.emplace_back(pointer, position_);
    }
    if (at_end()) return;
    switch (text_[index_]) {
      case '{':
        object(pointer);
        break;
      case '[':
        array(pointer);
        break;
      case '"':
        string();
        break;
      default:
        while (!at_end() && text_[index_] != ',' && text_[index_] != '}' && text_[index_] != ']' &&
               !std::isspace(static_cast<unsigned char>(text_[index_]))) {
          advance();
        }
    }
  }

 private:
  void object(const std::string& pointer) {
    advance();  // {
    for (;;) {
      skip_space();
      if (at_end() || text_[index_] == '}') break;
      const std::string key = string();
      skip_space();
      advance();  // :
      value(pointer + "/" + escape(key));
      skip_space();
      if (!at_end() && text_[index_] == ',') advance();
    }
    advance();
  }

  void array(const std::string& pointer) {
    advance();  // [
    for (int i = 0;; ++i) {
      skip_space();
      if (at_end() || text_[index_] == ']') break;
      value(pointer + "/" + std::to_string(i));
      skip_space();
      if (!at_end() && text_[index_] == ',') advance();
    }
    advance();
  }

  // Returns the raw text between the quotes (escapes are kept as written,
  // which is what a config key holds in practice).
  std::string string() {
    advance();  // "
    std::string raw;
    while (!at_end() && text_[index_] != '"') {
      if (text_[index_] == '\\') {
        raw += text_[index_];
        advance();
      }
      if (!at_end()) {
        raw += text_[index_];
        advance();
      }
    }
    advance();
    return raw;
  }

  static std::string escape(const std::string& key) {
    std::string escaped;
    for (char c : key) {
      if (c == '~')
        escaped += "~0";
      else if (c == '/')
        escaped += "~1";
      else
        escaped += c;
    }
    return escaped;
  }

  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[index_]))) advance();
  }
  bool at_end() const { return index_ >= text_.size(); }
  void advance() {
    if (at_end()) return;
    if (text_[index_] == '\n') {
      ++position_.line;
      position_.column = 1;
    } else if ((static_cast<unsigned char>(text_[index_]) & 0xC0) != 0x80) {
      ++position_.column;  // count characters, not UTF-8 continuation bytes
    }
    ++index_;
  }

  std::string_view text_;
  JsonLayout& out_;
  size_t index_ = 0;
  TextPosition position_;
};

}  // namespace

JsonLayout json_layout(std::string_view text) {
  JsonLayout layout;
  PositionScanner(text, layout).value("");
  return layout;
}

}  // namespace kz
