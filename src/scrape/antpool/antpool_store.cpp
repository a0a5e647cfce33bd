#include "scrape/antpool/antpool_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace kz {

namespace {

template <typename T>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

}  // namespace

void AntpoolStore::mark_antpool(int64_t pool_id) {
  try {
    SQLite::Statement update(cache_.db(), "UPDATE pool SET source = 'antpool' WHERE id = ?");
    update.bind(1, pool_id);
    if (update.exec() != 1) {
      throw Error(ExitCode::internal, "no pool " + std::to_string(pool_id) + " to mark as Antpool");
    }
  } catch (...) {
    cache_.rethrow_as_cache_error("marking an Antpool pool");
  }
}

void AntpoolStore::insert_pool_stats(const PoolStats& stats, TimePointMs fetched_at,
                                     const std::string& coin) {
  try {
    // The same reading again changes nothing; a different one at the same key replaces it and
    // is sent to Supabase again.
    SQLite::Statement upsert(
        cache_.db(),
        "INSERT INTO pool_stats(coin, fetched_at, pool_hashrate_ghs, active_workers, pool_status,"
        " network_difficulty, estimate_time_s, current_round_s, total_shares, total_blocks)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(coin, fetched_at) DO UPDATE SET"
        " pool_hashrate_ghs = excluded.pool_hashrate_ghs, active_workers = excluded.active_workers,"
        " pool_status = excluded.pool_status, network_difficulty = excluded.network_difficulty,"
        " estimate_time_s = excluded.estimate_time_s, current_round_s = excluded.current_round_s,"
        " total_shares = excluded.total_shares, total_blocks = excluded.total_blocks,"
        " uploaded_at = NULL"
        " WHERE pool_hashrate_ghs IS NOT excluded.pool_hashrate_ghs"
        " OR active_workers IS NOT excluded.active_workers"
        " OR pool_status IS NOT excluded.pool_status"
        " OR network_difficulty IS NOT excluded.network_difficulty"
        " OR estimate_time_s IS NOT excluded.estimate_time_s"
        " OR current_round_s IS NOT excluded.current_round_s"
        " OR total_shares IS NOT excluded.total_shares"
        " OR total_blocks IS NOT excluded.total_blocks");
    upsert.bind(1, coin);
    upsert.bind(2, format_utc_ms(fetched_at));
    upsert.bind(3, stats.pool_hashrate_hs / 1e9);
    bind_optional(upsert, 4, stats.active_workers);
    upsert.bind(5, stats.pool_status);
    upsert.bind(6, stats.network_difficulty);
    bind_optional(upsert, 7, stats.estimate_time_s);
    bind_optional(upsert, 8, stats.current_round_s);
    bind_optional(upsert, 9, stats.total_shares);
    bind_optional(upsert, 10, stats.total_blocks);
    upsert.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("storing Antpool pool stats");
  }
}

void AntpoolStore::insert_balance(int64_t pool_id, const AccountBalance& balance,
                                  TimePoint checked_at) {
  try {
    SQLite::Statement upsert(
        cache_.db(),
        "INSERT INTO antpool_balance(pool_id, checked_at, balance_sat, earn_total_sat,"
        " paid_out_sat, earn_24h_sat, settle_date) VALUES(?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(pool_id, checked_at) DO UPDATE SET balance_sat = excluded.balance_sat,"
        " earn_total_sat = excluded.earn_total_sat, paid_out_sat = excluded.paid_out_sat,"
        " earn_24h_sat = excluded.earn_24h_sat, settle_date = excluded.settle_date");
    upsert.bind(1, pool_id);
    upsert.bind(2, format_utc(checked_at));
    upsert.bind(3, balance.balance_sat);
    upsert.bind(4, balance.earn_total_sat);
    upsert.bind(5, balance.paid_out_sat);
    upsert.bind(6, balance.earn_24h_sat);
    bind_optional(upsert, 7, balance.settle_date);
    upsert.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("storing an Antpool balance");
  }
}

std::optional<std::string> AntpoolStore::newest_income_date(int64_t pool_id) {
  try {
    SQLite::Statement select(cache_.db(), "SELECT max(date) FROM income_day WHERE pool_id = ?");
    select.bind(1, pool_id);
    select.executeStep();
    if (select.getColumn(0).isNull()) return std::nullopt;
    return select.getColumn(0).getString();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading Antpool income days");
  }
}

std::optional<int64_t> AntpoolStore::newest_payment_unix(int64_t pool_id) {
  try {
    SQLite::Statement select(cache_.db(), "SELECT max(created_at) FROM payment WHERE pool_id = ?");
    select.bind(1, pool_id);
    select.executeStep();
    if (select.getColumn(0).isNull()) return std::nullopt;
    const std::string text = select.getColumn(0).getString();
    const auto at = parse_utc(text);
    if (!at) {
      throw Error(ExitCode::cache_failed, "cache " + cache_.path() + ": payment of pool " +
                                              std::to_string(pool_id) +
                                              " holds an unreadable time \"" + text + "\"");
    }
    return at->time_since_epoch().count();
  } catch (...) {
    cache_.rethrow_as_cache_error("reading Antpool payments");
  }
}

int64_t AntpoolStore::prune_call_log(TimePoint cutoff, bool uploaded_only) {
  try {
    SQLite::Statement prune(cache_.db(),
                            "DELETE FROM api_call WHERE called_at_ms < ?"
                            " AND (uploaded_at IS NOT NULL OR ? = 0)");
    prune.bind(1, static_cast<int64_t>(cutoff.time_since_epoch().count()) * 1000);
    prune.bind(2, uploaded_only ? 1 : 0);
    return prune.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("pruning the Antpool call log");
  }
}

}  // namespace kz
