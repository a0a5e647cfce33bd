#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace kz {

// How kzscrape gets the page text: `never` fetches it with libcurl, `automatic` renders it with
// a browser when the fetched page has no usable data, `always` only renders it.
enum class RenderMode { never, automatic, always };

// Loads a page in a browser and returns its DOM, as HTML, after the page's scripts ran.
class PageRenderer {
 public:
  virtual ~PageRenderer() = default;
  // Throws kz::Error: no_data when no browser is available, fetch_failed when it fails.
  virtual std::string render(const std::string& url, std::chrono::milliseconds timeout) = 0;
};

struct ChromiumOptions {
  std::string binary = "/usr/bin/chromium";
  std::size_t max_dom_bytes = 32 * 1024 * 1024;
  // Page time (timers, animations) Chromium fast-forwards through before dumping the DOM;
  // it stands still while requests are pending, so the hard limit is the render timeout.
  std::chrono::milliseconds virtual_time_budget{10'000};
  std::filesystem::path profile_parent;  // where the temporary profile goes; empty: $TMPDIR
  std::chrono::milliseconds kill_grace{2'000};
};

// Headless Chromium, one process group per render (`--dump-dom`), with a fresh profile that is
// removed afterwards. The process group is killed and reaped on every outcome; a SIGINT or
// SIGTERM during a render kills Chromium, removes the profile and then ends this process
// with that signal.
class ChromiumRenderer : public PageRenderer {
 public:
  explicit ChromiumRenderer(ChromiumOptions options) : options_(std::move(options)) {}
  std::string render(const std::string& url, std::chrono::milliseconds timeout) override;

  // The Chromium command line for `url` with the profile in `profile_dir`.
  std::vector<std::string> command_line(const std::string& url,
                                        const std::string& profile_dir) const;

 private:
  ChromiumOptions options_;
};

}  // namespace kz
