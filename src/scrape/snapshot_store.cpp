#include "scrape/snapshot_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <cmath>
#include <unordered_map>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/url_text.hpp"

namespace kz {

double to_ghs(double hs) {
  const double ghs = hs / 1e9;
  const double whole = std::round(ghs);
  return std::abs(ghs - whole) <= 1e-9 * std::max(1.0, std::abs(whole)) ? whole : ghs;
}

int64_t SnapshotStore::ensure_pool(const std::string& observer_url,
                                   const std::optional<std::string>& account, TimePoint now) {
  auto& db = cache_.db();
  const std::string url_sha256 = sha256_hex(observer_url);
  if (account) {
    SQLite::Statement owner(
        db, "SELECT observer_url, observer_url_sha256 FROM pool WHERE account_name = ?");
    owner.bind(1, *account);
    if (owner.executeStep() && owner.getColumn(1).getString() != url_sha256) {
      throw Error(ExitCode::usage, "account '" + *account + "' is already bound to " +
                                       owner.getColumn(0).getString() + " in cache " +
                                       cache_.path());
    }
  }
  // observer_url is rewritten too, so that a cache follows a change of the redaction rule.
  SQLite::Statement insert(
      db,
      "INSERT INTO pool(observer_url, observer_url_sha256, account_name, created_at)"
      " VALUES(?, ?, ?, ?) ON CONFLICT(observer_url_sha256) DO UPDATE SET"
      " observer_url = excluded.observer_url,"
      " account_name = coalesce(excluded.account_name, pool.account_name)"
      " RETURNING id");
  insert.bind(1, redacted_url(observer_url));
  insert.bind(2, url_sha256);
  if (account) insert.bind(3, *account);
  insert.bind(4, format_utc(now));
  insert.executeStep();
  return insert.getColumn(0).getInt64();
}

namespace {

std::unordered_map<std::string, int64_t> load_worker_ids(SQLite::Database& db, int64_t pool_id) {
  std::unordered_map<std::string, int64_t> ids;
  SQLite::Statement select(db, "SELECT name, id FROM worker WHERE pool_id = ?");
  select.bind(1, pool_id);
  while (select.executeStep())
    ids.emplace(select.getColumn(0).getString(), select.getColumn(1).getInt64());
  return ids;
}

template <typename T>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<T>& value) {
  if (value)
    statement.bind(index, *value);
  else
    statement.bind(index);
}

}  // namespace

TimePointMs SnapshotStore::free_snapshot_time(int64_t pool_id, TimePointMs wanted) {
  SQLite::Statement taken(cache_.db(),
                          "SELECT 1 FROM snapshot WHERE pool_id = ? AND scraped_at = ?");
  for (;; wanted += std::chrono::milliseconds{1}) {
    taken.bind(1, pool_id);
    taken.bind(2, format_utc_ms(wanted));
    const bool is_taken = taken.executeStep();
    taken.reset();
    if (!is_taken) return wanted;
  }
}

int64_t SnapshotStore::insert_snapshot(int64_t pool_id, const ObserverPage& page,
                                       TimePointMs wanted_at,
                                       std::chrono::minutes page_utc_offset) {
  auto& db = cache_.db();
  const TimePointMs scraped_at_ms = free_snapshot_time(pool_id, wanted_at);
  const TimePoint scraped_at = std::chrono::floor<std::chrono::seconds>(scraped_at_ms);
  const std::string now = format_utc_ms(scraped_at_ms);
  SQLite::Statement snapshot(
      db,
      "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, hashrate_24h_ghs,"
      " online_workers, offline_workers, balance_sat, last_income_sat, listed_workers,"
      " workers_complete, worker_list) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  snapshot.bind(1, pool_id);
  snapshot.bind(2, now);
  snapshot.bind(3, to_ghs(page.current_hashrate_hs));
  bind_optional(
      snapshot, 4,
      page.avg_hashrate_24h_hs ? std::optional(to_ghs(*page.avg_hashrate_24h_hs)) : std::nullopt);
  snapshot.bind(5, page.online_workers);
  snapshot.bind(6, page.offline_workers);
  bind_optional(snapshot, 7, page.balance_sat);
  bind_optional(snapshot, 8, page.last_income_sat);
  snapshot.bind(9, static_cast<int64_t>(page.workers.size()));
  snapshot.bind(10, page.workers_complete() ? 1 : 0);
  snapshot.bind(11, page.worker_list == WorkerList::all       ? "all"
                    : page.worker_list == WorkerList::offline ? "offline"
                                                              : "none");
  snapshot.exec();
  const int64_t snapshot_id = db.getLastInsertRowid();

  auto worker_ids = load_worker_ids(db, pool_id);
  SQLite::Statement new_worker(
      db, "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(?, ?, ?) RETURNING id");
  SQLite::Statement sampled(db,
                            "UPDATE worker SET last_sample_key = ? << 24 | id,"
                            " last_online_at = iif(?, ?, last_online_at) WHERE id = ?");
  SQLite::Statement sample(db,
                           "INSERT OR IGNORE INTO worker_sample(sample_key, online,"
                           " hashrate_10m_ghs, hashrate_1h_ghs, hashrate_24h_ghs, last_share_at,"
                           " reject_rate) VALUES(? << 24 | ?, ?, ?, ?, ?, ?, ?)");
  for (const WorkerRow& worker : page.workers) {
    auto [it, inserted] = worker_ids.try_emplace(worker.name, 0);
    if (inserted) {
      new_worker.bind(1, pool_id);
      new_worker.bind(2, worker.name);
      new_worker.bind(3, now);
      new_worker.executeStep();
      it->second = new_worker.getColumn(0).getInt64();
      new_worker.reset();
    }
    const bool online = worker.status == WorkerStatus::online;
    sampled.bind(1, snapshot_id);
    sampled.bind(2, online ? 1 : 0);
    sampled.bind(3, now);
    sampled.bind(4, it->second);
    sampled.exec();
    sampled.reset();
    sample.bind(1, snapshot_id);
    sample.bind(2, it->second);
    sample.bind(3, online ? 1 : 0);
    sample.bind(4, to_ghs(worker.hashrate_10m_hs));
    sample.bind(5, to_ghs(worker.hashrate_1h_hs));
    sample.bind(6, to_ghs(worker.hashrate_24h_hs));
    std::optional<int64_t> last_share = worker.last_share_unix;
    if (!last_share && worker.last_share_local) {
      const auto utc = local_to_utc(*worker.last_share_local, page_utc_offset);
      if (utc) last_share = utc->time_since_epoch().count();
    }
    bind_optional(sample, 7, last_share);
    bind_optional(sample, 8, worker.reject_rate);
    sample.exec();
    sample.reset();
  }
  upsert_income(pool_id, page, scraped_at);
  upsert_payments(pool_id, page, scraped_at);
  return snapshot_id;
}

void SnapshotStore::upsert_income(int64_t pool_id, const ObserverPage& page, TimePoint now) {
  SQLite::Statement upsert(
      cache_.db(),
      "INSERT INTO income_day(pool_id, date, total_income_sat, hashrate_ghs, first_seen_at,"
      " updated_at, pps_sat, pplns_sat, fpps_sat) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(pool_id, date) DO UPDATE SET total_income_sat = excluded.total_income_sat,"
      " hashrate_ghs = excluded.hashrate_ghs, updated_at = excluded.updated_at,"
      " pps_sat = excluded.pps_sat, pplns_sat = excluded.pplns_sat, fpps_sat = excluded.fpps_sat,"
      " revision = income_day.revision + 1"
      " WHERE income_day.total_income_sat IS NOT excluded.total_income_sat"
      " OR income_day.hashrate_ghs IS NOT excluded.hashrate_ghs"
      " OR income_day.pps_sat IS NOT excluded.pps_sat"
      " OR income_day.pplns_sat IS NOT excluded.pplns_sat"
      " OR income_day.fpps_sat IS NOT excluded.fpps_sat");
  const std::string stamp = format_utc(now);
  for (const IncomeRow& day : page.income) {
    upsert.bind(1, pool_id);
    upsert.bind(2, day.date);
    upsert.bind(3, day.total_income_sat);
    bind_optional(upsert, 4,
                  day.hashrate_hs ? std::optional(to_ghs(*day.hashrate_hs)) : std::nullopt);
    upsert.bind(5, stamp);
    upsert.bind(6, stamp);
    bind_optional(upsert, 7, day.pps_sat);
    bind_optional(upsert, 8, day.pplns_sat);
    bind_optional(upsert, 9, day.fpps_sat);
    upsert.exec();
    upsert.reset();
  }
}

void SnapshotStore::upsert_payments(int64_t pool_id, const ObserverPage& page, TimePoint now) {
  SQLite::Statement upsert(
      cache_.db(),
      "INSERT INTO payment(pool_id, payment_id, amount_sat, address, tx, created_at,"
      " first_seen_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(pool_id, payment_id) DO UPDATE SET amount_sat = excluded.amount_sat,"
      " address = excluded.address, tx = excluded.tx, created_at = excluded.created_at,"
      " updated_at = excluded.updated_at, revision = payment.revision + 1"
      " WHERE payment.amount_sat IS NOT excluded.amount_sat"
      " OR payment.address IS NOT excluded.address OR payment.tx IS NOT excluded.tx"
      " OR payment.created_at IS NOT excluded.created_at");
  const std::string stamp = format_utc(now);
  for (const PaymentRow& payment : page.payments) {
    upsert.bind(1, pool_id);
    upsert.bind(2, payment.payment_id);
    upsert.bind(3, payment.amount_sat);
    upsert.bind(4, payment.address);
    upsert.bind(5, payment.tx);
    upsert.bind(6, format_utc(TimePoint{std::chrono::seconds{payment.paid_at_unix}}));
    upsert.bind(7, stamp);
    upsert.bind(8, stamp);
    upsert.exec();
    upsert.reset();
  }
}

void SnapshotStore::insert_run(int64_t pool_id, TimePoint started_at, TimePoint finished_at,
                               int exit_code, const std::string& error,
                               std::optional<int64_t> snapshot_id) {
  SQLite::Statement insert(cache_.db(),
                           "INSERT INTO scrape_run(pool_id, started_at, finished_at, outcome,"
                           " exit_code, error, snapshot_id) VALUES(?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, pool_id);
  insert.bind(2, format_utc(started_at));
  insert.bind(3, format_utc(finished_at));
  insert.bind(4, exit_code == 0 || snapshot_id ? "ok" : "failed");
  insert.bind(5, exit_code);
  if (error.empty())
    insert.bind(6);
  else
    insert.bind(6, error);
  bind_optional(insert, 7, snapshot_id);
  insert.exec();
}

int SnapshotStore::failed_runs_in_a_row(int64_t pool_id) {
  SQLite::Statement count(
      cache_.db(),
      "SELECT count(*) FROM scrape_run WHERE pool_id = ?1 AND outcome = 'failed'"
      " AND id > coalesce((SELECT max(id) FROM scrape_run"
      " WHERE pool_id = ?1 AND outcome = 'ok'), 0)");
  count.bind(1, pool_id);
  count.executeStep();
  return count.getColumn(0).getInt();
}

int64_t SnapshotStore::prune_worker_samples(int64_t pool_id, TimePointMs cutoff) {
  // The key range bounds the scan to samples older than the cutoff (all of them when every
  // snapshot is older).
  SQLite::Statement prune(
      cache_.db(),
      "DELETE FROM worker_sample"
      " WHERE sample_key < coalesce((SELECT min(id) FROM snapshot WHERE scraped_at >= ?2),"
      " (SELECT max(id) + 1 FROM snapshot)) << 24"
      " AND snapshot_id IN"
      " (SELECT id FROM snapshot WHERE pool_id = ?1 AND scraped_at < ?2)");
  prune.bind(1, pool_id);
  prune.bind(2, format_utc_ms(cutoff));
  return prune.exec();
}

}  // namespace kz
