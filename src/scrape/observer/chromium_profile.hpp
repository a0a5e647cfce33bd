#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace kz {

// A temporary Chromium profile: a fresh folder `<parent>/kzscrape-chromium-XXXXXX` (mkdtemp;
// parent empty: $TMPDIR or /tmp) that this process owns while the object lives: it holds an
// flock on the folder's `kzscrape.lock` (O_CLOEXEC, so Chromium does not inherit it), which the
// kernel releases however the process ends, kill -9 included. The destructor removes the
// folder. Throws kz::Error(fetch_failed) when the folder cannot be made.
class ChromiumProfile {
 public:
  explicit ChromiumProfile(const std::filesystem::path& parent);
  ~ChromiumProfile();
  ChromiumProfile(const ChromiumProfile&) = delete;
  ChromiumProfile& operator=(const ChromiumProfile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
};

// The folder profiles go to: `parent`, or the temporary folder when it is empty.
std::filesystem::path chromium_profile_parent(const std::filesystem::path& parent);

// A profile without its lock file older than this is left over from before the lock existed
// (or from a process killed between mkdtemp and the lock): far longer than any render.
inline constexpr std::chrono::hours kUnlockedProfileAge{1};

// Removes the profiles in `parent` (empty: the temporary folder) whose owner is gone, and
// returns how many. A profile is an entry named `kzscrape-chromium-` + 6 characters that is a
// directory (symlinks are never followed), owned by this process's uid, and either has a
// `kzscrape.lock` whose flock this call can take, or has none and was last changed more than
// kUnlockedProfileAge ago. Anything else is left alone. Failures are logged, never thrown.
int remove_stale_chromium_profiles(const std::filesystem::path& parent);

}  // namespace kz
