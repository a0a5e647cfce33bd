#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace kz {

// The cache's upload side, held by one kzupload at a time: an flock(2) on
// "<cache>.upload-lock" beside the cache, released when the object goes (or
// the process dies). Two runs that overlap (one by hand during cron's) would
// otherwise race, and the late request of the slow one could leave an older
// revision in Supabase.
class UploadLock {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;

  // Waits up to `wait` for the lock, polling. Throws kz::Error(ExitCode::locked)
  // when another process still holds it, kz::Error(cache_failed) when the lock
  // file cannot be opened.
  UploadLock(const std::string& cache_path, std::chrono::milliseconds wait, const Sleeper& sleep);
  ~UploadLock();
  UploadLock(const UploadLock&) = delete;
  UploadLock& operator=(const UploadLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace kz
