#include "common/cache_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace kz {

CacheLock::CacheLock(const std::string& cache_path, const std::string& side,
                     const std::string& busy, const std::string& advice,
                     std::chrono::milliseconds wait, const Sleeper& sleep)
    : path_(cache_path + "." + side + "-lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error(ExitCode::cache_failed,
                "cannot open the " + side + " lock " + path_ + ": " + std::strerror(errno));
  }
  using std::chrono::milliseconds;
  const milliseconds step{100};
  for (milliseconds waited{0};; waited += step) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    const int error = errno;
    if (error != EWOULDBLOCK && error != EINTR) {
      ::close(fd_);
      throw Error(ExitCode::cache_failed, "cannot lock " + path_ + ": " + std::strerror(error));
    }
    if (waited >= wait) break;
    sleep(step);
  }
  ::close(fd_);
  fd_ = -1;
  throw Error(ExitCode::locked, fmt::format("{} (it holds {}); waited {:g} s{}", busy, path_,
                                            static_cast<double>(wait.count()) / 1000, advice));
}

CacheLock::~CacheLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace kz
