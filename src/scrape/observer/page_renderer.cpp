#include "scrape/observer/page_renderer.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <system_error>

#include "common/child_process.hpp"
#include "common/error.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"
#include "scrape/observer/chromium_profile.hpp"

namespace kz {
namespace {

std::string seconds(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return std::to_string(ms / 1000) + (ms % 1000 == 0 ? "" : "." + std::to_string(ms % 1000 / 100)) +
         " s";
}

// Chromium's log lines start with "[pid:tid:time:LEVEL:file.cc:line] ".
std::string with_reason(const std::string& message, const std::string& stderr_line) {
  std::string reason = stderr_line;
  if (reason.starts_with('[')) {
    if (const auto end = reason.find("] "); end != std::string::npos) reason.erase(0, end + 2);
  }
  return reason.empty() ? message : message + ": " + reason;
}

std::string signal_name(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name ? "SIG" + std::string(name) : std::to_string(signal);
}

// +05:30, -09:30
std::string offset_text(std::chrono::minutes offset) {
  const auto minutes = std::abs(offset.count());
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", offset.count() < 0 ? '-' : '+',
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return text;
}

// Zones whose offset is not whole hours and has been the same all year for decades.
struct FixedZone {
  int minutes;
  const char* name;
};
constexpr FixedZone kFixedZones[] = {
    {-9 * 60 - 30, "Pacific/Marquesas"}, {3 * 60 + 30, "Asia/Tehran"},
    {4 * 60 + 30, "Asia/Kabul"},         {5 * 60 + 30, "Asia/Kolkata"},
    {5 * 60 + 45, "Asia/Kathmandu"},     {6 * 60 + 30, "Asia/Yangon"},
    {9 * 60 + 30, "Australia/Darwin"},
};

}  // namespace

std::optional<std::string> chromium_time_zone(std::chrono::minutes utc_offset) {
  const auto minutes = utc_offset.count();
  if (minutes % 60 == 0 && minutes >= -12 * 60 && minutes <= 14 * 60) {
    const auto hours = minutes / 60;
    // tzdata's Etc/GMT+N is N hours behind UTC (POSIX sign).
    return hours == 0 ? "Etc/UTC"
                      : (hours > 0 ? "Etc/GMT-" : "Etc/GMT+") + std::to_string(std::abs(hours));
  }
  for (const FixedZone& zone : kFixedZones) {
    if (zone.minutes == minutes) return zone.name;
  }
  return std::nullopt;
}

std::vector<std::string> ChromiumRenderer::environment(const std::string& profile_dir,
                                                       std::chrono::minutes utc_offset) {
  const auto zone = chromium_time_zone(utc_offset);
  if (!zone) {
    throw Error(ExitCode::usage,
                "cannot render the page at UTC" + offset_text(utc_offset) +
                    ": Chromium has no time zone for it; use --render never or a --page-tz in "
                    "whole hours");
  }
  const char* path = std::getenv("PATH");
  return {std::string("PATH=") + (path && *path ? path : "/usr/local/bin:/usr/bin:/bin"),
          "HOME=" + profile_dir, "TZ=" + *zone, "LANG=C.UTF-8", "LC_ALL=C.UTF-8"};
}

std::vector<std::string> ChromiumRenderer::command_line(const std::string& url,
                                                        const std::string& profile_dir) const {
  std::vector<std::string> args = {options_.binary, "--headless"};
  // Chromium refuses to start as root with its sandbox on.
  if (::geteuid() == 0) args.push_back("--no-sandbox");
  for (const char* flag :
       {"--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
        "--mute-audio", "--hide-scrollbars"}) {
    args.emplace_back(flag);
  }
  args.push_back("--lang=en-US");
  args.push_back("--user-data-dir=" + profile_dir);
  args.push_back("--virtual-time-budget=" + std::to_string(options_.virtual_time_budget.count()));
  args.push_back("--dump-dom");
  args.push_back(url);
  return args;
}

std::string ChromiumRenderer::render(const std::string& url, std::chrono::milliseconds timeout,
                                     std::chrono::minutes utc_offset) {
  if (url.empty() || url.front() == '-') {
    throw Error(ExitCode::usage, "cannot render '" + redacted_url(url) + "': not a URL");
  }
  if (::access(options_.binary.c_str(), X_OK) != 0) {
    throw Error(ExitCode::no_data,
                "no Chromium at " + options_.binary +
                    ": the page needs JavaScript; install Chromium (Debian package chromium) or "
                    "pass --chromium PATH");
  }
  ChildOptions child;
  child.timeout = timeout;
  child.max_stdout_bytes = options_.max_dom_bytes;
  child.kill_grace = options_.kill_grace;
  ChildResult result;
  {
    // Profiles of kzscrape runs that were killed (kill -9 skips every cleanup).
    remove_stale_chromium_profiles(options_.profile_parent);
    ChromiumProfile profile(options_.profile_parent);
    child.environment = environment(profile.path(), utc_offset);
    spdlog::debug("rendering {} with {} (profile {}, {})", redacted_url(url), options_.binary,
                  profile.path(), child.environment->at(2));
    try {
      result = run_child(command_line(url, profile.path()), child);
    } catch (const std::system_error& e) {
      throw Error(ExitCode::fetch_failed, std::string("starting Chromium: ") + e.what());
    }
  }
  // Chromium's own complaint may name the URL.
  result.last_stderr_line = redact_url_secrets(std::move(result.last_stderr_line), url);
  const std::string what = "rendering " + redacted_url(url) + " with Chromium";
  switch (result.end) {
    case ChildResult::End::interrupted:
      // Thrown, not died of: the caller records the run, then main ends by the signal.
      throw Error(ExitCode::fetch_failed, what + ": " + terminated_by(result.code));
    case ChildResult::End::timed_out:
      throw Error(ExitCode::fetch_failed,
                  what + ": timed out after " + seconds(timeout) + " (Chromium killed)");
    case ChildResult::End::output_too_large:
      throw Error(ExitCode::fetch_failed,
                  what + ": the page exceeds " + std::to_string(options_.max_dom_bytes) + " bytes");
    case ChildResult::End::signaled:
      throw Error(ExitCode::fetch_failed,
                  with_reason(what + ": Chromium died of signal " + signal_name(result.code),
                              result.last_stderr_line));
    case ChildResult::End::exited:
      break;
  }
  if (result.code != 0) {
    throw Error(ExitCode::fetch_failed,
                with_reason(what + ": Chromium exited with code " + std::to_string(result.code),
                            result.last_stderr_line));
  }
  if (result.out.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ExitCode::fetch_failed,
                with_reason(what + ": Chromium printed no page", result.last_stderr_line));
  }
  spdlog::debug("Chromium rendered {} bytes in {} ms", result.out.size(), result.elapsed.count());
  return std::move(result.out);
}

}  // namespace kz
