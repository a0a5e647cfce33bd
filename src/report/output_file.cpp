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

void write_all(int fd, const std::string& path, std::string_view content) {
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "writing", errno);
    written += static_cast<std::size_t>(n);
  }
}

void write_in_place(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "opening", errno);
  try {
    write_all(fd, path, content);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail(path, "closing", errno);
}

// The file `path` names through any chain of links, also when that file does not exist yet.
std::filesystem::path resolve_links(std::filesystem::path path) {
  std::error_code error;
  for (int hops = 0; hops < 40; ++hops) {
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(path, error))) break;
    const std::filesystem::path next = std::filesystem::read_symlink(path, error);
    if (error) break;
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  return path;
}

}  // namespace

void write_output(const std::string& path, std::string_view content) {
  if (path.empty() || path == "-") {
    std::cout.write(content.data(), static_cast<std::streamsize>(content.size()));
    std::cout.flush();
    if (!std::cout) throw Error(ExitCode::report_failed, "cannot write to stdout");
    return;
  }
  std::error_code error;
  const auto status = std::filesystem::status(path, error);  // through links
  if (std::filesystem::is_directory(status)) {
    throw Error(ExitCode::report_failed,
                "cannot write " + path + ": it is a folder; give a file name in it, such as " +
                    (std::filesystem::path(path) / "kzpool.prom").string());
  }
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    write_in_place(path, content);  // /dev/null, /dev/stdout, a FIFO: never renamed over
    return;
  }
  // A link to a file is followed: the file it names is replaced, the link stays.
  const std::filesystem::path target = resolve_links(path);
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
  write_all(fd, path, content);
  if (::fsync(fd) != 0) fail(path, "syncing", errno);
  const int closed = ::close(fd);
  cleanup.fd = -1;
  if (closed != 0) fail(path, "closing", errno);
  if (::rename(temp.c_str(), target.c_str()) != 0) fail(path, "renaming the temporary file", errno);
  cleanup.done = true;
}

}  // namespace kz
