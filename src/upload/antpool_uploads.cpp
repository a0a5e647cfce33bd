// upload_tables, last two tables: Antpool's call log and pool statistics.
#include <chrono>

#include "upload/antpool_rows.hpp"
#include "upload/pending_pool_stats.hpp"
#include "upload/shared_batch.hpp"

namespace kz {
namespace {

const Table kApiCallLogs{"api_call_logs", "account_name,nonce"};
const Table kPoolStats{"pool_stats", "coin_type,fetched_at"};

// A call reserved this long ago without an outcome was never finished: the process is gone.
constexpr std::chrono::hours kAbandonedAfter{1};

// The pool that carries the fleet's pool_stats: the first one still going, an Antpool one if
// any (they fetched them). Null when every pool stopped.
PoolUpload* carrier(std::vector<PoolUpload>& pools) {
  PoolUpload* first = nullptr;
  for (PoolUpload& pool : pools) {
    if (pool.failed()) continue;
    if (pool.pending.source() == PoolSource::antpool) return &pool;
    if (first == nullptr) first = &pool;
  }
  return first;
}

}  // namespace

void upload_api_calls(std::vector<PoolUpload>& pools, Sender& sender, bool mark,
                      const Clock& clock) {
  const int64_t abandoned_before = (clock.now_ms() - kAbandonedAfter).time_since_epoch().count();
  const std::string at = format_utc(clock.now());
  SharedBatch<ApiCallState> batch(sender);
  const auto flush = [&] {
    batch.send(kApiCallLogs, [&](PoolUpload& pool, const std::vector<ApiCallState>& calls) {
      if (mark) pool.pending.mark_api_calls_uploaded(calls, at);
      pool.summary.api_call_logs += calls.size();
    });
  };
  for (PoolUpload& pool : pools) {
    for (int64_t after = 0; !pool.failed();) {
      const auto calls = pool.pending.api_calls_after(after, batch.room(), abandoned_before);
      if (calls.empty()) break;
      for (const ApiCallState& call : calls) {
        batch.add(pool, call.account_name + "|" + std::to_string(call.nonce), api_call_row(call),
                  {"api_call_logs", std::to_string(call.id), 0,
                   call.account_name + " call of " + call.endpoint + " at " + call.called_at},
                  call);
      }
      after = calls.back().id;
      if (batch.room() == 0) flush();
    }
  }
  flush();
}

void upload_pool_stats(std::vector<PoolUpload>& pools, Cache& cache, Sender& sender, bool mark,
                       const Clock& clock) {
  PoolUpload* pool = carrier(pools);
  if (pool == nullptr) return;
  PendingPoolStats pending(cache);
  const std::string at = format_utc(clock.now());
  SharedBatch<PoolStatsState> batch(sender);
  const auto flush = [&] {
    batch.send(kPoolStats, [&](PoolUpload& carried_by, const std::vector<PoolStatsState>& rows) {
      if (mark) pending.mark_uploaded(rows, at);
      carried_by.summary.pool_stats += rows.size();
    });
  };
  std::optional<PoolStatsState> after;
  while (!pool->failed()) {
    const auto rows = pending.after(after ? &*after : nullptr, batch.room());
    if (rows.empty()) break;
    for (const PoolStatsState& stats : rows) {
      RowRef ref{"pool_stats", stats.key(), 0,
                 "pool stats of " + stats.coin + " at " + stats.fetched_at};
      if (const auto problem = pool_stats_unfit(stats)) {
        sender.set_aside(*pool, ref, *problem);
        continue;
      }
      batch.add(*pool, stats.key(), pool_stats_row(stats), std::move(ref), stats);
    }
    after = rows.back();
    if (batch.room() == 0) flush();
  }
  flush();
}

}  // namespace kz
