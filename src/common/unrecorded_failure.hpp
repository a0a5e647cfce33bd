#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace kz {

// A run whose failure the cache could not hold (the disk was full).
struct UnrecordedFailure {
  std::string pool;  // the pool as the writer names it (kzscrape: the SHA-256 of its observer URL)
  TimePoint started_at;
  TimePointMs failed_at;  // with milliseconds, so that two failures never read the same
  int exit_code = 0;
  std::string error;  // one line
  bool operator==(const UnrecordedFailure&) const = default;
};

// The note `<cache>.unrecorded-failures` beside the cache, where a run that cannot write the
// cache (disk full) leaves its failure for the next run to record. A full disk has no block
// to spare, so the note is written only into space reserved earlier: reserve() (each run that
// opened the cache fine) makes the file kSize bytes with posix_fallocate, and add() rewrites
// it in place. Text: a header line, then one line per failure, tab-separated
// "started_at failed_at exit_code pool error", then NUL bytes up to kSize. Every access holds
// an flock on the file, so the threads and processes sharing a cache take turns.
class UnrecordedFailures {
 public:
  static constexpr std::size_t kSize = 64 * 1024;

  explicit UnrecordedFailures(const std::string& cache_path);
  const std::string& path() const { return path_; }

  // Creates the note if missing and reserves kSize bytes for it. A failure is logged, never
  // thrown: only a later full disk needs the space.
  void reserve() const;
  // Adds `failure` (tabs and line breaks in it become spaces), keeping the noted ones. Returns
  // false, having logged why, when the note cannot be written (no reserved space, no room
  // left in it).
  bool add(UnrecordedFailure failure) const;
  // The failures noted for `pool`, oldest first; none when there is no note.
  std::vector<UnrecordedFailure> for_pool(const std::string& pool) const;
  // Removes these failures from the note (in place), keeping the others. Logged, never thrown.
  void remove(const std::vector<UnrecordedFailure>& recorded) const;

 private:
  std::string path_;
};

}  // namespace kz
