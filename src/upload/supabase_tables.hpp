#pragma once

#include <vector>

namespace kz {

// A table as kzupload writes it (see row_mapping.cpp and table_uploads.cpp) and the sql/ files
// that create it, add its later columns and its unique key.
struct TableSpec {
  const char* name;
  std::vector<const char*> columns;
  const char* unique_key;
  const char* creates;                     // the file that creates the table
  std::vector<const char*> later_columns;  // added by key_file
  const char* key_file;                    // the file that creates the unique key
};

// Every table kzupload writes, in foreign-key order (the source for kzupload --check).
const std::vector<TableSpec>& supabase_tables();

}  // namespace kz
