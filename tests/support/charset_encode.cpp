#include "support/charset_encode.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

namespace kz::test {
namespace {

struct IconvCloser {
  void operator()(iconv_t cd) const { iconv_close(cd); }
};
using Iconv = std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser>;

// Length and code point of the UTF-8 sequence at the start of `s`.
std::pair<size_t, uint32_t> code_point(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (n > s.size()) throw std::runtime_error("encode_with_references: cut UTF-8 sequence");
  uint32_t cp = n == 1 ? b : b & (0x7Fu >> n);
  for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3Fu);
  return {n, cp};
}

}  // namespace

std::string encode_with_references(std::string_view utf8, std::string_view charset) {
  const std::string to(charset);
  Iconv cd(iconv_open(to.c_str(), "UTF-8"));
  if (cd.get() == reinterpret_cast<iconv_t>(-1)) {
    throw std::runtime_error("encode_with_references: unknown charset " + to);
  }
  std::string out;
  char buffer[4096];
  std::string_view rest = utf8;
  while (!rest.empty()) {
    char* in = const_cast<char*>(rest.data());
    size_t in_left = rest.size();
    char* dst = buffer;
    size_t dst_left = sizeof buffer;
    const size_t done = iconv(cd.get(), &in, &in_left, &dst, &dst_left);
    const int error = errno;
    out.append(buffer, static_cast<size_t>(dst - buffer));
    rest.remove_prefix(rest.size() - in_left);
    if (done != static_cast<size_t>(-1) || error == E2BIG) continue;
    if (error != EILSEQ || rest.empty()) {
      throw std::runtime_error("encode_with_references: input is not UTF-8");
    }
    const auto [length, cp] = code_point(rest);
    const std::string reference = "&#" + std::to_string(cp) + ";";
    out += encode_with_references(reference, charset);  // ASCII in every charset used here
    rest.remove_prefix(length);
  }
  return out;
}

}  // namespace kz::test
