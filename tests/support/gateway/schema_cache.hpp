#pragma once

// PostgREST's schema cache, reduced to what the gateway needs: the columns (name, type, default)
// and primary key of each table or view, read from pg_catalog on first use and kept until
// clear() (PostgREST reloads on NOTIFY pgrst; the gateway on POST /_admin/reload_schema).

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

struct ColumnInfo {
  std::string name;
  std::string type;                          // format_type(), e.g. "character varying(5)"
  std::optional<std::string> default_value;  // pg_get_expr() of the default, e.g. "now()"
};

struct TableInfo {
  std::string schema;
  std::string name;
  std::vector<ColumnInfo> columns;  // in table order
  std::vector<std::string> primary_key;
  const ColumnInfo* find(const std::string& column) const;
};

class SchemaCache {
 public:
  // nullptr when `schema.table` is neither a table nor a view. Throws PgError.
  std::shared_ptr<const TableInfo> lookup(PGconn* connection, const std::string& schema,
                                          const std::string& table);
  void clear();

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const TableInfo>> tables_;
};

}  // namespace kz::test
