// upload_tables: every table in batches shared by the pools of a run.
#include "upload/device_ids.hpp"
#include "upload/shared_batch.hpp"

namespace kz {
namespace {

struct Context {
  std::vector<PoolUpload>& pools;
  Sender& sender;
  bool mark;  // false on a dry run
};

// A name as a log line may show it: at most 40 bytes, cut on a UTF-8 boundary.
std::string shown(const std::string& name) {
  if (name.size() <= 40) return "'" + name + "'";
  std::size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return "'" + name.substr(0, cut) + "…' (" + std::to_string(name.size()) + " bytes)";
}

const Table kAccounts{"accounts", "account_name"};
const Table kHashrates{"hashrates", "account_name,timestamp"};
const Table kNewDevices{"devices", "device_id", Resolution::ignore_duplicates};
const Table kDevices{"devices", "device_id"};
const Table kIncome{"income_tracking", "account_name,date"};
const Table kAlerts{"alerts", "alert_key"};
const Table kPayments{"payments", "payment_id"};

// For each pool still going, reads batches with next(pool, cursor, room) until
// it returns none, adds each row with add(pool, row) and sends whenever the
// batch is full (flush). cursor(row) is where the next read starts.
template <typename Cursor, typename Rows, typename Next, typename Add, typename Flush>
void stream(Context& c, Rows& batch, Next next, Add add, Flush flush) {
  for (PoolUpload& pool : c.pools) {
    for (Cursor cursor{}; !pool.failed();) {
      const auto rows = next(pool, cursor, batch.room());
      if (rows.empty()) break;
      for (const auto& row : rows) add(pool, row);
      cursor = Cursor(rows.back());
      if (batch.room() == 0) flush();
    }
  }
  flush();
}

void upload_accounts(Context& c) {
  SharedBatch<> batch(c.sender);
  const auto flush = [&] {
    batch.send(kAccounts, [](PoolUpload& pool, auto&) { pool.summary.accounts = 1; });
  };
  for (PoolUpload& pool : c.pools) {
    batch.add(pool, pool.labels.account,
              account_row(pool.labels, pool.pending.newest_snapshot(), pool.pending.source()));
    if (batch.room() == 0) flush();
  }
  flush();
}

struct SnapshotCursor {
  int64_t id = 0;
  SnapshotCursor() = default;
  explicit SnapshotCursor(const SnapshotRow& row) : id(row.id) {}
};

void upload_hashrates(Context& c) {
  SharedBatch<> batch(c.sender);
  stream<SnapshotCursor>(
      c, batch,
      [](PoolUpload& pool, SnapshotCursor after, std::size_t room) {
        return pool.pending.snapshots_after(after.id, room);
      },
      [&](PoolUpload& pool, const SnapshotRow& snapshot) {
        const std::string& account = pool.labels.account;
        RowRef ref{"hashrates", std::to_string(snapshot.id), 0,
                   account + " snapshot at " + snapshot.scraped_at};
        if (const auto problem = unrepresentable(snapshot)) {
          c.sender.set_aside(pool, ref, *problem);
          return;
        }
        batch.add(pool, account + "|" + snapshot.scraped_at, hashrate_row(account, snapshot),
                  std::move(ref));
      },
      [&] {
        batch.send(kHashrates,
                   [](PoolUpload& pool, auto& items) { pool.summary.hashrates += items.size(); });
      });
}

struct NoCursor {
  NoCursor() = default;
  explicit NoCursor(const DeviceState&) {}
};

// Devices Supabase may not know yet are first inserted with created_at, as
// ignore-duplicates so that an existing row keeps its created_at; then every
// device is upserted without created_at.
void upload_devices(Context& c) {
  SharedBatch<> fresh(c.sender);
  SharedBatch<int64_t> all(c.sender);  // the worker ids of devices sent again
  stream<NoCursor>(
      c, all,
      [](PoolUpload& pool, NoCursor, std::size_t room) { return pool.pending.next_devices(room); },
      [&](PoolUpload& pool, const DeviceState& device) {
        const std::string& id = device.device_id;
        const RowRef ref{"devices", std::to_string(device.worker_id), 0,
                         pool.labels.account + " worker " + shown(device.name)};
        if (device.is_new) fresh.add(pool, id, device_row(pool.labels, device, true), ref);
        all.add(pool, id, device_row(pool.labels, device, false), ref,
                device.resend ? device.worker_id : 0);
      },
      [&] {
        fresh.send(kNewDevices,
                   [](PoolUpload& pool, auto& items) { pool.summary.new_devices += items.size(); });
        all.send(kDevices, [&](PoolUpload& pool, const std::vector<int64_t>& workers) {
          pool.summary.devices += workers.size();
          std::vector<int64_t> resent;
          for (const int64_t worker : workers) {
            if (worker != 0) resent.push_back(worker);
          }
          if (c.mark) pool.pending.mark_devices_resent(resent);
        });
      });
}

struct KeyCursor {
  std::string key;
  KeyCursor() = default;
  explicit KeyCursor(const IncomeDay& day) : key(day.date) {}
  explicit KeyCursor(const PaymentState& payment) : key(payment.payment_id) {}
};

void upload_income(Context& c) {
  SharedBatch<IncomeDay> batch(c.sender);
  stream<KeyCursor>(
      c, batch,
      [](PoolUpload& pool, const KeyCursor& after, std::size_t room) {
        return pool.pending.income_after(after.key, room);
      },
      [&](PoolUpload& pool, const IncomeDay& day) {
        const std::string& account = pool.labels.account;
        batch.add(pool, account + "|" + day.date, income_row(account, day, pool.pending.source()),
                  {"income_tracking", day.date, day.revision, account + " income of " + day.date},
                  day);
      },
      [&] {
        batch.send(kIncome, [&](PoolUpload& pool, auto& days) {
          if (c.mark) pool.pending.mark_income_uploaded(days);
          pool.summary.income += days.size();
        });
      });
}

struct AlertCursor {
  int64_t id = 0;
  AlertCursor() = default;
  explicit AlertCursor(const AlertState& alert) : id(alert.id) {}
};

void upload_alerts(Context& c) {
  SharedBatch<AlertState> batch(c.sender);
  stream<AlertCursor>(
      c, batch,
      [](PoolUpload& pool, AlertCursor after, std::size_t room) {
        return pool.pending.alerts_after(after.id, room);
      },
      [&](PoolUpload& pool, const AlertState& alert) {
        const std::string& account = pool.labels.account;
        batch.add(pool, alert_key(account, alert), alert_row(account, alert),
                  {"alerts", std::to_string(alert.id), alert.revision,
                   account + " " + alert.alert_type + " alert" +
                       (alert.subject.empty() ? "" : " on " + shown(alert.subject))},
                  alert);
      },
      [&] {
        batch.send(kAlerts, [&](PoolUpload& pool, auto& alerts) {
          if (c.mark) pool.pending.mark_alerts_uploaded(alerts);
          pool.summary.alerts += alerts.size();
        });
      });
}

void upload_payments(Context& c) {
  SharedBatch<PaymentState> batch(c.sender);
  stream<KeyCursor>(
      c, batch,
      [](PoolUpload& pool, const KeyCursor& after, std::size_t room) {
        return pool.pending.payments_after(after.key, room);
      },
      [&](PoolUpload& pool, const PaymentState& payment) {
        batch.add(pool, payment.payment_id, payment_row(pool.labels.account, payment),
                  {"payments", payment.payment_id, payment.revision,
                   pool.labels.account + " payment " + shown(payment.payment_id)},
                  payment);
      },
      [&] {
        batch.send(kPayments, [&](PoolUpload& pool, auto& payments) {
          if (c.mark) pool.pending.mark_payments_uploaded(payments);
          pool.summary.payments += payments.size();
        });
      });
}

}  // namespace

void upload_tables(std::vector<PoolUpload>& pools, Cache& cache, PostgrestClient& client,
                   BatchLimits limits, bool mark, const Clock& clock) {
  RejectedRows rejected(cache);
  Sender sender(client, limits, mark ? &rejected : nullptr, clock);
  Context c{pools, sender, mark};
  if (mark) {
    for (PoolUpload& pool : pools) assign_device_ids(cache, pool.pool_id, pool.labels.account);
  }
  upload_accounts(c);
  upload_hashrates(c);
  upload_devices(c);
  // A snapshot is done once both its hashrate row and its devices are in.
  if (mark) {
    const std::string now = format_utc(clock.now());
    for (PoolUpload& pool : pools) {
      if (!pool.failed()) pool.pending.mark_snapshots_uploaded(now);
    }
  }
  upload_income(c);
  upload_alerts(c);
  upload_payments(c);
  upload_api_calls(pools, sender, mark, clock);
  upload_pool_stats(pools, cache, sender, mark, clock);
}

}  // namespace kz
