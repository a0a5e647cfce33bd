#pragma once

#include <cstddef>
#include <ostream>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "upload/pending_rows.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/upload_options.hpp"

namespace kz {

struct UploadSummary {
  std::size_t accounts = 0;
  std::size_t hashrates = 0;
  std::size_t devices = 0;
  std::size_t new_devices = 0;  // also sent first with created_at, as ignore-duplicates
  std::size_t income = 0;
  std::size_t alerts = 0;
  std::size_t payments = 0;       // only pools scraped with --source api have them
  std::size_t api_call_logs = 0;  // Antpool's calls signed by the pool's account
  std::size_t pool_stats = 0;     // the fleet's, counted for the pool that carried them
  int requests = 0;               // HTTP attempts, retries included
};

// One kzupload run: for everything of the pool still pending in the cache,
// upsert accounts, hashrates, devices, income_tracking, alerts, payments and api_call_logs
// (foreign-key order), then the cache's pool_stats (they belong to no pool) in batches, marking
// rows uploaded only after their batch got a 2xx. Throws kz::Error; whatever was not confirmed
// stays pending for the next run. It is the one-pool case of upload_tables (shared_batch.hpp),
// which kzupload
// --config runs for all its pools at once.
class UploadJob {
 public:
  UploadJob(UploadOptions options, HttpTransport& transport, const Clock& clock, Sleeper sleeper)
      : options_(std::move(options)),
        transport_(transport),
        clock_(clock),
        sleeper_(std::move(sleeper)) {}

  // A dry run prints the requests it would send on `out` and changes nothing. A cache file
  // that does not exist, or a pool kzscrape has not stored yet, is nothing to upload: one
  // info line and an empty summary (the cache is never created here).
  UploadSummary run(std::ostream& out);

 private:
  UploadOptions options_;
  HttpTransport& transport_;
  const Clock& clock_;
  Sleeper sleeper_;
};

// The client settings of a run that started at `started` (deadline, timeouts, URL).
PostgrestConfig postgrest_config(const UploadOptions& options,
                                 std::chrono::steady_clock::time_point started);

// Whether the pool has a snapshot, income day, alert, payment or Antpool call to send.
bool has_pending(PendingRows& pending);

// "uploaded KZPool_001: accounts 1, hashrates 3, devices 20 (0 new), ..." (no request count);
// payments, api_call_logs and pool_stats only when some were sent.
std::string describe_upload(const UploadOptions& options, const UploadSummary& summary);

}  // namespace kz
