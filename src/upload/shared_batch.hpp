#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "upload/pending_rows.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/row_mapping.hpp"
#include "upload/upload_job.hpp"

namespace kz {

// One pool of a run: its labels, what it has pending, what got in, and the
// error that stopped it. A stopped pool sends nothing more (its later tables
// may refer to rows that did not get in).
struct PoolUpload {
  AccountLabels labels;
  PendingRows pending;
  UploadSummary summary;  // rows confirmed; requests are the run's
  std::optional<Error> error;

  bool failed() const { return error.has_value(); }
};

struct Table {
  const char* name;
  const char* on_conflict;
  Resolution resolution = Resolution::merge_duplicates;
};

// Uploads what every pool has pending, table by table in foreign-key order
// (accounts, hashrates, devices, income_tracking, alerts, payments), each
// table in batches of up to batch_size rows drawn from all pools. A batch that
// fails stops the pools whose rows it carried (see send_parts); the others go
// on. Rows are marked uploaded (mark) only after the 2xx of their batch. Only
// a cache error is thrown.
void upload_tables(std::vector<PoolUpload>& pools, PostgrestClient& client, std::size_t batch_size,
                   bool mark, const Clock& clock);

// The column names of a row as JsonObject writes it, e.g. "account_name,site,".
// PostgREST refuses a request whose objects do not all have the same keys.
std::string columns_of(const std::string& row);

// Sends the rows of several pools (each part one pool's, all with the same
// columns) as one request. When it is refused (4xx) and holds more than one
// pool's rows, each part is sent again on its own, so that only the pools
// whose rows are refused stop. A transient failure stops every pool in the
// request; their rows stay pending. Returns, per part, whether it got in.
std::vector<bool> send_parts(PostgrestClient& client, const Table& table,
                             const std::vector<std::pair<PoolUpload*, const Batch*>>& parts);

struct NoItem {};

// The rows of one request being gathered from several pools, grouped by their
// columns (one request per group), each row with the Item to mark uploaded
// once it got in. At most `limit` rows are held.
template <typename Item = NoItem>
class SharedBatch {
 public:
  struct Part {
    PoolUpload* pool;
    Batch rows;
    std::vector<Item> items;
  };

  explicit SharedBatch(std::size_t limit) : limit_(limit) {}

  std::size_t room() const { return limit_ - size_; }

  void add(PoolUpload& pool, const std::string& key, std::string row, Item item = {}) {
    std::string columns = columns_of(row);
    Group* group = nullptr;
    for (Group& g : groups_) {
      if (g.columns == columns) group = &g;
    }
    if (group == nullptr) group = &groups_.emplace_back(Group{std::move(columns), {}});
    if (group->parts.empty() || group->parts.back().pool != &pool) {
      group->parts.push_back(Part{&pool, {}, {}});
    }
    group->parts.back().rows.add(key, std::move(row));
    group->parts.back().items.push_back(std::move(item));
    ++size_;
  }

  // Sends every group, skipping the rows of pools stopped meanwhile, and
  // calls done(pool, part) for each part that got in.
  template <typename Done>
  void send(PostgrestClient& client, const Table& table, Done done) {
    for (Group& group : groups_) {
      std::vector<Part*> live;
      std::vector<std::pair<PoolUpload*, const Batch*>> parts;
      for (Part& part : group.parts) {
        if (part.pool->failed() || part.rows.empty()) continue;
        live.push_back(&part);
        parts.emplace_back(part.pool, &part.rows);
      }
      const std::vector<bool> sent = send_parts(client, table, parts);
      for (std::size_t i = 0; i < live.size(); ++i) {
        if (sent[i]) done(*live[i]->pool, *live[i]);
      }
    }
    groups_.clear();
    size_ = 0;
  }

 private:
  struct Group {
    std::string columns;
    std::vector<Part> parts;
  };

  std::size_t limit_;
  std::size_t size_ = 0;
  std::vector<Group> groups_;
};

}  // namespace kz
