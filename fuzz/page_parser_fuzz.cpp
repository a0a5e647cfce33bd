// libFuzzer target for the observer page parser: bytes -> (decode_page) ->
// parse_observer_page. A kz::Error is a fine answer to any input; a crash, a
// sanitizer report, a hang or an accepted page that breaks an invariant
// (see page_invariants.hpp) is a finding. Build and run: scripts/fuzz.sh.
//
// Input: the page's bytes. An input starting with "CT:" gives the HTTP
// Content-Type on that first line ("CT:text/html; charset=koi8-r\n<html>...");
// any other input is a body sent without a Content-Type.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "page_invariants.hpp"
#include "scrape/observer_parser.hpp"

#if __has_include("scrape/page_charset.hpp")
#include "scrape/page_charset.hpp"
#define KZ_HAVE_DECODE_PAGE 1
#endif

namespace {

// The body as kzscrape hands it to the parser.
std::string to_utf8(std::string_view body, std::string_view content_type) {
#ifdef KZ_HAVE_DECODE_PAGE
  return kz::decode_page(body, content_type);
#else
  (void)content_type;
  return std::string(body);
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string_view content_type;
  if (body.substr(0, 3) == "CT:") {
    const size_t end = body.find('\n');
    content_type = body.substr(3, end == std::string_view::npos ? std::string_view::npos : end - 3);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
  }
  kz::ObserverPage page;
  try {
    page = kz::parse_observer_page(to_utf8(body, content_type));
  } catch (const kz::Error&) {
    return 0;  // refused with an exit code: fine
  }
  if (const auto broken = kz::fuzz::broken_invariant(page)) {
    std::fprintf(stderr, "INVARIANT BROKEN: %s\n", broken->c_str());
    std::abort();
  }
  return 0;
}
