// upload_tables: every table in batches shared by the pools of a run.
#include "upload/shared_batch.hpp"

namespace kz {
namespace {

struct Context {
  std::vector<PoolUpload>& pools;
  PostgrestClient& client;
  std::size_t batch_size;
  bool mark;  // false on a dry run
};

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
  SharedBatch<> batch(c.batch_size);
  const auto flush = [&] {
    batch.send(c.client, kAccounts, [](PoolUpload& pool, auto&) { pool.summary.accounts = 1; });
  };
  for (PoolUpload& pool : c.pools) {
    batch.add(pool, pool.labels.account, account_row(pool.labels, pool.pending.newest_snapshot()));
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
  SharedBatch<> batch(c.batch_size);
  stream<SnapshotCursor>(
      c, batch,
      [](PoolUpload& pool, SnapshotCursor after, std::size_t room) {
        return pool.pending.snapshots_after(after.id, room);
      },
      [&](PoolUpload& pool, const SnapshotRow& snapshot) {
        const std::string& account = pool.labels.account;
        batch.add(pool, account + "|" + snapshot.scraped_at, hashrate_row(account, snapshot));
      },
      [&] {
        batch.send(c.client, kHashrates, [](PoolUpload& pool, auto& part) {
          pool.summary.hashrates += part.rows.size();
        });
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
  SharedBatch<> fresh(c.batch_size);
  SharedBatch<> all(c.batch_size);
  stream<NoCursor>(
      c, all,
      [](PoolUpload& pool, NoCursor, std::size_t room) { return pool.pending.next_devices(room); },
      [&](PoolUpload& pool, const DeviceState& device) {
        const std::string id = device_id(pool.labels.account, device.name);
        if (device.is_new) fresh.add(pool, id, device_row(pool.labels, device, true));
        all.add(pool, id, device_row(pool.labels, device, false));
      },
      [&] {
        fresh.send(c.client, kNewDevices, [](PoolUpload& pool, auto& part) {
          pool.summary.new_devices += part.rows.size();
        });
        all.send(c.client, kDevices,
                 [](PoolUpload& pool, auto& part) { pool.summary.devices += part.rows.size(); });
      });
}

struct KeyCursor {
  std::string key;
  KeyCursor() = default;
  explicit KeyCursor(const IncomeDay& day) : key(day.date) {}
  explicit KeyCursor(const PaymentState& payment) : key(payment.payment_id) {}
};

void upload_income(Context& c) {
  SharedBatch<IncomeDay> batch(c.batch_size);
  stream<KeyCursor>(
      c, batch,
      [](PoolUpload& pool, const KeyCursor& after, std::size_t room) {
        return pool.pending.income_after(after.key, room);
      },
      [&](PoolUpload& pool, const IncomeDay& day) {
        const std::string& account = pool.labels.account;
        batch.add(pool, account + "|" + day.date, income_row(account, day), day);
      },
      [&] {
        batch.send(c.client, kIncome, [&](PoolUpload& pool, auto& part) {
          if (c.mark) pool.pending.mark_income_uploaded(part.items);
          pool.summary.income += part.rows.size();
        });
      });
}

struct AlertCursor {
  int64_t id = 0;
  AlertCursor() = default;
  explicit AlertCursor(const AlertState& alert) : id(alert.id) {}
};

void upload_alerts(Context& c) {
  SharedBatch<AlertState> batch(c.batch_size);
  stream<AlertCursor>(
      c, batch,
      [](PoolUpload& pool, AlertCursor after, std::size_t room) {
        return pool.pending.alerts_after(after.id, room);
      },
      [&](PoolUpload& pool, const AlertState& alert) {
        const std::string& account = pool.labels.account;
        batch.add(pool, alert_key(account, alert), alert_row(account, alert), alert);
      },
      [&] {
        batch.send(c.client, kAlerts, [&](PoolUpload& pool, auto& part) {
          if (c.mark) pool.pending.mark_alerts_uploaded(part.items);
          pool.summary.alerts += part.rows.size();
        });
      });
}

void upload_payments(Context& c) {
  SharedBatch<PaymentState> batch(c.batch_size);
  stream<KeyCursor>(
      c, batch,
      [](PoolUpload& pool, const KeyCursor& after, std::size_t room) {
        return pool.pending.payments_after(after.key, room);
      },
      [&](PoolUpload& pool, const PaymentState& payment) {
        batch.add(pool, payment.payment_id, payment_row(pool.labels.account, payment), payment);
      },
      [&] {
        batch.send(c.client, kPayments, [&](PoolUpload& pool, auto& part) {
          if (c.mark) pool.pending.mark_payments_uploaded(part.items);
          pool.summary.payments += part.rows.size();
        });
      });
}

}  // namespace

void upload_tables(std::vector<PoolUpload>& pools, PostgrestClient& client, std::size_t batch_size,
                   bool mark, const Clock& clock) {
  Context c{pools, client, batch_size, mark};
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
}

}  // namespace kz
