#pragma once

// Text in other charsets to and from UTF-8, through glibc's iconv (no tables of our own).

#include <cstddef>
#include <string>
#include <string_view>

namespace kz {

// The result of a conversion to UTF-8: the text, and how many invalid or incomplete byte
// sequences of the input were replaced by U+FFFD.
struct Utf8Text {
  std::string text;
  std::size_t replaced = 0;
};

// What becomes of input that is invalid in its charset: U+FFFD, or, to tell different invalid
// bytes apart, one private-use code point U+10FF00 + byte for each invalid byte.
enum class InvalidBytes { replace, mark };

// The code point that InvalidBytes::mark writes for `byte`, in UTF-8 (4 bytes).
std::string invalid_byte_mark(unsigned char byte);

// True when iconv can convert from `charset` (an iconv name such as "WINDOWS-1251").
bool iconv_knows(const std::string& charset);

// `bytes` in `charset` (an iconv name) as UTF-8. Each byte sequence that is invalid in that
// charset, and an incomplete one at the end, becomes U+FFFD (for UTF-16 one U+FFFD per bad
// 16-bit code unit). Throws kz::Error(ExitCode::no_data) naming the charset when iconv does not
// know it.
Utf8Text to_utf8(std::string_view bytes, const std::string& charset,
                 InvalidBytes invalid = InvalidBytes::replace);

// `utf8` with every ill-formed sequence replaced by U+FFFD, one per maximal subpart (Unicode
// 15, 3.9 "U+FFFD Substitution of Maximal Subparts", as the WHATWG UTF-8 decoder does). A valid
// input is copied once and nothing else.
Utf8Text valid_utf8(std::string_view utf8, InvalidBytes invalid = InvalidBytes::replace);

// `utf8` converted to `charset` (an iconv name), e.g. to build pages in tests. Throws
// kz::Error(ExitCode::no_data) when iconv does not know the charset, and
// kz::Error(ExitCode::internal) when the text has a character the charset cannot encode.
std::string from_utf8(std::string_view utf8, const std::string& charset);

}  // namespace kz
