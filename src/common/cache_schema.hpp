#pragma once

#include <SQLiteCpp/Database.h>

#include <vector>

namespace kz {

// Migration i (0-based) brings the cache from user_version i to i + 1.
// Append only: a released migration is never edited.
const std::vector<const char*>& cache_migrations();

// Adds the SQL functions the migrations use to connection `db`: kz_redacted_url(text)
// (redacted_url, src/common/url_text.hpp), kz_sha256_hex(text) (sha256_hex) and
// kz_redact_url_secrets(text, url) (redact_url_secrets). Call before running a migration.
void register_cache_functions(SQLite::Database& db);

}  // namespace kz
