#include "scrape/observer/page_charset.hpp"

#include <array>

#include "common/charset.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

struct EncodingLabels {
  std::string_view name;        // WHATWG name
  std::string_view iconv_name;  // glibc iconv
  std::string_view labels;      // space-separated, from the Encoding standard's table
};

// The Encoding standard's labels for the encodings glibc's iconv can decode.
constexpr std::array<EncodingLabels, 39> kEncodings{{
    {"UTF-8", "UTF-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"},
    {"IBM866", "IBM866", "866 cp866 csibm866 ibm866"},
    {"ISO-8859-2", "ISO-8859-2",
     "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"},
    {"ISO-8859-3", "ISO-8859-3",
     "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"},
    {"ISO-8859-4", "ISO-8859-4",
     "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"},
    {"ISO-8859-5", "ISO-8859-5",
     "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988"},
    {"ISO-8859-6", "ISO-8859-6",
     "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
     "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"},
    {"ISO-8859-7", "ISO-8859-7",
     "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
     "iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"ISO-8859-8", "ISO-8859-8",
     "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
     "iso_8859-8 iso_8859-8:1988 visual"},
    {"ISO-8859-8-I", "ISO-8859-8", "csiso88598i iso-8859-8-i logical"},
    {"ISO-8859-10", "ISO-8859-10",
     "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"ISO-8859-13", "ISO-8859-13", "iso-8859-13 iso8859-13 iso885913"},
    {"ISO-8859-14", "ISO-8859-14", "iso-8859-14 iso8859-14 iso885914"},
    {"ISO-8859-15", "ISO-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"},
    {"ISO-8859-16", "ISO-8859-16", "iso-8859-16"},
    {"KOI8-R", "KOI8-R", "cskoi8r koi koi8 koi8-r koi8_r"},
    {"KOI8-U", "KOI8-U", "koi8-ru koi8-u"},
    {"macintosh", "MACINTOSH", "csmacintosh mac macintosh x-mac-roman"},
    {"windows-874", "WINDOWS-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"},
    {"windows-1250", "WINDOWS-1250", "cp1250 windows-1250 x-cp1250"},
    {"windows-1251", "WINDOWS-1251", "cp1251 windows-1251 x-cp1251"},
    {"windows-1252", "WINDOWS-1252",
     "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
     "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"},
    {"windows-1253", "WINDOWS-1253", "cp1253 windows-1253 x-cp1253"},
    {"windows-1254", "WINDOWS-1254",
     "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
     "latin5 windows-1254 x-cp1254"},
    {"windows-1255", "WINDOWS-1255", "cp1255 windows-1255 x-cp1255"},
    {"windows-1256", "WINDOWS-1256", "cp1256 windows-1256 x-cp1256"},
    {"windows-1257", "WINDOWS-1257", "cp1257 windows-1257 x-cp1257"},
    {"windows-1258", "WINDOWS-1258", "cp1258 windows-1258 x-cp1258"},
    {"x-mac-cyrillic", "MAC-CYRILLIC", "x-mac-cyrillic x-mac-ukrainian"},
    {"GBK", "GBK",
     "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"},
    {"gb18030", "GB18030", "gb18030"},
    {"Big5", "BIG5-HKSCS", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"EUC-JP", "EUC-JP", "cseucpkdfmtjapanese euc-jp x-euc-jp"},
    {"ISO-2022-JP", "ISO-2022-JP", "csiso2022jp iso-2022-jp"},
    {"Shift_JIS", "WINDOWS-31J",
     "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"},
    {"EUC-KR", "CP949",
     "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
     "ksc_5601 windows-949"},
    {"UTF-16BE", "UTF-16BE", "unicodefffe utf-16be"},
    {"UTF-16LE", "UTF-16LE", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"},
    {"x-user-defined", "", "x-user-defined"},  // no iconv charset: refused
}};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_nocase(std::string_view s, std::size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

// The HTML standard's "extract a character encoding from a meta element" on a content value.
std::optional<std::string> charset_in_meta_content(std::string_view content) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t found = lowered(content).find("charset", pos);
    if (found == std::string::npos) return std::nullopt;
    pos = found + 7;
    while (pos < content.size() && is_space(content[pos])) ++pos;
    if (pos >= content.size() || content[pos] != '=') continue;
    ++pos;
    while (pos < content.size() && is_space(content[pos])) ++pos;
    if (pos >= content.size()) return std::nullopt;
    if (content[pos] == '"' || content[pos] == '\'') {
      const std::size_t end = content.find(content[pos], pos + 1);
      if (end == std::string::npos) return std::nullopt;
      return std::string(content.substr(pos + 1, end - pos - 1));
    }
    std::size_t end = pos;
    while (end < content.size() && !is_space(content[end]) && content[end] != ';') ++end;
    return std::string(content.substr(pos, end - pos));
  }
}

// The prescan's byte cursor, with the standard's "get an attribute" algorithm.
struct Prescan {
  std::string_view bytes;
  std::size_t pos = 0;

  bool at_end() const { return pos >= bytes.size(); }
  char here() const { return bytes[pos]; }

  // false when the bytes ran out (which ends the prescan) or there is no further attribute.
  bool attribute(std::string& name, std::string& value, bool& ran_out) {
    name.clear();
    value.clear();
    while (!at_end() && (is_space(here()) || here() == '/')) ++pos;
    if (at_end()) return !(ran_out = true);
    if (here() == '>') return false;
    for (;; ++pos) {
      if (at_end()) return !(ran_out = true);
      const char c = here();
      if (c == '=' && !name.empty()) break;
      if (is_space(c)) {
        while (!at_end() && is_space(here())) ++pos;
        if (at_end()) return !(ran_out = true);
        if (here() != '=') return true;
        break;
      }
      if (c == '/' || c == '>') return true;
      name += lower(c);
    }
    ++pos;  // the '='
    while (!at_end() && is_space(here())) ++pos;
    if (at_end()) return !(ran_out = true);
    if (here() == '"' || here() == '\'') {
      const char quote = here();
      for (++pos; !at_end(); ++pos) {
        if (here() == quote) {
          ++pos;
          return true;
        }
        value += lower(here());
      }
      return !(ran_out = true);
    }
    if (here() == '>') return true;
    for (; !at_end(); ++pos) {
      if (is_space(here()) || here() == '>') return true;
      value += lower(here());
    }
    return !(ran_out = true);
  }

  // At "<meta": the charset it declares, if it declares one the standard's way.
  std::optional<std::string> meta(bool& ran_out) {
    pos += 5;
    std::string name, value, seen = " ";
    bool got_pragma = false;
    std::optional<bool> need_pragma;
    std::optional<std::string> charset;
    while (attribute(name, value, ran_out)) {
      if (seen.find(" " + name + " ") != std::string::npos) continue;
      seen += name + " ";
      if (name == "http-equiv") {
        got_pragma = got_pragma || value == "content-type";
      } else if (name == "content" && !charset) {
        if ((charset = charset_in_meta_content(value))) need_pragma = true;
      } else if (name == "charset") {
        charset = value;
        need_pragma = false;
      }
    }
    if (ran_out || !need_pragma || (*need_pragma && !got_pragma)) return std::nullopt;
    return charset;
  }
};

PageEncoding resolve(std::string_view label, std::string_view where) {
  const std::string clean(trimmed(label));
  std::optional<PageEncoding> encoding = encoding_for_label(clean);
  if (!encoding || encoding->iconv_name.empty()) {
    throw Error(ExitCode::no_data, "the page's charset \"" + clean + "\" (from its " +
                                       std::string(where) + ") is not one iconv can decode");
  }
  return *encoding;
}

}  // namespace

std::optional<PageEncoding> encoding_for_label(std::string_view label) {
  const std::string wanted = lowered(trimmed(label));
  if (wanted.empty()) return std::nullopt;
  for (const EncodingLabels& e : kEncodings) {
    std::string_view rest = e.labels;
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      if (rest.substr(0, space) == wanted) {
        return PageEncoding{std::string(e.name), std::string(e.iconv_name)};
      }
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
  }
  if (iconv_knows(wanted)) return PageEncoding{wanted, wanted};
  return std::nullopt;
}

std::string content_type_charset(std::string_view content_type) {
  std::size_t pos = content_type.find(';');
  while (pos != std::string_view::npos && pos < content_type.size()) {
    ++pos;
    const std::size_t eq = content_type.find('=', pos);
    if (eq == std::string_view::npos) return "";
    const std::string name = lowered(trimmed(content_type.substr(pos, eq - pos)));
    std::size_t start = eq + 1;
    while (start < content_type.size() && is_space(content_type[start])) ++start;
    std::string value;
    if (start < content_type.size() && content_type[start] == '"') {
      for (pos = start + 1; pos < content_type.size() && content_type[pos] != '"'; ++pos) {
        if (content_type[pos] == '\\' && pos + 1 < content_type.size()) ++pos;
        value += content_type[pos];
      }
      pos = content_type.find(';', pos);
    } else {
      pos = content_type.find(';', start);
      value = trimmed(content_type.substr(
          start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    }
    if (name == "charset") return lowered(trimmed(value));
  }
  return "";
}

std::optional<std::string> prescan_meta_charset(std::string_view bytes) {
  Prescan scan{bytes.substr(0, 1024)};
  bool ran_out = false;
  std::string name, value;
  while (!scan.at_end() && !ran_out) {
    const std::string_view rest = scan.bytes.substr(scan.pos);
    const auto letter = [&](std::size_t i) {
      return i < rest.size() &&
             ((rest[i] >= 'a' && rest[i] <= 'z') || (rest[i] >= 'A' && rest[i] <= 'Z'));
    };
    if (rest.starts_with("<!--")) {
      const std::size_t end = rest.find("-->", 2);
      if (end == std::string_view::npos) return std::nullopt;
      scan.pos += end + 3;
      continue;
    }
    if (starts_with_nocase(rest, 0, "<meta") && rest.size() > 5 &&
        (is_space(rest[5]) || rest[5] == '/')) {
      if (auto charset = scan.meta(ran_out)) return charset;
    } else if (rest[0] == '<' && (letter(1) || (rest.size() > 1 && rest[1] == '/' && letter(2)))) {
      while (!scan.at_end() && !is_space(scan.here()) && scan.here() != '>') ++scan.pos;
      while (scan.attribute(name, value, ran_out)) {
      }
    } else if (rest.starts_with("<!") || rest.starts_with("</") || rest.starts_with("<?")) {
      const std::size_t end = rest.find('>');
      if (end == std::string_view::npos) return std::nullopt;
      scan.pos += end;
    }
    ++scan.pos;
  }
  return std::nullopt;
}

DecodedPage decode_page_detailed(std::string_view body, std::string_view content_type,
                                 InvalidBytes invalid) {
  DecodedPage page;
  PageEncoding encoding{"UTF-8", "UTF-8"};
  page.source = "default";
  if (body.starts_with("\xEF\xBB\xBF")) {
    body.remove_prefix(3);
    page.source = "BOM";
  } else if (body.starts_with("\xFE\xFF") || body.starts_with("\xFF\xFE")) {
    encoding = body[0] == '\xFE' ? PageEncoding{"UTF-16BE", "UTF-16BE"}
                                 : PageEncoding{"UTF-16LE", "UTF-16LE"};
    body.remove_prefix(2);
    page.source = "BOM";
  } else if (const std::string label = content_type_charset(content_type); !label.empty()) {
    encoding = resolve(label, "Content-Type header");
    page.source = "Content-Type header";
  } else if (const auto meta = prescan_meta_charset(body)) {
    encoding = *meta == "x-user-defined" ? PageEncoding{"windows-1252", "WINDOWS-1252"}
                                         : resolve(*meta, "meta tag");
    // A meta tag is ASCII, so a page that can declare UTF-16 in one is not UTF-16.
    if (encoding.name.starts_with("UTF-16")) encoding = {"UTF-8", "UTF-8"};
    page.source = "meta tag";
  }
  Utf8Text text = encoding.name == "UTF-8" ? valid_utf8(body, invalid)
                                           : to_utf8(body, encoding.iconv_name, invalid);
  page.text = std::move(text.text);
  page.charset = encoding.name;
  page.replaced = text.replaced;
  return page;
}

std::string decode_page(std::string_view body, std::string_view content_type) {
  return decode_page_detailed(body, content_type).text;
}

}  // namespace kz
