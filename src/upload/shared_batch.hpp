#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "upload/pending_rows.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/rejected_rows.hpp"
#include "upload/row_mapping.hpp"
#include "upload/upload_job.hpp"

namespace kz {

// One pool of a run: its labels, what it has pending, what got in, the rows
// set aside, and the error that stopped it. A stopped pool sends nothing more
// (its later tables may refer to rows that did not get in).
struct PoolUpload {
  AccountLabels labels;
  int64_t pool_id = 0;
  PendingRows pending;
  UploadSummary summary;  // rows confirmed; requests are the run's
  std::optional<Error> error;
  // "<table> <row>: <reason>" for each row set aside in this run; the pool goes on.
  std::vector<std::string> set_aside;

  bool failed() const { return error.has_value(); }
};

struct Table {
  const char* name;
  const char* on_conflict;
  Resolution resolution = Resolution::merge_duplicates;
};

// What one request may carry: rows and bytes of JSON body (--batch-size, --max-request-kb).
struct BatchLimits {
  std::size_t rows = 500;
  std::size_t bytes = 256 * 1024;
};

// A row on its way: its pool, conflict key, JSON object, what identifies it in
// the cache (ref.table empty: it cannot be set aside, a refusal stops the pool),
// and the caller's items to mark once it got in (several when later rows with
// the same key replaced it: PostgreSQL refuses to update a row twice in one
// statement).
struct Entry {
  PoolUpload* pool = nullptr;
  std::string key;
  std::string row;
  RowRef ref;
  std::vector<std::size_t> items;
};

// Sends rows to PostgREST for one run, so that one bad row never holds back
// the rest. Requests stay within the limits. A refused request is split:
// - a row-level refusal (SQLSTATE class 22, 23 or 54) or a 413 is halved until
//   the refused row stands alone; that row is set aside (RejectedRows, when not
//   a dry run) and the pool goes on. A 413 also lowers the byte limit for the
//   rest of the run;
// - any other refusal of a request holding several pools' rows is sent again
//   pool by pool, and stops only the pools refused on their own;
// - a transient failure stops every pool in the request; its rows stay pending.
// Throws only kz::Error(cache_failed) (recording a set-aside row).
class Sender {
 public:
  // rejected: null on a dry run (nothing is recorded).
  Sender(PostgrestClient& client, BatchLimits limits, RejectedRows* rejected, const Clock& clock)
      : client_(client), limits_(limits), rejected_(rejected), clock_(clock) {}

  // Sends the entries (all with the same columns) in requests within the limits, skipping
  // those of stopped pools, and calls delivered(entry) for each one that got in.
  void send(const Table& table, std::vector<Entry*> entries,
            const std::function<void(const Entry&)>& delivered);

  // Sets the row aside without sending it, e.g. a value Supabase's column cannot hold.
  void set_aside(PoolUpload& pool, const RowRef& row, const std::string& reason);

  std::size_t row_limit() const { return limits_.rows; }

 private:
  void send_chunk(const Table& table, std::vector<Entry*> chunk,
                  const std::function<void(const Entry&)>& delivered);
  void split(const Table& table, const std::vector<Entry*>& chunk,
             const std::function<void(const Entry&)>& delivered);

  bool was_set_aside(const Entry& entry) const;

  PostgrestClient& client_;
  BatchLimits limits_;
  RejectedRows* rejected_;
  const Clock& clock_;
  bool warned_too_large_ = false;
  std::unordered_set<std::string> set_aside_;  // "<pool id>|<table>|<item key>"
};

// The column names of a row as JsonObject writes it, e.g. "account_name,site,".
// PostgREST refuses a request whose objects do not all have the same keys.
std::string columns_of(const std::string& row);

struct NoItem {};

// Logs that rows of a batch shared a key with a later row and were left out.
void warn_replaced_rows(const char* table, std::size_t replaced);

// The rows of one table being gathered from several pools, grouped by their
// columns (one request per group and limit), each row with the Items to mark
// uploaded once it got in. At most the sender's row limit is held.
template <typename Item = NoItem>
class SharedBatch {
 public:
  explicit SharedBatch(Sender& sender) : sender_(sender) {}

  std::size_t room() const {
    const std::size_t limit = sender_.row_limit();
    return size_ >= limit ? 0 : limit - size_;
  }

  void add(PoolUpload& pool, const std::string& key, std::string row, RowRef ref = {},
           Item item = {}) {
    std::string columns = columns_of(row);
    Group* group = nullptr;
    for (Group& g : groups_) {
      if (g.columns == columns) group = &g;
    }
    if (group == nullptr) group = &groups_.emplace_back(Group{std::move(columns), {}, {}, {}});
    group->items.push_back(std::move(item));
    const std::size_t item_index = group->items.size() - 1;
    auto [it, inserted] = group->index.try_emplace(key, group->entries.size());
    if (inserted) {
      group->entries.push_back(Entry{&pool, key, std::move(row), std::move(ref), {item_index}});
      ++size_;
    } else {
      Entry& entry = group->entries[it->second];
      entry.row = std::move(row);
      entry.ref = std::move(ref);
      entry.items.push_back(item_index);
      ++replaced_;
    }
  }

  // Sends every group and calls done(pool, items) with the Items of the rows of
  // each pool that got in, once per pool and request.
  template <typename Done>
  void send(const Table& table, Done done) {
    if (replaced_ > 0) warn_replaced_rows(table.name, replaced_);
    for (Group& group : groups_) {
      std::vector<Entry*> entries;
      entries.reserve(group.entries.size());
      for (Entry& entry : group.entries) entries.push_back(&entry);
      std::unordered_map<PoolUpload*, std::vector<Item>> got_in;
      std::vector<PoolUpload*> order;
      sender_.send(table, std::move(entries), [&](const Entry& entry) {
        auto [it, inserted] = got_in.try_emplace(entry.pool);
        if (inserted) order.push_back(entry.pool);
        for (std::size_t i : entry.items) it->second.push_back(group.items[i]);
      });
      for (PoolUpload* pool : order) done(*pool, got_in[pool]);
    }
    groups_.clear();
    size_ = 0;
    replaced_ = 0;
  }

 private:
  struct Group {
    std::string columns;
    std::vector<Entry> entries;
    std::vector<Item> items;
    std::unordered_map<std::string, std::size_t> index;  // key -> entries
  };
  Sender& sender_;
  std::size_t size_ = 0;
  std::size_t replaced_ = 0;
  std::vector<Group> groups_;
};

// antpool_uploads.cpp. The api_call rows signed by each pool's account (api_call_logs), marked
// uploaded (api_call.uploaded_at) once confirmed; unfinished calls wait unless reserved over an
// hour before clock.now().
void upload_api_calls(std::vector<PoolUpload>& pools, Sender& sender, bool mark,
                      const Clock& clock);
// Every pending pool_stats row of the cache (they belong to no pool), carried by one pool of the
// run (the first still going, an Antpool one if any): counted in its summary, set aside under
// it, and a refusal of the request stops it. Nothing is sent when every pool stopped.
void upload_pool_stats(std::vector<PoolUpload>& pools, Cache& cache, Sender& sender, bool mark,
                       const Clock& clock);

// Uploads what every pool has pending, table by table in foreign-key order
// (accounts, hashrates, devices, income_tracking, alerts, payments, api_call_logs, then
// pool_stats, see upload_pool_stats), each
// table in batches drawn from all pools (see Sender). Rows are marked uploaded
// (mark) only after PostgREST confirmed them; a snapshot once its hashrate row
// and its devices are in or set aside. Before anything is sent, every worker
// gets its device id (assign_device_ids) unless this is a dry run. Only a
// cache error is thrown.
void upload_tables(std::vector<PoolUpload>& pools, Cache& cache, PostgrestClient& client,
                   BatchLimits limits, bool mark, const Clock& clock);

}  // namespace kz
