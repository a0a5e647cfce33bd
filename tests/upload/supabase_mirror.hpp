#pragma once

// The proof every upload test ends with: PostgreSQL holds exactly what the cache says was
// delivered. It reads the cache with its own SQL (not the upload library's mapping), so a
// mapping bug cannot hide itself, and compares table by table as sorted multisets of rows,
// printing what is missing in PostgreSQL and what is there but should not be.
//
//   EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
//
// What it expects, for every pool of the cache that has an account label:
// - accounts: one row per pool with anything to send; balance as the newest snapshot's;
// - hashrates: every snapshot exactly once, keyed (account_name, timestamp = scraped_at, as an
//   instant with ms), values integer TH/s rounded half away from zero;
// - devices: one row per worker, device_id from worker.device_id (when the cache has that
//   column and the worker an id) else "KZ_{account}_{worker}" with spaces as "_", status from
//   the worker's newest sample in a snapshot not set aside (kzupload sends devices from those);
// - income_tracking (date MM/DD/YYYY, btc_amount in exact satoshis), alerts (the newest
//   revision, keyed "<account>|<type>|<subject>|<opened_at>"), payments;
// - api_call_logs: every api_call row signed by the pool's account (account_name, nonce), its
//   outcome as logged (an empty error as NULL); pool_stats: every pool_stats row of the cache
//   (coin_type, fetched_at), pool_hashrate integer TH/s rounded half away from zero; both only
//   compared when either side has rows (older stand-ins lack the tables);
// - rows set aside (table upload_rejected, when the cache has it) absent, or at an older
//   revision when one was delivered before; nothing else pending in the cache.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "support/postgres/postgres_cluster.hpp"

namespace kz::test {
namespace mirror_detail {

using Rows = std::vector<std::string>;

inline bool has_table(SQLite::Database& db, const std::string& name) {
  SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE name = ?");
  q.bind(1, name);
  return q.executeStep();
}

inline std::vector<std::string> columns(SQLite::Database& db, const std::string& table) {
  std::vector<std::string> out;
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?)");
  q.bind(1, table);
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

// The first column whose name contains `part` ("" when none).
inline std::string column_like(const std::vector<std::string>& names, const std::string& part) {
  for (const std::string& name : names) {
    if (name.find(part) != std::string::npos) return name;
  }
  return "";
}

// "2026-11-22T10:40:00Z" and "2026-11-22T10:40:00.1Z" -> "...00.000Z", "...00.100Z".
inline std::string instant_ms(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string fraction;
  std::size_t i = 19;
  if (i < iso.size() && iso[i] == '.') {
    for (++i; i < iso.size() && std::isdigit(static_cast<unsigned char>(iso[i])); ++i) {
      fraction += iso[i];
    }
  }
  fraction.resize(3, '0');
  return iso.substr(0, 19) + "." + fraction + "Z";
}

// Unix milliseconds as "2026-11-22T10:40:00.123Z".
inline std::string ms_instant(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return out;
}

inline std::string text(const SQLite::Column& c) {
  return c.isNull() ? "NULL" : c.getString();
}
inline std::string text(const std::optional<std::string>& v) {
  return v.value_or("NULL");
}

inline std::string us_date(const std::string& iso) {
  if (iso.size() != 10) return iso;
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
}

// Rows of a PostgreSQL query: the first `key_columns` columns joined by ' ', a tab, then the
// others joined by ' ' (NULL as "NULL").
inline Rows pg_rows(const PostgresCluster& pg, const std::string& sql, std::size_t key_columns) {
  Rows out;
  for (const SqlRow& row : pg.query(sql)) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += i == key_columns ? "\t" : " ";
      line += text(row[i]);
    }
    out.push_back(line);
  }
  return out;
}

// PostgreSQL expressions: a timestamptz as "2026-11-22T10:40:00.123Z", a BTC numeric as
// whole satoshis (or a note when it is not a whole number of them).
inline std::string pg_ms(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}
inline std::string pg_sat(const std::string& column) {
  const std::string sat = "(" + column + " * 100000000)";
  return "CASE WHEN " + sat + " = trunc(" + sat + ") THEN trunc(" + sat +
         ")::bigint::text ELSE 'not-whole-satoshis:' || " + column + "::text END";
}

// Appends the differences of two multisets of rows to `report`.
inline void compare(const std::string& table, Rows expected, Rows actual, std::string& report) {
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  Rows missing, unexpected;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(unexpected));
  const auto list = [&](const char* what, const Rows& rows) {
    if (rows.empty()) return;
    report += "  " + table + ": " + what + " (" + std::to_string(rows.size()) + "):\n";
    for (std::size_t i = 0; i < rows.size() && i < 12; ++i) report += "    " + rows[i] + "\n";
    if (rows.size() > 12) report += "    ...\n";
  };
  list("missing in PostgreSQL", missing);
  list("in PostgreSQL but not in the cache", unexpected);
}

// Drops the rows whose key (the text before the tab) is one of `keys`.
inline Rows without_keys(Rows rows, const std::set<std::string>& keys) {
  std::erase_if(
      rows, [&](const std::string& row) { return keys.count(row.substr(0, row.find('\t'))) > 0; });
  return rows;
}

// Set-aside rows: (Supabase table, pool id, item key) -> revision.
inline std::map<std::tuple<std::string, int64_t, std::string>, int64_t> set_aside(
    SQLite::Database& cache) {
  std::map<std::tuple<std::string, int64_t, std::string>, int64_t> out;
  if (!has_table(cache, "upload_rejected")) return out;
  const auto names = columns(cache, "upload_rejected");
  const std::string pool = column_like(names, "pool"), table = column_like(names, "table"),
                    key = column_like(names, "key"), revision = column_like(names, "revision");
  if (pool.empty() || table.empty() || key.empty()) {
    ADD_FAILURE() << "upload_rejected has no pool, table or item key column";
    return out;
  }
  SQLite::Statement q(cache, "SELECT " + table + ", " + pool + ", " + key + ", " +
                                 (revision.empty() ? "0" : revision) + " FROM upload_rejected");
  while (q.executeStep()) {
    out[{q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()}] =
        q.getColumn(3).getInt64();
  }
  return out;
}

}  // namespace mirror_detail

// Whether PostgreSQL equals the cache (see the top of this file); the message lists every
// difference and what is still pending in the cache.
inline ::testing::AssertionResult supabase_matches_cache(const PostgresCluster& pg,
                                                         const std::string& cache_path);

inline void expect_supabase_matches_cache(const PostgresCluster& pg,
                                          const std::string& cache_path) {
  EXPECT_TRUE(supabase_matches_cache(pg, cache_path));
}

}  // namespace kz::test

#include "upload/supabase_mirror_impl.hpp"
