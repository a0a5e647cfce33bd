#include "support/gateway/insert_handler.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace kz::test {
namespace {

// PostgREST counts inserted rows of a merge in a local setting: +1 per proposed row, -1 per
// conflicting row that was updated instead.
std::string count_inserted(bool add) {
  return std::string(
             "set_config('pgrst.inserted', (coalesce(nullif(current_setting("
             "'pgrst.inserted', true), '')::int, 0) ") +
         (add ? "+" : "-") + " 1)::text, true) <> '" + (add ? "0" : "-1") + "'";
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += separator;
    joined += item;
  }
  return joined;
}

template <typename Format>
std::string join_each(const std::vector<std::string>& items, const std::string& separator,
                      Format format) {
  std::vector<std::string> formatted;
  for (const auto& item : items) formatted.push_back(format(item));
  return join(formatted, separator);
}

bool looks_like_object(const std::string& body) {
  auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && body[first] == '{';
}

[[noreturn]] void throw_invalid_body(const char* message) {
  throw postgrest_error(400, "PGRST102", message);
}

// FROM ... pgrst_body: the body as typed rows (PostgREST's fromJsonBodyF).
std::string rows_from_body(const TableInfo& table, const InsertPayload& payload,
                           bool apply_defaults) {
  std::string from = "FROM (SELECT $1 AS json_data) pgrst_payload, ";
  std::string body = "pgrst_payload.json_data";
  if (apply_defaults) {
    std::vector<std::string> defaults;
    for (const auto& key : payload.keys) {
      const ColumnInfo* column = table.find(key);
      if (column->default_value)
        defaults.push_back(quote_literal(key) + ", " + *column->default_value);
    }
    std::string object = "jsonb_build_object(" + join(defaults, ",") + ")";
    from +=
        payload.is_object
            ? "LATERAL (SELECT " + object + " || pgrst_payload.json_data AS val) pgrst_json_defs, "
            : "LATERAL (SELECT jsonb_agg(" + object +
                  " || elem) AS val from jsonb_array_elements(pgrst_payload.json_data) elem) "
                  "pgrst_json_defs, ";
    body = "pgrst_json_defs.val";
  }
  std::string prefix = apply_defaults ? "jsonb" : "json";
  from += "LATERAL (SELECT " + join_each(payload.keys, ", ", quote_ident) + " FROM ";
  if (payload.keys.empty()) {
    from += payload.is_object ? "(values(1)) _ " : prefix + "_array_elements(" + body + ") _ ";
  } else {
    std::string typed = join_each(payload.keys, ", ", [&](const std::string& key) {
      return quote_ident(key) + " " + table.find(key)->type;
    });
    from += prefix + (payload.is_object ? "_to_record(" : "_to_recordset(") + body + ") AS _(" +
            typed + ") ";
  }
  return from + ") pgrst_body ";
}

std::vector<std::string> conflict_columns(const TableInfo& table,
                                          const std::optional<std::string>& on_conflict_param) {
  if (!on_conflict_param) return table.primary_key;
  std::vector<std::string> columns;
  for (auto& column : split_list(*on_conflict_param)) {
    if (!column.empty()) columns.push_back(column);
  }
  return columns;
}

}  // namespace

InsertPayload parse_insert_payload(const std::string& body,
                                   const std::optional<std::string>& columns_param) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw_invalid_body("Empty or invalid json");
  InsertPayload payload;
  payload.json = body;
  payload.is_object = json.is_object();
  payload.rows = json.is_array() ? static_cast<int>(json.size()) : (json.is_object() ? 1 : 0);
  std::set<std::string> keys;
  if (columns_param) {
    payload.is_object = looks_like_object(body);
    for (auto& column : split_list(*columns_param)) {
      if (!column.empty()) keys.insert(column);
    }
  } else if (json.is_array()) {
    if (!json.empty()) {
      if (!json.front().is_object()) throw_invalid_body("All object keys must match");
      for (const auto& item : json.front().items()) keys.insert(item.key());
      for (const auto& element : json) {
        if (!element.is_object() || element.size() != keys.size()) {
          throw_invalid_body("All object keys must match");
        }
        for (const auto& item : element.items()) {
          if (keys.count(item.key()) == 0) throw_invalid_body("All object keys must match");
        }
      }
    }
  } else if (json.is_object()) {
    for (const auto& item : json.items()) keys.insert(item.key());
  } else {
    payload.json = "[]";  // PostgREST treats any other JSON value as an empty array
  }
  payload.keys.assign(keys.begin(), keys.end());
  return payload;
}

InsertStatement build_insert_statement(const TableInfo& table, const InsertPayload& payload,
                                       const Preferences& preferences,
                                       const std::optional<std::string>& on_conflict_param) {
  for (const auto& key : payload.keys) {
    if (table.find(key) == nullptr) {
      throw postgrest_error(
          400, "PGRST204",
          "Could not find the '" + key + "' column of '" + table.name + "' in the schema cache");
    }
  }
  std::string qualified = quote_ident(table.schema) + "." + quote_ident(table.name);
  auto conflict = preferences.resolution ? conflict_columns(table, on_conflict_param)
                                         : std::vector<std::string>{};
  bool merge = preferences.merge_duplicates() && !conflict.empty();

  std::string insert = "INSERT INTO " + qualified;
  insert += payload.keys.empty() ? " " : "(" + join_each(payload.keys, ", ", quote_ident) + ") ";
  insert += "SELECT " +
            join_each(payload.keys, ", ",
                      [](const std::string& key) { return "\"pgrst_body\"." + quote_ident(key); }) +
            " ";
  insert += rows_from_body(table, payload, preferences.apply_defaults());
  if (merge) insert += "WHERE " + count_inserted(true);
  if (!conflict.empty()) {
    insert += " ON CONFLICT(" + join_each(conflict, ", ", quote_ident) + ") ";
    if (preferences.ignore_duplicates() || payload.keys.empty()) {
      insert += "DO NOTHING";
    } else {
      insert += "DO UPDATE SET " + join_each(payload.keys, ", ", [](const std::string& key) {
                  return quote_ident(key) + " = EXCLUDED." + quote_ident(key);
                });
      insert += " WHERE " + count_inserted(false);
    }
  }
  bool representation = preferences.wants_representation();
  insert += representation ? " RETURNING " + qualified + ".*" : " RETURNING 1";

  std::string alias = quote_ident(table.name);
  InsertStatement statement;
  statement.sql = "WITH pgrst_source AS (" + insert +
                  ") SELECT '' AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
                  "array[]::text[] AS header, " +
                  (representation ? "coalesce(json_agg(_postgrest_t), '[]')" : "''") +
                  " AS body, nullif(current_setting('response.headers', true), '') AS "
                  "response_headers, nullif(current_setting('response.status', true), '') AS "
                  "response_status FROM (" +
                  (representation ? "SELECT " + alias + ".* FROM pgrst_source AS " + alias
                                  : "SELECT * FROM pgrst_source") +
                  ") _postgrest_t";
  statement.payload = {payload.json, preferences.apply_defaults() ? kJsonbOid : kJsonOid};
  statement.counts_inserted = merge;
  return statement;
}

RestResult run_insert(PGconn* connection, const RequestTransaction::Settings& settings,
                      const TableInfo& table, const InsertPayload& payload,
                      const Preferences& preferences,
                      const std::optional<std::string>& on_conflict_param) {
  InsertStatement statement =
      build_insert_statement(table, payload, preferences, on_conflict_param);
  RequestTransaction transaction(connection, settings);
  PgResult result = execute(connection, statement.sql, {statement.payload});
  long written = std::atol(PQgetvalue(result.get(), 0, 1));
  std::string body = PQgetvalue(result.get(), 0, 3);
  std::optional<long> inserted;
  if (statement.counts_inserted) {
    PgResult count =
        execute(connection, "SELECT nullif(current_setting('pgrst.inserted', true), '')::int", {});
    if (!PQgetisnull(count.get(), 0, 0)) inserted = std::atol(PQgetvalue(count.get(), 0, 0));
  }
  transaction.commit();

  RestResult answer;
  answer.rows = payload.rows;
  answer.status = (statement.counts_inserted && inserted && *inserted <= 0) ? 200 : 201;
  answer.headers.emplace_back("Content-Range",
                              "*/" + (preferences.wants_count() ? std::to_string(written) : "*"));
  Preferences applied = preferences;
  if (table.primary_key.empty() && !on_conflict_param) applied.resolution.reset();
  if (auto header = applied.applied(); !header.empty()) {
    answer.headers.emplace_back("Preference-Applied", header);
  }
  if (preferences.wants_representation()) {
    answer.body = std::move(body);
    answer.headers.emplace_back("Content-Type", kJsonContentType);
  }
  return answer;
}

}  // namespace kz::test
