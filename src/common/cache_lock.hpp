#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace kz {

// One side of the cache held by one process at a time: an flock(2) on "<cache>.<side>-lock"
// beside the cache, released when the object goes (or the process dies). kzupload holds
// "upload" (two overlapping uploads could leave an older revision in Supabase), kznotify
// "notify" (two overlapping runs could send the same pending message twice).
class CacheLock {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;

  // Waits up to `wait` for the lock, polling. Throws kz::Error(ExitCode::locked)
  // "<busy> (it holds <lock file>); waited <s> s<advice>" when another process still holds it,
  // kz::Error(cache_failed) when the lock file cannot be opened.
  CacheLock(const std::string& cache_path, const std::string& side, const std::string& busy,
            const std::string& advice, std::chrono::milliseconds wait, const Sleeper& sleep);
  ~CacheLock();
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// kzupload's lock ("<cache>.upload-lock"); exit 75 names --lock-wait.
class UploadLock : public CacheLock {
 public:
  UploadLock(const std::string& cache_path, std::chrono::milliseconds wait, const Sleeper& sleep)
      : CacheLock(cache_path, "upload", "another kzupload is uploading from this cache",
                  " (--lock-wait); that run or the next one sends the rows", wait, sleep) {}
};

}  // namespace kz
