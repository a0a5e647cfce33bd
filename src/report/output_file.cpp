#include "report/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"

namespace kz {
namespace {

[[noreturn]] void fail(const std::string& path, const char* doing, int error) {
  throw Error(ExitCode::report_failed,
              "cannot write " + path + ": " + doing + ": " + std::strerror(error));
}

}  // namespace

void write_output(const std::string& path, std::string_view content) {
  if (path.empty() || path == "-") {
    std::cout.write(content.data(), static_cast<std::streamsize>(content.size()));
    std::cout.flush();
    if (!std::cout) throw Error(ExitCode::report_failed, "cannot write to stdout");
    return;
  }
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string temp = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) fail(path, "creating a temporary file beside it", errno);
  struct Cleanup {
    std::string path;
    int fd;
    bool done = false;
    ~Cleanup() {
      if (fd >= 0) ::close(fd);
      if (!done) ::unlink(path.c_str());
    }
  } cleanup{temp, fd};
  ::fchmod(fd, 0644);
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "writing", errno);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail(path, "syncing", errno);
  const int closed = ::close(fd);
  cleanup.fd = -1;
  if (closed != 0) fail(path, "closing", errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail(path, "renaming the temporary file", errno);
  cleanup.done = true;
}

}  // namespace kz
