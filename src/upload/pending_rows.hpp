#pragma once

#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/cache.hpp"
#include "upload/pool_source.hpp"

namespace kz {

// Hashrates below are in TH/s, BTC in satoshis, times ISO-8601 UTC as the cache holds them.
struct SnapshotRow {
  int64_t id = 0;
  std::string scraped_at;
  double hashrate_current_ths = 0;
  std::optional<double> hashrate_24h_ths;
  int64_t online_workers = 0;
  int64_t offline_workers = 0;
  std::optional<int64_t> balance_sat;
  std::optional<int64_t> last_income_sat;
  // Sum of the workers' 1 h column; empty when the page listed only some
  // workers or their samples were pruned.
  std::optional<double> workers_1h_sum_ths;
  // The workers' reject rates weighted by their 1 h hashrate; only the API gives them.
  std::optional<double> reject_rate;
};

struct DeviceState {
  int64_t worker_id = 0;
  std::string name;
  std::string first_seen_at;
  bool online = false;
  std::string scraped_at;  // of the snapshot this state comes from
  // First seen in a snapshot not uploaded yet: Supabase may not know it.
  bool is_new = false;
  // Supabase's devices.device_id: worker.device_id (assign_device_ids), or while none is stored
  // (a dry run) "KZ_{account}_{worker}" of the pool's label; empty when the pool has no label.
  std::string device_id;
  // Sent again because --retry-rejected cleared its set-aside row (worker.device_resend).
  bool resend = false;
};

struct IncomeDay {
  std::string date;  // YYYY-MM-DD
  int64_t total_income_sat = 0;
  int64_t revision = 0;
};

struct PaymentState {
  std::string payment_id;
  int64_t amount_sat = 0;
  std::string address;
  std::string tx;
  std::string paid_at;
  int64_t revision = 0;
};

// One Antpool call of the call log (api_call), for api_call_logs.
struct ApiCallState {
  int64_t id = 0;  // api_call.id
  std::string account_name;
  int64_t nonce = 0;
  std::string endpoint;
  std::string called_at;  // ISO-8601 UTC with milliseconds
  int64_t tier = 0;
  std::optional<int64_t> http_status;
  std::optional<int64_t> api_code;
  std::optional<int64_t> duration_ms;
  std::optional<std::string> error;
};

struct AlertState {
  int64_t id = 0;
  std::string alert_type;
  std::string subject;
  std::string severity;
  std::string message;
  std::string opened_at;
  std::optional<std::string> resolved_at;
  int64_t revision = 0;
};

// " AND NOT EXISTS (...)": the row `row` (an alias of a table with pool_id and revision) is
// not set aside at its current revision as `table` (the Supabase table) with item `key`.
std::string revision_not_set_aside(const char* table, const char* row, const char* key);
// The same for a query over `worker w`: its device is not set aside.
extern const char* const kWorkerNotSetAside;

// Everything of one pool that Supabase has not confirmed yet, except rows set aside
// (RejectedRows: snapshots and workers for good, the others at the refused revision), read in
// batches (keyset pagination, no statement left open between batches) so that memory does not
// grow with the backlog. The set of pending snapshots is fixed when
// the object is made: a snapshot kzscrape adds meanwhile waits for the next run.
class PendingRows {
 public:
  PendingRows(Cache& cache, int64_t pool_id);

  bool has_snapshots() const { return max_snapshot_id_ > 0; }
  std::size_t pending_snapshot_count() const { return pending_snapshots_; }
  bool has_income();
  bool has_alerts();
  bool has_payments();
  // Whether a call of the pool's account waits (pending_api_calls.cpp; any not set aside and
  // not uploaded, finished or not: the run decides which are finished).
  bool has_api_calls();
  // pool.source: btcpool or antpool.
  PoolSource source() const { return source_; }

  std::optional<SnapshotRow> newest_snapshot();
  std::vector<SnapshotRow> snapshots_after(int64_t after_id, std::size_t limit);
  // The latest state of every worker sampled in a pending snapshot, newest
  // snapshot first, then of every worker whose device --retry-rejected made
  // pending again; each worker once. Empty when done.
  std::vector<DeviceState> next_devices(std::size_t limit);
  // Whether a device --retry-rejected made pending again waits (resent_devices.cpp).
  bool has_devices_to_resend();
  // The devices sent again got in: they are no longer pending.
  void mark_devices_resent(const std::vector<int64_t>& worker_ids);
  std::vector<IncomeDay> income_after(const std::string& after_date, std::size_t limit);
  std::vector<AlertState> alerts_after(int64_t after_id, std::size_t limit);
  std::vector<PaymentState> payments_after(const std::string& after_id, std::size_t limit);
  // The api_call rows signed by the pool's account (api_call.account_name = pool.account_name)
  // with no uploaded_at, not set aside, and finished: their outcome recorded (duration_ms), or
  // reserved before `abandoned_before_ms` (unix ms; the process that reserved them is gone), by
  // id above `after_id`.
  std::vector<ApiCallState> api_calls_after(int64_t after_id, std::size_t limit,
                                            int64_t abandoned_before_ms);

  void mark_snapshots_uploaded(const std::string& uploaded_at);
  void mark_income_uploaded(const std::vector<IncomeDay>& days);
  void mark_alerts_uploaded(const std::vector<AlertState>& alerts);
  void mark_payments_uploaded(const std::vector<PaymentState>& payments);  // pending_payments.cpp
  void mark_api_calls_uploaded(const std::vector<ApiCallState>& calls, const std::string& at);

 private:
  std::vector<DeviceState> devices_of_pending_snapshots(std::size_t limit);
  std::vector<DeviceState> devices_to_resend(std::size_t limit);
  // A device from the columns worker id, name, first_seen_at, online, scraped_at, device_id
  // starting at `first`; the plain id when none is stored yet.
  DeviceState read_device(SQLite::Statement& select, int first) const;

  Cache& cache_;
  int64_t pool_id_;
  int64_t min_snapshot_id_ = 0;  // of the pending ones; 0 when none
  int64_t max_snapshot_id_ = 0;
  std::size_t pending_snapshots_ = 0;
  std::string oldest_pending_scraped_at_;
  std::size_t pool_workers_ = 0;  // every worker the pool ever had
  std::string account_;           // pool.account_name; empty when unlabelled
  PoolSource source_ = PoolSource::btcpool;
  int64_t device_cursor_ = 0;  // worker_sample.sample_key to continue below
  std::unordered_set<int64_t> devices_seen_;
  int64_t resend_cursor_ = 0;  // worker.id to continue above
};

}  // namespace kz
