#include "common/charset.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "common/error.hpp"

namespace kz {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using Converter = std::unique_ptr<void, IconvCloser>;

Converter open_converter(const std::string& to, const std::string& from) {
  iconv_t cd = iconv_open(to.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return nullptr;
  return Converter(cd);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  });
  return s;
}

// Output buffer for iconv: `used` bytes of `data` are written.
struct Output {
  std::string data;
  std::size_t used = 0;
  void reserve_more(std::size_t n) {
    if (data.size() - used < n) data.resize(std::max(data.size() * 2, used + n));
  }
  void append(std::string_view s) {
    reserve_more(s.size());
    std::copy(s.begin(), s.end(), data.begin() + static_cast<std::ptrdiff_t>(used));
    used += s.size();
  }
};

// Writes what stands for the invalid bytes `bad`.
template <typename Out>
void write_invalid(std::string_view bad, InvalidBytes invalid, Out& out) {
  if (invalid == InvalidBytes::replace) {
    out.append(kReplacement);
    return;
  }
  for (char c : bad) out.append(invalid_byte_mark(static_cast<unsigned char>(c)));
}

// One iconv pass over `bytes`. Invalid input is written as `invalid` says (skipping `unit`
// bytes each time); without `invalid`, the first invalid or unencodable sequence returns false.
bool convert(iconv_t cd, std::string_view bytes, std::size_t unit,
             std::optional<InvalidBytes> invalid, Output& out, std::size_t& replaced) {
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  out.reserve_more(bytes.size() * 2 + 16);
  while (true) {
    out.reserve_more(16);
    char* out_ptr = out.data.data() + out.used;
    std::size_t out_left = out.data.size() - out.used;
    // With no input left, a null input flushes the shift state of stateful charsets.
    const bool flushing = in_left == 0;
    const std::size_t rc = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                    : iconv(cd, &in, &in_left, &out_ptr, &out_left);
    const int error = errno;
    out.used = static_cast<std::size_t>(out_ptr - out.data.data());
    if (rc != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      continue;
    }
    if (error == E2BIG) {
      out.reserve_more(out.data.size() + 64);
      continue;
    }
    if (flushing) break;
    if (!invalid) return false;
    ++replaced;
    // EINVAL: an incomplete sequence at the end; EILSEQ: skip one unit and go on.
    const std::size_t skip = error == EINVAL ? in_left : std::min(unit, in_left);
    write_invalid(std::string_view(in, skip), *invalid, out);
    in += skip;
    in_left -= skip;
  }
  out.data.resize(out.used);
  return true;
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 with `bad` set to the length of the
// maximal subpart to replace by one U+FFFD.
std::size_t sequence_at(std::string_view s, std::size_t i, std::size_t& bad) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size() || byte(i + k) < lo || byte(i + k) > hi) {
      bad = k;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

}  // namespace

std::string invalid_byte_mark(unsigned char byte) {
  // U+10FF00 + byte: F4 8F BC|BD|BE|BF 80..BF.
  return {'\xF4', '\x8F', static_cast<char>(0xBC + (byte >> 6)),
          static_cast<char>(0x80 + (byte & 0x3F))};
}

bool iconv_knows(const std::string& charset) {
  return open_converter("UTF-8", charset) != nullptr;
}

Utf8Text to_utf8(std::string_view bytes, const std::string& charset, InvalidBytes invalid) {
  const std::string name = upper(charset);
  if (name == "UTF-8") return valid_utf8(bytes, invalid);
  Converter cd = open_converter("UTF-8", name);
  if (!cd) {
    throw Error(ExitCode::no_data, "the page's charset \"" + charset + "\" is not supported");
  }
  const std::size_t unit = name.starts_with("UTF-16") || name.starts_with("UCS-2") ? 2 : 1;
  Utf8Text result;
  Output out;
  convert(static_cast<iconv_t>(cd.get()), bytes, unit, invalid, out, result.replaced);
  result.text = std::move(out.data);
  return result;
}

Utf8Text valid_utf8(std::string_view utf8, InvalidBytes invalid) {
  Utf8Text result;
  std::size_t i = 0, bad = 0;
  while (i < utf8.size()) {
    // Pages are mostly ASCII: 8 bytes at a time while none has its high bit set.
    if (utf8.size() - i >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, utf8.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = sequence_at(utf8, i, bad);
    if (n == 0) break;
    i += n;
  }
  if (i == utf8.size()) {
    result.text.assign(utf8);
    return result;
  }
  result.text.reserve(utf8.size() + 16);
  result.text.append(utf8.substr(0, i));
  while (i < utf8.size()) {
    const std::size_t n = sequence_at(utf8, i, bad);
    if (n > 0) {
      result.text.append(utf8.substr(i, n));
      i += n;
    } else {
      write_invalid(utf8.substr(i, bad), invalid, result.text);
      ++result.replaced;
      i += bad;
    }
  }
  return result;
}

std::string from_utf8(std::string_view utf8, const std::string& charset) {
  Converter cd = open_converter(upper(charset), "UTF-8");
  if (!cd) throw Error(ExitCode::no_data, "the charset \"" + charset + "\" is not supported");
  Output out;
  std::size_t replaced = 0;
  if (!convert(static_cast<iconv_t>(cd.get()), utf8, 1, std::nullopt, out, replaced)) {
    throw Error(ExitCode::internal, "the text cannot be written in " + charset);
  }
  return std::move(out.data);
}

}  // namespace kz
