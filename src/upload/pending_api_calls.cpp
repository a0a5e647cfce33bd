// PendingRows for Antpool's call log (api_call -> api_call_logs).
#include <SQLiteCpp/Statement.h>

#include "common/clock.hpp"
#include "upload/pending_rows.hpp"

namespace kz {
namespace {

// The pool's calls: api_call.account_name is the pool's account_name.
constexpr const char* kPoolCalls =
    " FROM api_call c JOIN pool p ON p.account_name = c.account_name"
    " WHERE p.id = ? AND c.uploaded_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM upload_rejected r WHERE r.pool_id = p.id"
    " AND r.table_name = 'api_call_logs' AND r.item_key = CAST(c.id AS TEXT))";

std::optional<int64_t> optional_integer(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

}  // namespace

bool PendingRows::has_api_calls() {
  try {
    SQLite::Statement select(cache_.db(), std::string("SELECT 1") + kPoolCalls + " LIMIT 1");
    select.bind(1, pool_id_);
    return select.executeStep();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
}

std::vector<ApiCallState> PendingRows::api_calls_after(int64_t after_id, std::size_t limit,
                                                       int64_t abandoned_before_ms) {
  std::vector<ApiCallState> rows;
  try {
    SQLite::Statement select(
        cache_.db(),
        std::string("SELECT c.id, c.account_name, c.nonce, c.endpoint, c.called_at_ms, c.tier,"
                    " c.http_status, c.api_code, c.duration_ms, c.error") +
            kPoolCalls +
            " AND c.id > ? AND (c.duration_ms IS NOT NULL OR c.called_at_ms < ?)"
            " ORDER BY c.id LIMIT ?");
    select.bind(1, pool_id_);
    select.bind(2, after_id);
    select.bind(3, abandoned_before_ms);
    select.bind(4, static_cast<int64_t>(limit));
    while (select.executeStep()) {
      ApiCallState& row = rows.emplace_back();
      row.id = select.getColumn(0).getInt64();
      row.account_name = select.getColumn(1).getString();
      row.nonce = select.getColumn(2).getInt64();
      row.endpoint = select.getColumn(3).getString();
      row.called_at =
          format_utc_ms(TimePointMs(std::chrono::milliseconds(select.getColumn(4).getInt64())));
      row.tier = select.getColumn(5).getInt64();
      row.http_status = optional_integer(select.getColumn(6));
      row.api_code = optional_integer(select.getColumn(7));
      row.duration_ms = optional_integer(select.getColumn(8));
      if (!select.getColumn(9).isNull()) row.error = select.getColumn(9).getString();
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("reading");
  }
  return rows;
}

void PendingRows::mark_api_calls_uploaded(const std::vector<ApiCallState>& calls,
                                          const std::string& at) {
  cache_.write_transaction([&] {
    SQLite::Statement mark(
        cache_.db(), "UPDATE api_call SET uploaded_at = ? WHERE id = ? AND uploaded_at IS NULL");
    for (const ApiCallState& call : calls) {
      mark.bind(1, at);
      mark.bind(2, call.id);
      mark.exec();
      mark.reset();
    }
  });
}

}  // namespace kz
