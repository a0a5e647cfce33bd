#pragma once

// POST /rest/v1/<table>: bulk insert and upsert the way PostgREST does it, down to the SQL text
// (json_to_recordset over the body, one statement in one transaction).

#include <optional>
#include <string>
#include <vector>

#include "support/gateway/api_error.hpp"
#include "support/gateway/pg_session.hpp"
#include "support/gateway/rest_request.hpp"
#include "support/gateway/schema_cache.hpp"

namespace kz::test {

// What a handler answers (errors are thrown as ApiError, PgError or DatabaseUnavailable).
struct RestResult {
  int status = 200;
  std::string body;    // empty: no body
  HeaderList headers;  // Content-Type included when there is a body
  int rows = -1;       // for the request log
};

struct InsertPayload {
  std::string json;               // bound to $1 ("[]" when PostgREST discards a scalar body)
  bool is_object = false;         // a single object rather than an array
  std::vector<std::string> keys;  // the columns written, sorted
  int rows = 0;                   // objects in the body
};

// Validates the body before the table is looked up: PGRST102 for empty or invalid JSON and for
// objects whose keys differ (unless ?columns= names the columns).
InsertPayload parse_insert_payload(const std::string& body,
                                   const std::optional<std::string>& columns_param);

struct InsertStatement {
  std::string sql;
  PgParam payload;
  bool counts_inserted = false;  // merge-duplicates: 200 when no row was inserted
};

// PGRST204 when a key is not a column of the table.
InsertStatement build_insert_statement(const TableInfo& table, const InsertPayload& payload,
                                       const Preferences& preferences,
                                       const std::optional<std::string>& on_conflict_param);

RestResult run_insert(PGconn* connection, const RequestTransaction::Settings& settings,
                      const TableInfo& table, const InsertPayload& payload,
                      const Preferences& preferences,
                      const std::optional<std::string>& on_conflict_param);

}  // namespace kz::test
