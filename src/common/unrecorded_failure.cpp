#include "common/unrecorded_failure.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace kz {
namespace {

constexpr std::string_view kHeader = "kzpool unrecorded failures v1\n";

// An open, flock'ed note; closed (and so unlocked) on destruction.
class LockedNote {
 public:
  LockedNote(const std::string& path, int flags, int lock) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ >= 0 && ::flock(fd_, lock) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LockedNote() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockedNote(const LockedNote&) = delete;
  LockedNote& operator=(const LockedNote&) = delete;
  int fd() const { return fd_; }

  // The text up to the first NUL.
  std::string read() const {
    std::string text(UnrecordedFailures::kSize, '\0');
    size_t have = 0;
    while (have < text.size()) {
      const ssize_t n =
          ::pread(fd_, text.data() + have, text.size() - have, static_cast<off_t>(have));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      have += static_cast<size_t>(n);
    }
    text.resize(std::min(have, text.find('\0')));
    return text;
  }

  // Overwrites the whole reserved size, so that no block is added; errno tells why not.
  bool write(std::string text) const {
    text.resize(UnrecordedFailures::kSize, '\0');
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n =
          ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return ::fdatasync(fd_) == 0;
  }

 private:
  int fd_ = -1;
};

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(),
      [](char c) { return c == '\t' || c == '\n' || c == '\r' || c == '\0'; }, ' ');
  return text;
}

std::vector<UnrecordedFailure> parse(const std::string& text) {
  std::vector<UnrecordedFailure> failures;
  if (!text.starts_with(kHeader)) return failures;
  std::istringstream lines(text.substr(kHeader.size()));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream parts(line);
    for (std::string field; fields.size() < 4 && std::getline(parts, field, '\t');) {
      fields.push_back(field);
    }
    std::string error;
    std::getline(parts, error);
    const auto started = fields.size() == 4 ? parse_utc(fields[0]) : std::nullopt;
    const auto failed = fields.size() == 4 ? parse_utc_ms(fields[1]) : std::nullopt;
    if (!started || !failed) {
      spdlog::warn("unrecorded failures note: skipping a line it cannot read: {}", line);
      continue;
    }
    int code = 0;
    try {
      code = std::stoi(fields[2]);
    } catch (const std::exception&) {
      continue;
    }
    failures.push_back({fields[3], *started, *failed, code, error});
  }
  return failures;
}

std::string format(const std::vector<UnrecordedFailure>& failures) {
  std::string text(kHeader);
  for (const UnrecordedFailure& f : failures) {
    text += format_utc(f.started_at) + '\t' + format_utc_ms(f.failed_at) + '\t' +
            std::to_string(f.exit_code) + '\t' + f.pool + '\t' + f.error + '\n';
  }
  return text;
}

}  // namespace

UnrecordedFailures::UnrecordedFailures(const std::string& cache_path)
    : path_(cache_path + ".unrecorded-failures") {}

void UnrecordedFailures::reserve() const {
  LockedNote note(path_, O_RDWR | O_CREAT, LOCK_EX);
  const int error = note.fd() < 0 ? errno : ::posix_fallocate(note.fd(), 0, kSize);
  if (error != 0) {
    spdlog::warn("cannot reserve {} bytes for {}: {} (a full disk could not be recorded)", kSize,
                 path_, std::strerror(error));
  }
}

bool UnrecordedFailures::add(UnrecordedFailure failure) const {
  failure.pool = one_line(std::move(failure.pool));
  failure.error = one_line(std::move(failure.error));
  LockedNote note(path_, O_RDWR, LOCK_EX);
  if (note.fd() < 0) {
    spdlog::error("cannot note the failure for the next run in {}: {}", path_,
                  std::strerror(errno));
    return false;
  }
  std::vector<UnrecordedFailure> failures = parse(note.read());
  failures.push_back(std::move(failure));
  const std::string text = format(failures);
  if (text.size() >= kSize) {
    spdlog::error("cannot note the failure for the next run in {}: the note is full", path_);
    return false;
  }
  if (!note.write(text)) {
    spdlog::error("cannot note the failure for the next run in {}: {}", path_,
                  std::strerror(errno));
    return false;
  }
  return true;
}

std::vector<UnrecordedFailure> UnrecordedFailures::for_pool(const std::string& pool) const {
  LockedNote note(path_, O_RDONLY, LOCK_SH);
  if (note.fd() < 0) return {};
  std::vector<UnrecordedFailure> failures = parse(note.read());
  std::erase_if(failures, [&](const UnrecordedFailure& f) { return f.pool != one_line(pool); });
  return failures;
}

void UnrecordedFailures::remove(const std::vector<UnrecordedFailure>& recorded) const {
  if (recorded.empty()) return;
  LockedNote note(path_, O_RDWR, LOCK_EX);
  if (note.fd() < 0) return;
  std::vector<UnrecordedFailure> failures = parse(note.read());
  std::erase_if(failures, [&](const UnrecordedFailure& f) {
    return std::find(recorded.begin(), recorded.end(), f) != recorded.end();
  });
  if (!note.write(failures.empty() ? std::string() : format(failures))) {
    spdlog::warn("cannot clear recorded failures from {}: {}", path_, std::strerror(errno));
  }
}

}  // namespace kz
