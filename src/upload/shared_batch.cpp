#include "upload/shared_batch.hpp"

#include <spdlog/spdlog.h>

namespace kz {
namespace {

// The index just past the JSON string that starts at `pos` (a '"').
std::size_t skip_string(const std::string& text, std::size_t pos) {
  for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
    if (text[pos] == '\\') ++pos;
  }
  return pos + 1;
}

void send_one(PostgrestClient& client, const Table& table, const Batch& batch,
              std::size_t replaced) {
  if (replaced > 0) {
    spdlog::warn("{}: {} row(s) of a batch share a key with a later row and were left out",
                 table.name, replaced);
  }
  client.upsert(table.name, table.on_conflict, batch.body(), batch.size(), table.resolution);
}

void stop(PoolUpload& pool, const Error& error) {
  if (!pool.failed()) pool.error = error;
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

std::vector<bool> send_parts(PostgrestClient& client, const Table& table,
                             const std::vector<std::pair<PoolUpload*, const Batch*>>& parts) {
  std::vector<bool> sent(parts.size(), false);
  if (parts.empty()) return sent;
  try {
    if (parts.size() == 1) {
      send_one(client, table, *parts[0].second, parts[0].second->replaced());
    } else {
      Batch all;
      std::size_t replaced = 0;
      for (const auto& [pool, rows] : parts) {
        all.add_all(*rows);
        replaced += rows->replaced();
      }
      send_one(client, table, all, replaced + all.replaced());
    }
    sent.assign(parts.size(), true);
    return sent;
  } catch (const Error& e) {
    if (e.code() != ExitCode::upload_rejected || parts.size() == 1) {
      for (const auto& part : parts) stop(*part.first, e);
      return sent;
    }
    spdlog::warn(
        "{}: a batch with the rows of {} pools was refused ({}); sending each pool's rows "
        "on its own",
        table.name, parts.size(), e.what());
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    try {
      send_one(client, table, *parts[i].second, parts[i].second->replaced());
      sent[i] = true;
    } catch (const Error& e) {
      stop(*parts[i].first, e);
    }
  }
  return sent;
}

}  // namespace kz
