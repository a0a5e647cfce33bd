#pragma once

// Finding a page's charset and decoding it to UTF-8 before it is parsed.
// Sources: the WHATWG Encoding standard (labels) and the HTML standard, 13.2.3 "Determining
// the character encoding" (BOM, transport layer, then the prescan of the first 1024 bytes).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/charset.hpp"

namespace kz {

// An encoding: its WHATWG name (e.g. "windows-1251") and the name iconv knows it by.
struct PageEncoding {
  std::string name;
  std::string iconv_name;
};

// The encoding a label names, per the WHATWG Encoding standard ("latin1" and "iso-8859-1" are
// windows-1252, "utf-16" is UTF-16LE, ...), matched after trimming ASCII whitespace and
// ignoring case. A label outside the standard is taken as it is when iconv knows it; otherwise
// std::nullopt.
std::optional<PageEncoding> encoding_for_label(std::string_view label);

// The charset parameter of a Content-Type header value (quoted or not), lower-cased; empty
// when there is none.
std::string content_type_charset(std::string_view content_type);

// The charset label that the HTML standard's prescan finds in the first 1024 bytes:
// <meta charset=...> or <meta http-equiv="Content-Type" content="...; charset=...">, skipping
// comments and other tags. std::nullopt when there is none.
std::optional<std::string> prescan_meta_charset(std::string_view bytes);

// A page decoded to UTF-8, with where its charset came from.
struct DecodedPage {
  std::string text;      // UTF-8, without a BOM
  std::string charset;   // the WHATWG name, e.g. "windows-1251"
  std::string source;    // "BOM", "Content-Type header", "meta tag" or "default"
  std::size_t replaced;  // byte sequences invalid in the charset, now U+FFFD
};

// decode_page with the details; `invalid` says what invalid bytes become. Same errors.
DecodedPage decode_page_detailed(std::string_view body, std::string_view content_type = {},
                                 InvalidBytes invalid = InvalidBytes::replace);

// The page as UTF-8. The charset comes from the BOM (UTF-8, UTF-16LE/BE), else the
// Content-Type header's charset parameter, else <meta charset> / <meta http-equiv=
// "Content-Type" content="...; charset=..."> found by the HTML standard's prescan
// (first 1024 bytes), else UTF-8. Labels per the WHATWG Encoding standard (windows-1251,
// cp1251, koi8-r, koi8-u, utf-16, utf-16le/be, iso-8859-1..16, latin1 = windows-1252, ...).
// Bytes invalid in that charset become U+FFFD. Throws kz::Error(ExitCode::no_data) for a
// charset iconv does not know, naming it.
std::string decode_page(std::string_view body, std::string_view content_type = {});

}  // namespace kz
