#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "common/http.hpp"

namespace kz {

// What describes the pool in Supabase besides its numbers. Absent values are
// not sent at all, so that they never blank what an operator filled in.
struct AccountLabels {
  std::string account;                // accounts.account_name, e.g. KZPool_001
  std::optional<std::string> client;  // accounts.group_name
  std::optional<std::string> company;
  std::optional<std::string> country;  // devices.location
  std::optional<std::string> site;     // accounts.site and devices.site
};

struct UploadOptions {
  AccountLabels labels;
  // Binds an unlabelled pool of the cache to labels.account.
  std::optional<std::string> observer_url;
  std::string db_path = "btcpool_data.db";
  std::string supabase_url;      // https://<project>.supabase.co
  std::string service_key;       // never logged
  std::size_t batch_size = 500;  // rows per request
  // Bytes of JSON per request: well under common proxy limits (nginx: 1 MiB). A
  // 413 halves it for the rest of the run.
  std::size_t max_request_bytes = 256 * 1024;
  // How long to wait for another kzupload's lock on the cache before exit 75.
  std::chrono::milliseconds lock_wait{60'000};
  // Send the rows set aside by earlier runs again (kzupload --retry-rejected).
  bool retry_rejected = false;
  // The whole run, retries included: well under the 10-minute cron interval.
  std::chrono::milliseconds timeout{180'000};
  // One request, retries included (Supabase cuts a request off at 60 s).
  std::chrono::milliseconds request_timeout{60'000};
  // Set when several pools share one run: overrides `timeout`.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool dry_run = false;
  HttpOptions http;
};

}  // namespace kz
