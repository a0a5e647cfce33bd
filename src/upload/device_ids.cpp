#include "upload/device_ids.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "upload/row_mapping.hpp"

namespace kz {
namespace {

// FNV-1a, 64 bits: the same on every platform and run (std::hash is not).
uint64_t fnv1a(std::string_view text, uint64_t hash = 14695981039346656037ULL) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// Derived from the raw names; the account's length keeps ("A_B", "C") apart from ("A", "B_C").
std::string name_hash_hex(const std::string& account, const std::string& worker) {
  const std::string key = std::to_string(account.size()) + ":" + account + worker;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(key)));
  return hex;
}

struct Holder {
  std::string account;  // pool.account_name (never the observer URL: it holds the access key)
  std::string worker;
};

class DeviceIdTable {
 public:
  explicit DeviceIdTable(SQLite::Database& db)
      : holder_(db,
                "SELECT coalesce(p.account_name, 'an unlabelled pool'), w.name FROM worker w"
                " JOIN pool p ON p.id = w.pool_id WHERE w.device_id = ?"),
        store_(db, "UPDATE worker SET device_id = ? WHERE id = ?") {}

  std::optional<Holder> holder(const std::string& id) {
    holder_.bind(1, id);
    std::optional<Holder> found;
    if (holder_.executeStep())
      found = Holder{holder_.getColumn(0).getString(), holder_.getColumn(1).getString()};
    holder_.reset();
    return found;
  }

  void store(int64_t worker_id, const std::string& id) {
    store_.bind(1, id);
    store_.bind(2, worker_id);
    store_.exec();
    store_.reset();
  }

 private:
  SQLite::Statement holder_;
  SQLite::Statement store_;
};

// The first free id among the plain one, then the plain one with 6, 8, 12 and 16 hex digits
// of the names' hash, then the longest with a counter: every step depends only on the names
// and on ids already stored, so a worker gets the same id whenever it is assigned.
std::string free_id(DeviceIdTable& ids, const std::string& account, const std::string& worker,
                    PoolSource source) {
  const std::string plain = device_id(account, worker, source);
  const std::optional<Holder> first = ids.holder(plain);
  if (!first) return plain;
  const std::string hash = name_hash_hex(account, worker);
  std::string chosen;
  for (std::size_t digits : {6, 8, 12, 16}) {
    chosen = plain + "_" + hash.substr(0, digits);
    if (!ids.holder(chosen)) break;
  }
  const std::string longest = chosen;
  for (int n = 2; ids.holder(chosen); ++n) chosen = longest + "_" + std::to_string(n);
  spdlog::warn(
      "device id {} is already worker '{}' of {}: worker '{}' of {} becomes device {} (two "
      "workers are never one device)",
      plain, first->worker, first->account, worker, account, chosen);
  return chosen;
}

}  // namespace

void assign_device_ids(Cache& cache, int64_t pool_id, const std::string& account) {
  cache.write_transaction([&] {
    auto& db = cache.db();
    std::vector<std::pair<int64_t, std::string>> workers;
    SQLite::Statement unassigned(db,
                                 "SELECT id, name FROM worker WHERE pool_id = ?"
                                 " AND device_id IS NULL ORDER BY id");
    unassigned.bind(1, pool_id);
    while (unassigned.executeStep())
      workers.emplace_back(unassigned.getColumn(0).getInt64(), unassigned.getColumn(1).getString());
    if (workers.empty()) return;
    SQLite::Statement source(db, "SELECT source FROM pool WHERE id = ?");
    source.bind(1, pool_id);
    const PoolSource kind =
        source.executeStep() ? pool_source(source.getColumn(0).getString()) : PoolSource::btcpool;
    DeviceIdTable ids(db);
    for (const auto& [worker_id, name] : workers)
      ids.store(worker_id, free_id(ids, account, name, kind));
  });
}

}  // namespace kz
