#include "support/gateway/schema_cache.hpp"

#include "support/gateway/pg_session.hpp"

namespace kz::test {
namespace {

constexpr const char* kColumnsSql = R"sql(
SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
ORDER BY a.attnum)sql";

constexpr const char* kPrimaryKeySql = R"sql(
SELECT a.attname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
WHERE i.indisprimary AND n.nspname = $1 AND c.relname = $2
ORDER BY array_position(i.indkey::int2[], a.attnum))sql";

}  // namespace

const ColumnInfo* TableInfo::find(const std::string& column) const {
  for (const auto& info : columns) {
    if (info.name == column) return &info;
  }
  return nullptr;
}

std::shared_ptr<const TableInfo> SchemaCache::lookup(PGconn* connection, const std::string& schema,
                                                     const std::string& table) {
  std::string key = schema + "." + table;
  {
    std::lock_guard lock(mutex_);
    auto found = tables_.find(key);
    if (found != tables_.end()) return found->second;
  }
  PgResult columns = execute(connection, kColumnsSql, {{schema}, {table}});
  if (PQntuples(columns.get()) == 0) return nullptr;  // not cached: it may be created later
  auto info = std::make_shared<TableInfo>();
  info->schema = schema;
  info->name = table;
  for (int row = 0; row < PQntuples(columns.get()); ++row) {
    ColumnInfo column{PQgetvalue(columns.get(), row, 0), PQgetvalue(columns.get(), row, 1), {}};
    if (!PQgetisnull(columns.get(), row, 2))
      column.default_value = PQgetvalue(columns.get(), row, 2);
    info->columns.push_back(std::move(column));
  }
  PgResult key_columns = execute(connection, kPrimaryKeySql, {{schema}, {table}});
  for (int row = 0; row < PQntuples(key_columns.get()); ++row) {
    info->primary_key.emplace_back(PQgetvalue(key_columns.get(), row, 0));
  }
  std::lock_guard lock(mutex_);
  tables_[key] = info;
  return info;
}

void SchemaCache::clear() {
  std::lock_guard lock(mutex_);
  tables_.clear();
}

}  // namespace kz::test
