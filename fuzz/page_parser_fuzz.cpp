// libFuzzer target for the observer page parser: bytes -> decode_page_detailed
// (and check_decoding_keeps_workers_apart) -> parse_observer_page. A kz::Error is a fine answer to
// any input; a crash, a sanitizer report, a hang or an accepted page that breaks an invariant (see
// page_invariants.hpp) is a finding. Build and run: scripts/fuzz.sh.
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
#include "scrape/observer/decoded_worker_names.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/observer/page_charset.hpp"

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
    // As kzscrape reads a fetched body (scrape_job.cpp).
    kz::DecodedPage decoded = kz::decode_page_detailed(body, content_type);
    if (decoded.replaced > 0) kz::check_decoding_keeps_workers_apart(body, content_type);
    page = kz::parse_observer_page(decoded.text);
  } catch (const kz::Error&) {
    return 0;  // refused with an exit code: fine
  }
  if (const auto broken = kz::fuzz::broken_invariant(page)) {
    std::fprintf(stderr, "INVARIANT BROKEN: %s\n", broken->c_str());
    std::abort();
  }
  return 0;
}
