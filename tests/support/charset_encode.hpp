#pragma once

#include <string>
#include <string_view>

namespace kz::test {

// Converts UTF-8 text to `charset` (an iconv name such as "WINDOWS-1251",
// "UTF-16LE") through glibc iconv. A character the charset cannot hold is
// written as an HTML character reference ("&#8239;"), as servers do, so only
// use it on HTML text and attribute values, never inside comments or scripts.
// Throws std::runtime_error for an unknown charset or input that is not UTF-8.
std::string encode_with_references(std::string_view utf8, std::string_view charset);

}  // namespace kz::test
