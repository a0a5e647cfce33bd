#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
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
  // `utc_offset` is the page's own zone (--page-tz): the browser's clock runs in it, so that
  // times the page's scripts format read as the page shows them. Throws kz::Error: no_data
  // when no browser is available, fetch_failed when it fails, usage when the browser cannot
  // run in that zone.
  virtual std::string render(const std::string& url, std::chrono::milliseconds timeout,
                             std::chrono::minutes utc_offset) = 0;
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

// The TZ value under which Chromium's clock runs at `utc_offset`, or nullopt when there is
// none. Chromium (its ICU) takes only zone names, not POSIX strings like "<+05>-5": whole
// hours -12..+14 are tzdata's "Etc/GMT-5" (+05:00; the sign is inverted), and the other
// offsets with a zone that has kept them all year for decades are that zone's name
// (+05:30 "Asia/Kolkata", +05:45 "Asia/Kathmandu", -09:30 "Pacific/Marquesas", ...).
std::optional<std::string> chromium_time_zone(std::chrono::minutes utc_offset);

// Headless Chromium, one process group per render (`--dump-dom`), with a fresh ChromiumProfile
// that is removed afterwards; each render first removes the profiles of killed runs
// (remove_stale_chromium_profiles). The process group is killed and reaped on every outcome; a
// SIGINT or SIGTERM (termination.hpp) during a render, or before it, kills Chromium (or starts
// none), removes the profile and throws kz::Error(fetch_failed, "... terminated by SIGTERM").
class ChromiumRenderer : public PageRenderer {
 public:
  explicit ChromiumRenderer(ChromiumOptions options) : options_(std::move(options)) {}
  // Throws usage when chromium_time_zone() has no zone for `utc_offset`.
  std::string render(const std::string& url, std::chrono::milliseconds timeout,
                     std::chrono::minutes utc_offset) override;

  // The Chromium command line for `url` with the profile in `profile_dir`.
  std::vector<std::string> command_line(const std::string& url,
                                        const std::string& profile_dir) const;
  // Chromium's whole environment, none of this process's but PATH: HOME (the profile), TZ
  // (chromium_time_zone(utc_offset)), LANG and LC_ALL (C.UTF-8). Throws usage when there is no
  // zone for the offset.
  static std::vector<std::string> environment(const std::string& profile_dir,
                                              std::chrono::minutes utc_offset);

 private:
  ChromiumOptions options_;
};

}  // namespace kz
