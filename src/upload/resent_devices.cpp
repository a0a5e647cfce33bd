// PendingRows for the devices --retry-rejected made pending again (worker.device_resend): the
// snapshots they were in may be uploaded long ago, so each is read from its newest sample.
#include <SQLiteCpp/Statement.h>

#include "upload/pending_rows.hpp"
#include "upload/row_mapping.hpp"

namespace kz {
namespace {

constexpr const char* kResendWorkers =
    "SELECT w.id, w.name, w.first_seen_at, ws.online, s.scraped_at, w.device_id"
    " FROM worker w"
    " JOIN snapshot s ON s.id = (SELECT max(x.id) FROM snapshot x WHERE x.pool_id = w.pool_id"
    "   AND EXISTS (SELECT 1 FROM worker_sample y WHERE y.sample_key = (x.id << 24) | w.id))"
    " JOIN worker_sample ws ON ws.sample_key = (s.id << 24) | w.id"
    " WHERE w.pool_id = ? AND w.device_resend = 1 AND w.id > ?";

}  // namespace

bool PendingRows::has_devices_to_resend() {
  try {
    SQLite::Statement select(cache_.db(),
                             std::string(kResendWorkers) + kWorkerNotSetAside + " LIMIT 1");
    select.bind(1, pool_id_);
    select.bind(2, int64_t{0});
    return select.executeStep();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
}

std::vector<DeviceState> PendingRows::devices_to_resend(std::size_t limit) {
  std::vector<DeviceState> rows;
  try {
    SQLite::Statement select(
        cache_.db(), std::string(kResendWorkers) + kWorkerNotSetAside + " ORDER BY w.id LIMIT ?");
    while (rows.empty()) {
      select.bind(1, pool_id_);
      select.bind(2, resend_cursor_);
      select.bind(3, static_cast<int64_t>(limit));
      std::size_t read = 0;
      while (select.executeStep()) {
        ++read;
        resend_cursor_ = select.getColumn(0).getInt64();
        if (!devices_seen_.insert(resend_cursor_).second) continue;  // sent from a snapshot
        DeviceState& row = rows.emplace_back(read_device(select, 0));
        row.is_new = true;  // Supabase may not have it: it was refused
        row.resend = true;
      }
      select.reset();
      if (read < limit) break;
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

void PendingRows::mark_devices_resent(const std::vector<int64_t>& worker_ids) {
  if (worker_ids.empty()) return;
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(), "UPDATE worker SET device_resend = 0 WHERE id = ?");
    for (const int64_t id : worker_ids) {
      mark.bind(1, id);
      mark.exec();
      mark.reset();
    }
  });
}

}  // namespace kz
