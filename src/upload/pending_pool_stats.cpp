#include "upload/pending_pool_stats.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {
namespace {

constexpr const char* kPending =
    " FROM pool_stats ps WHERE ps.uploaded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.table_name = 'pool_stats'"
    " AND r.item_key = ps.coin || '|' || ps.fetched_at)";

std::optional<int64_t> optional_integer(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

}  // namespace

bool PendingPoolStats::any() {
  try {
    SQLite::Statement select(cache_.db(), std::string("SELECT 1") + kPending + " LIMIT 1");
    return select.executeStep();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
}

std::vector<PoolStatsState> PendingPoolStats::after(const PoolStatsState* after,
                                                    std::size_t limit) {
  std::vector<PoolStatsState> rows;
  try {
    SQLite::Statement select(
        cache_.db(),
        std::string("SELECT ps.coin, ps.fetched_at, ps.pool_hashrate_ghs / 1e3, ps.active_workers,"
                    " ps.pool_status, ps.network_difficulty, ps.estimate_time_s,"
                    " ps.current_round_s, ps.total_shares, ps.total_blocks") +
            kPending +
            " AND (ps.coin, ps.fetched_at) > (?, ?)"
            " ORDER BY ps.coin, ps.fetched_at LIMIT ?");
    select.bind(1, after ? after->coin : std::string());
    select.bind(2, after ? after->fetched_at : std::string());
    select.bind(3, static_cast<int64_t>(limit));
    while (select.executeStep()) {
      PoolStatsState& row = rows.emplace_back();
      row.coin = select.getColumn(0).getString();
      row.fetched_at = select.getColumn(1).getString();
      row.pool_hashrate_ths = select.getColumn(2).getDouble();
      row.active_workers = optional_integer(select.getColumn(3));
      row.pool_status = select.getColumn(4).getString();
      row.network_difficulty = select.getColumn(5).getString();
      row.estimate_time_s = optional_integer(select.getColumn(6));
      row.current_round_s = optional_integer(select.getColumn(7));
      row.total_shares = optional_integer(select.getColumn(8));
      row.total_blocks = optional_integer(select.getColumn(9));
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

void PendingPoolStats::mark_uploaded(const std::vector<PoolStatsState>& rows,
                                     const std::string& at) {
  cache_.write_transaction([&] {
    SQLite::Statement mark(cache_.db(),
                           "UPDATE pool_stats SET uploaded_at = ? WHERE coin = ? AND fetched_at = ?"
                           " AND uploaded_at IS NULL");
    for (const PoolStatsState& row : rows) {
      mark.bind(1, at);
      mark.bind(2, row.coin);
      mark.bind(3, row.fetched_at);
      mark.exec();
      mark.reset();
    }
  });
}

}  // namespace kz
