#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "notify/message_format.hpp"

namespace kz {

// Length in bytes of the well-formed UTF-8 character at the start of `text` (1..4), or 0 when
// the first byte does not start one (a stray continuation byte, an overlong form, a surrogate,
// a sequence cut short). `text` must not be empty.
std::size_t utf8_char_length(std::string_view text);

// Text being rendered for one channel style, kept as atoms that are never cut: one escaped
// character (an entity such as "&lt;", Discord's "\*"), a markup token ("<b>", "**") or a line
// break. Values go in through text(), which escapes them for the style, replaces control
// characters with a space and invalid UTF-8 bytes with U+FFFD; so the result holds no markup but
// ours and no line break but the ones added with line_break().
class RichLine {
 public:
  explicit RichLine(TextStyle style) : style_(style) {}

  // Appends `value` escaped for the style.
  RichLine& text(std::string_view value);
  // Appends `value` in bold (<b>, *..*, **..**; plain text has no bold).
  RichLine& bold(std::string_view value);
  RichLine& line_break();

  // Length in code points of str().
  std::size_t points() const { return points_; }
  const std::string& str() const { return text_; }
  // str() when it has at most `limit` code points; else the longest prefix of whole atoms that
  // leaves room for "…" and the closing markup of the bold still open, then both. At most
  // `limit` code points; "" when `limit` is 0.
  std::string shortened(std::size_t limit) const;
  // shortened(limit), shortened further while `measure(text)` is above `cap`: for limits not
  // counted in code points (Telegram's caption: UTF-16 units). Stops shrinking at 16.
  std::string shortened_fitting(std::size_t limit,
                                const std::function<std::size_t(std::string_view)>& measure,
                                std::size_t cap) const;

 private:
  enum class AtomKind : uint8_t { text, open, close };
  // An atom is text_[previous atom's end, end); kept small, a message has thousands.
  struct Atom {
    uint32_t end = 0;
    uint8_t points = 0;
    AtomKind kind = AtomKind::text;
  };
  void add(std::string_view text, std::size_t points, AtomKind kind);
  void add_value_char(std::string_view ch, std::string_view rest);
  std::string_view bold_open() const;
  std::string_view bold_close() const;

  TextStyle style_;
  std::string text_;
  std::vector<Atom> atoms_;
  std::size_t points_ = 0;
};

}  // namespace kz
