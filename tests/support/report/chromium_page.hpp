#pragma once

// Opens a local HTML file in real headless Chromium (/usr/bin/chromium, Debian package
// chromium) for the report's tests: a screenshot or the DOM after parsing, bounded in time,
// with a throwaway profile.
//
//   kz::test::ChromiumPage page;
//   page.proxy_port = recorder.port();            // every request, loopback included
//   auto png = page.screenshot(file, 412, 2000);  // PNG bytes
//   auto dom = page.dump_dom(file);               // serialized DOM

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

// Hosts Chromium itself calls in the background whatever page it shows (seen with Debian's
// Chromium 156): kept away from the proxy and unresolvable (see ChromiumPage::proxy_port).
inline constexpr const char* kChromiumServiceHosts[] = {
    "update.googleapis.com", "accounts.google.com", "clients2.google.com"};

struct ChromiumPage {
  std::string binary = "/usr/bin/chromium";
  std::chrono::seconds timeout{90};
  // When set, Chromium sends every request (loopback too: --proxy-bypass-list=<-loopback>)
  // to the HTTP proxy on 127.0.0.1 at this port, except those to kChromiumServiceHosts, which
  // fail at once (--host-resolver-rules).
  std::optional<int> proxy_port;

  // The page at `file` drawn in a window of width x height CSS pixels, as PNG bytes.
  // Throws std::runtime_error with Chromium's last words when it fails or times out.
  std::string screenshot(const std::filesystem::path& file, int width, int height) const;
  // The page's DOM once loaded, serialized (--dump-dom), laid out in a window of width x
  // height CSS pixels. Throws like screenshot().
  std::string dump_dom(const std::filesystem::path& file, int width = 1280,
                       int height = 2000) const;

  // The command line for `mode_args` ("--dump-dom", "--screenshot=...") on `file`.
  std::vector<std::string> command_line(const std::filesystem::path& file,
                                        const std::filesystem::path& profile,
                                        const std::vector<std::string>& mode_args) const;
};

// A decoded PNG: 8-bit RGB or RGBA (what Chromium writes), pixels as RGBA.
struct PngImage {
  int width = 0;
  int height = 0;
  std::vector<uint32_t> rgba;  // row by row, 0xRRGGBBAA
};

// Decodes non-interlaced 8-bit greyscale, RGB, grey+alpha and RGBA PNG (zlib, every filter
// type). Throws std::runtime_error on anything else or a damaged file.
PngImage decode_png(const std::string& bytes);

// How many distinct colours the image has.
std::size_t distinct_colours(const PngImage& image);

}  // namespace kz::test
