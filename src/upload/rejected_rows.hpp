#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/cache.hpp"

namespace kz {

// A cache row on its way to Supabase, as far as setting it aside needs to know it.
struct RowRef {
  std::string table;        // the Supabase table: hashrates, devices, income_tracking, alerts,
                            // payments, api_call_logs, pool_stats
  std::string item_key;     // the cache row: snapshot id, worker id, income date (YYYY-MM-DD),
                            // alert id, payment id, api_call id, or "<coin>|<fetched_at>" of
                            // pool_stats (set aside under the pool that carried it), as text
  int64_t revision = 0;     // income days, alerts, payments: the revision sent; 0 otherwise
  std::string description;  // for people, e.g. "KZPool_001 at 2026-11-22T10:40:00.123Z"
};

// Rows Supabase refused one by one, or that its columns cannot hold, set aside in the cache
// (table upload_rejected, view v_upload_rejected) so that they never hold back the rest.
// PendingRows skips a set-aside row: a snapshot or worker for good, an income day, alert or
// payment until its revision changes. Every SQLite failure is thrown as
// kz::Error(ExitCode::cache_failed).
class RejectedRows {
 public:
  explicit RejectedRows(Cache& cache) : cache_(cache) {}

  // Records the row with the reason (one line, secret-free) at `at` (ISO-8601 UTC); the same
  // row set aside again replaces its record. A table other than the seven above throws
  // kz::Error(ExitCode::internal).
  void set_aside(int64_t pool_id, const RowRef& row, const std::string& error,
                 const std::string& at);
  // Forgets every set-aside row of the pool (kzupload --retry-rejected), so that they are
  // pending again (a device through worker.device_resend); returns how many.
  std::size_t clear(int64_t pool_id);
  // How many rows of the pool are set aside.
  std::size_t count(int64_t pool_id);

 private:
  Cache& cache_;
};

}  // namespace kz
