#include "upload/shared_batch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/logging.hpp"

namespace kz {
namespace {

// The index just past the JSON string that starts at `pos` (a '"').
std::size_t skip_string(const std::string& text, std::size_t pos) {
  for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
    if (text[pos] == '\\') ++pos;
  }
  return pos + 1;
}

void stop(PoolUpload& pool, const Error& error) {
  if (!pool.failed()) pool.error = error;
}

std::string body_of(const std::vector<Entry*>& entries) {
  std::size_t length = 2;
  for (const Entry* entry : entries) length += entry->row.size() + 1;
  std::string body;
  body.reserve(length);
  body += '[';
  for (const Entry* entry : entries) {
    if (body.size() > 1) body += ',';
    body += entry->row;
  }
  body += ']';
  return body;
}

std::string set_aside_key(const PoolUpload& pool, const RowRef& row) {
  return std::to_string(pool.pool_id) + "|" + row.table + "|" + row.item_key;
}

bool several_pools(const std::vector<Entry*>& entries) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const Entry* e) { return e->pool != entries.front()->pool; });
}

}  // namespace

// Rows come from JsonObject: a flat object whose values are strings or bare tokens.
std::string columns_of(const std::string& row) {
  std::string columns;
  std::size_t pos = 1;
  while (pos < row.size() && row[pos] == '"') {
    const std::size_t end = skip_string(row, pos);
    columns.append(row, pos + 1, end - pos - 2).push_back(',');
    pos = end + 1;  // past ':'
    if (pos < row.size() && row[pos] == '"') {
      pos = skip_string(row, pos);
    } else {
      while (pos < row.size() && row[pos] != ',' && row[pos] != '}') ++pos;
    }
    if (pos < row.size() && row[pos] == ',') ++pos;
  }
  return columns;
}

void warn_replaced_rows(const char* table, std::size_t replaced) {
  spdlog::warn("{}: {} row(s) of a batch share a key with a later row and were left out", table,
               replaced);
}

void Sender::send(const Table& table, std::vector<Entry*> entries,
                  const std::function<void(const Entry&)>& delivered) {
  std::size_t start = 0;
  while (start < entries.size()) {
    std::size_t end = start;
    std::size_t bytes = 2;
    while (end < entries.size() && end - start < limits_.rows &&
           (end == start || bytes + entries[end]->row.size() + 1 <= limits_.bytes)) {
      bytes += entries[end]->row.size() + 1;
      ++end;
    }
    send_chunk(table,
               {entries.begin() + static_cast<std::ptrdiff_t>(start),
                entries.begin() + static_cast<std::ptrdiff_t>(end)},
               delivered);
    start = end;
  }
}

void Sender::send_chunk(const Table& table, std::vector<Entry*> chunk,
                        const std::function<void(const Entry&)>& delivered) {
  // A device refused in the insert of new devices is not offered again in the upsert.
  std::erase_if(chunk, [&](const Entry* e) { return e->pool->failed() || was_set_aside(*e); });
  if (chunk.empty()) return;
  const std::string body = body_of(chunk);
  const UpsertOutcome outcome =
      client_.try_upsert(table.name, table.on_conflict, body, chunk.size(), table.resolution);
  switch (outcome.kind) {
    case UpsertOutcome::Kind::ok:
      for (const Entry* entry : chunk) delivered(*entry);
      return;
    case UpsertOutcome::Kind::transient:
      for (Entry* entry : chunk) stop(*entry->pool, Error(outcome.code(), outcome.message));
      return;
    case UpsertOutcome::Kind::rejected:
      if (several_pools(chunk)) {
        spdlog::warn(
            "{}: a request with the rows of several pools was refused ({}); sending "
            "each pool's rows on its own",
            table.name, outcome.message);
        std::vector<PoolUpload*> pools;
        for (const Entry* entry : chunk) {
          if (std::find(pools.begin(), pools.end(), entry->pool) == pools.end()) {
            pools.push_back(entry->pool);
          }
        }
        for (PoolUpload* pool : pools) {
          std::vector<Entry*> own;
          for (Entry* entry : chunk) {
            if (entry->pool == pool) own.push_back(entry);
          }
          send_chunk(table, std::move(own), delivered);
        }
        return;
      }
      for (Entry* entry : chunk) stop(*entry->pool, Error(outcome.code(), outcome.message));
      return;
    case UpsertOutcome::Kind::too_large:
      if (chunk.size() > 1) {
        limits_.bytes = std::max<std::size_t>(std::min(limits_.bytes, body.size() / 2), 1);
        if (!warned_too_large_) {
          warned_too_large_ = true;
          spdlog::warn(
              "{}: a {}-byte request was refused as too large (HTTP 413); sending at most "
              "{} bytes per request for the rest of this run (set --max-request-kb)",
              table.name, body.size(), limits_.bytes);
        }
      }
      [[fallthrough]];
    case UpsertOutcome::Kind::row_refused:
      if (chunk.size() > 1) {
        split(table, chunk, delivered);
        return;
      }
      if (chunk.front()->ref.table.empty()) {
        stop(*chunk.front()->pool, Error(outcome.code(), outcome.message));
        return;
      }
      set_aside(*chunk.front()->pool, chunk.front()->ref, outcome.message);
      return;
  }
}

void Sender::split(const Table& table, const std::vector<Entry*>& chunk,
                   const std::function<void(const Entry&)>& delivered) {
  const auto middle = chunk.begin() + static_cast<std::ptrdiff_t>(chunk.size() / 2);
  send(table, {chunk.begin(), middle}, delivered);
  send(table, {middle, chunk.end()}, delivered);
}

bool Sender::was_set_aside(const Entry& entry) const {
  return !entry.ref.table.empty() && set_aside_.count(set_aside_key(*entry.pool, entry.ref)) > 0;
}

void Sender::set_aside(PoolUpload& pool, const RowRef& row, const std::string& reason) {
  if (rejected_ != nullptr) {
    rejected_->set_aside(pool.pool_id, row, reason, format_utc(clock_.now()));
  }
  set_aside_.insert(set_aside_key(pool, row));
  const std::string line = row.table + " " + row.description + ": " + reason;
  // A warning: the run's one error line per pool is the summary (set_aside_error).
  const LogPoolScope scope(pool.labels.account);
  spdlog::warn("{} {}", rejected_ != nullptr ? "set aside" : "dry run, would set aside", line);
  pool.set_aside.push_back(line);
}

}  // namespace kz
