#pragma once

// Every cell of every table of an SQLite file as text, for tests that prove a value (a secret)
// is stored nowhere: "table.column: value" per non-NULL cell, blobs as their bytes.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

namespace kz::test {

inline std::vector<std::string> all_cells(SQLite::Database& db) {
  std::vector<std::string> tables;
  SQLite::Statement names(db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
  while (names.executeStep()) tables.push_back(names.getColumn(0).getString());
  std::vector<std::string> cells;
  for (const std::string& table : tables) {
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
    while (rows.executeStep()) {
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        const SQLite::Column column = rows.getColumn(i);
        if (column.isNull()) continue;
        cells.push_back(table + "." + column.getName() + ": " + column.getString());
      }
    }
  }
  return cells;
}

// The cells of `db` whose text contains `part`.
inline std::vector<std::string> cells_containing(SQLite::Database& db, const std::string& part) {
  std::vector<std::string> out;
  for (std::string& cell : all_cells(db)) {
    if (cell.find(part) != std::string::npos) out.push_back(std::move(cell));
  }
  return out;
}

inline std::vector<std::string> cells_containing(const std::string& path, const std::string& part) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return cells_containing(db, part);
}

}  // namespace kz::test
