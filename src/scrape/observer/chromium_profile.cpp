#include "scrape/observer/chromium_profile.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/error.hpp"

namespace kz {
namespace {

constexpr std::string_view kPrefix = "kzscrape-chromium-";
constexpr size_t kSuffixLength = 6;  // mkdtemp's XXXXXX
constexpr const char* kLockName = "kzscrape.lock";
constexpr const char* kNewLockName = "kzscrape.lock.new";

// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

void remove_profile(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error)
    spdlog::warn("cannot remove the Chromium profile {}: {}", path.string(), error.message());
}

// Whether the profile at `path` (a directory of ours, opened as `dir`) has no live owner.
bool owner_gone(int dir, const struct stat& info) {
  const int lock = ::openat(dir, kLockName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (lock < 0) {
    if (errno != ENOENT) return false;
    const auto changed = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec);
    return std::chrono::system_clock::now() - changed > kUnlockedProfileAge;
  }
  FdCloser closer{lock};
  struct stat lock_info {};
  if (::fstat(lock, &lock_info) != 0 || !S_ISREG(lock_info.st_mode)) return false;
  // No owner ever locks an existing profile again, so the lock may go before the removal.
  return ::flock(lock, LOCK_EX | LOCK_NB) == 0;
}

}  // namespace

std::filesystem::path chromium_profile_parent(const std::filesystem::path& parent) {
  return parent.empty() ? std::filesystem::temp_directory_path() : parent;
}

// The lock file appears under its final name only once locked (made as kzscrape.lock.new,
// locked, then renamed), so a sweep never sees an unlocked lock file of a live owner.
ChromiumProfile::ChromiumProfile(const std::filesystem::path& parent) {
  std::string pattern = (chromium_profile_parent(parent) / "kzscrape-chromium-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(ExitCode::fetch_failed,
                "cannot create a Chromium profile folder " + pattern + ": " + std::strerror(errno));
  }
  path_ = pattern;
  const std::string fresh = path_ + "/" + kNewLockName;
  lock_fd_ = ::open(fresh.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0 ||
      ::rename(fresh.c_str(), (path_ + "/" + kLockName).c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    if (lock_fd_ >= 0) ::close(lock_fd_);
    remove_profile(path_);
    throw Error(ExitCode::fetch_failed,
                "cannot lock the Chromium profile folder " + path_ + ": " + reason);
  }
}

ChromiumProfile::~ChromiumProfile() {
  remove_profile(path_);
  ::close(lock_fd_);
}

int remove_stale_chromium_profiles(const std::filesystem::path& parent) {
  const std::filesystem::path folder = chromium_profile_parent(parent);
  std::error_code error;
  std::filesystem::directory_iterator entries(folder, error);
  if (error) {
    spdlog::debug("cannot list {} for stale Chromium profiles: {}", folder.string(),
                  error.message());
    return 0;
  }
  int removed = 0;
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix) || name.size() != kPrefix.size() + kSuffixLength) continue;
    const int dir = ::open(entry.path().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) continue;  // not a directory, a symlink, or gone
    FdCloser closer{dir};
    struct stat info {};
    if (::fstat(dir, &info) != 0 || info.st_uid != ::geteuid()) continue;
    if (!owner_gone(dir, info)) continue;
    spdlog::info("removing the Chromium profile {} left by a process that is gone",
                 entry.path().string());
    remove_profile(entry.path());
    removed += !std::filesystem::exists(entry.path(), error);
  }
  return removed;
}

}  // namespace kz
