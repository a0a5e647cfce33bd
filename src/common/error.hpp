#pragma once

#include <stdexcept>
#include <string>

namespace kz {

// Process exit codes shared by kzscrape, kzupload, kznotify and kzreport. Cron wrappers branch on
// these numbers, so they are part of the public interface (see README).
enum class ExitCode : int {
  ok = 0,
  internal = 1,           // a bug
  usage = 2,              // bad arguments or configuration
  fetch_failed = 3,       // network error, timeout, HTTP error status
  no_data = 4,            // the page has no usable data (shell, error page, garbage)
  cache_failed = 5,       // the SQLite cache cannot be opened, read or written
  upload_rejected = 6,    // the server refused the upload (4xx): retrying will not help
  upload_transient = 7,   // the upload failed after retries (network, 429, 5xx): retry later
  some_pools_failed = 8,  // with a config of several pools: some succeeded, some failed
  all_pools_failed = 9,   // with a config of several pools: every one failed
  api_key_rejected = 10,  // the pool's API refused the key (HTTP 401/403 or an error naming it)
  api_error = 11,         // the pool's API answered {"status":"ERROR"} for another reason
  api_paging = 12,        // the API's pages were inconsistent (a page repeated, the total changed)
  notify_refused = 13,    // a destination refused for good (401, 403, chat not found, hook gone)
  notify_failed = 14,     // a destination failed for now (network, 5xx, 429 past the time limit)
  report_failed = 15,     // kzreport: gnuplot missing or failed, or the output cannot be written
  locked = 75             // another kzupload holds the cache's upload lock (sysexits EX_TEMPFAIL)
};

// The one error type of the project. Thrown anywhere, caught once in main().
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

inline int to_int(ExitCode code) {
  return static_cast<int>(code);
}

}  // namespace kz
