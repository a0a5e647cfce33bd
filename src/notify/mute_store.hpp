#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"

namespace kz {

// A mute or maintenance window (notify_mute): a pool, or one worker of it, until a time.
struct Mute {
  int64_t id = 0;
  std::string account_name;  // the pool's account name
  std::string worker;        // "" for the whole pool
  TimePoint until{};         // UTC; the mute ends then
  std::string reason;
  TimePoint created_at{};
};

// The cache's mutes (issue 13: `kznotify mute`, `unmute`, `mutes`). Throws CacheError (exit 5)
// when the cache cannot be read or written.
class MuteStore {
 public:
  explicit MuteStore(Cache& cache) : cache_(cache) {}

  // Adds a mute; returns its id. kz::Error(usage) when `until` is not after `now`.
  int64_t add(const Mute& mute, TimePoint now);
  // Removes mute `id`; false when there is none.
  bool remove(int64_t id);
  // Removes every mute of the pool (and of that worker when `worker` is not empty); returns how
  // many.
  int remove_matching(const std::string& account_name, const std::string& worker);
  // The mutes still running at `now`, soonest end first.
  std::vector<Mute> active(TimePoint now);
  // Whether an alert of `account_name` about `subject` ("" for the pool) is muted at `now`: a
  // mute of the whole pool, or of that worker.
  bool is_muted(const std::string& account_name, const std::string& subject, TimePoint now);
  // Deletes mutes that ended before `now`; returns how many.
  int prune(TimePoint now);

 private:
  Cache& cache_;
};

}  // namespace kz
