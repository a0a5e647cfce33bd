#include "scrape/antpool/call_budget.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <string>

namespace kz {

namespace {

int64_t epoch_ms(TimePointMs t) {
  return t.time_since_epoch().count();
}

// Calls reserved after `now_ms - window`. Rows stamped later than now (a clock that went
// back) count too: they were reserved before this call.
int64_t calls_in_window(SQLite::Database& db, int64_t now_ms, std::chrono::seconds window) {
  SQLite::Statement count(db, "SELECT count(*) FROM api_call WHERE called_at_ms > ?");
  count.bind(1, now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(window).count());
  count.executeStep();
  return count.getColumn(0).getInt64();
}

}  // namespace

CallBudget::CallBudget(Cache& cache, int calls, std::chrono::seconds window, const Clock& clock)
    : cache_(cache), calls_(calls), window_(window), clock_(clock) {
  if (calls_ < 1 || window_.count() < 1) {
    throw Error(ExitCode::usage,
                "the Antpool budget needs budget_calls >= 1 and "
                "budget_window_s >= 1 (got " +
                    std::to_string(calls_) + " calls in " + std::to_string(window_.count()) +
                    " s)");
  }
}

std::optional<CallSlot> CallBudget::reserve(const CallRequest& request) {
  std::optional<CallSlot> slot;
  cache_.write_transaction([&] {
    SQLite::Database& db = cache_.db();
    SQLite::Statement setting(db,
                              "INSERT INTO api_budget_setting(id, budget_calls, window_s)"
                              " VALUES(1, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                              " budget_calls = excluded.budget_calls, window_s = excluded.window_s"
                              " WHERE budget_calls <> excluded.budget_calls"
                              " OR window_s <> excluded.window_s");
    setting.bind(1, calls_);
    setting.bind(2, static_cast<int64_t>(window_.count()));
    setting.exec();

    // Read the clock inside the lock: a slot reserved by another process while this one
    // waited is then in the count.
    const int64_t now_ms = epoch_ms(clock_.now_ms());
    if (calls_in_window(db, now_ms, window_) >= calls_) return;

    SQLite::Statement last(db, "SELECT last_nonce FROM api_nonce WHERE key_sha256 = ?");
    last.bind(1, request.key_id);
    int64_t nonce = now_ms;
    if (last.executeStep()) nonce = std::max(now_ms, last.getColumn(0).getInt64() + 1);

    SQLite::Statement advance(
        db,
        "INSERT INTO api_nonce(key_sha256, last_nonce) VALUES(?, ?)"
        " ON CONFLICT(key_sha256) DO UPDATE SET last_nonce = excluded.last_nonce");
    advance.bind(1, request.key_id);
    advance.bind(2, nonce);
    advance.exec();

    SQLite::Statement insert(
        db,
        "INSERT INTO api_call(called_at_ms, endpoint, account_name, nonce, tier)"
        " VALUES(?, ?, ?, ?, ?)");
    insert.bind(1, now_ms);
    insert.bind(2, request.endpoint);
    insert.bind(3, request.account_name);
    insert.bind(4, nonce);
    insert.bind(5, static_cast<int>(request.tier));
    insert.exec();
    slot = CallSlot{db.getLastInsertRowid(), nonce};
  });
  return slot;
}

void CallBudget::record(const CallSlot& slot, const CallOutcome& outcome) {
  cache_.write_transaction([&] {
    SQLite::Statement update(cache_.db(),
                             "UPDATE api_call SET http_status = ?, api_code = ?, duration_ms = ?,"
                             " error = ? WHERE id = ?");
    if (outcome.http_status) update.bind(1, *outcome.http_status);
    if (outcome.api_code) update.bind(2, *outcome.api_code);
    update.bind(3, outcome.duration_ms);
    if (!outcome.error.empty()) update.bind(4, outcome.error);
    update.bind(5, slot.call_id);
    update.exec();
  });
}

int CallBudget::remaining() {
  try {
    const int64_t used = calls_in_window(cache_.db(), epoch_ms(clock_.now_ms()), window_);
    return static_cast<int>(std::max<int64_t>(0, calls_ - used));
  } catch (...) {
    cache_.rethrow_as_cache_error("reading the Antpool call budget");
  }
}

}  // namespace kz
