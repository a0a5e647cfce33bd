#include "upload/pool_selection.hpp"

#include <SQLiteCpp/Statement.h>

#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/sha256.hpp"
#include "common/url_text.hpp"

namespace kz {
namespace {

std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

std::string describe_pools(SQLite::Database& db) {
  std::string out;
  SQLite::Statement pools(db, "SELECT observer_url, account_name FROM pool ORDER BY id");
  while (pools.executeStep()) {
    if (!out.empty()) out += ", ";
    out += pools.getColumn(0).getString();
    out +=
        pools.getColumn(1).isNull() ? " (unlabelled)" : " (" + pools.getColumn(1).getString() + ")";
  }
  return out.empty() ? "none yet" : out;
}

std::optional<int64_t> find_pool(SQLite::Database& db, const char* where, const std::string& value,
                                 std::optional<std::string>* label) {
  SQLite::Statement select(db, std::string("SELECT id, account_name FROM pool WHERE ") + where);
  select.bind(1, value);
  if (!select.executeStep()) return std::nullopt;
  if (label) *label = optional_text(select.getColumn(1));
  return select.getColumn(0).getInt64();
}

std::optional<int64_t> resolve_pool_unwrapped(Cache& cache, const std::string& account,
                                              const std::optional<std::string>& observer_url,
                                              bool may_label) {
  auto& db = cache.db();
  std::optional<std::string> label;
  std::optional<int64_t> id = find_pool(db, "account_name = ?", account, nullptr);
  if (id) {
    if (observer_url &&
        find_pool(db, "observer_url_sha256 = ?", sha256_hex(*observer_url), nullptr) != id) {
      throw Error(ExitCode::usage, "account '" + account + "' belongs to another observer URL in " +
                                       cache.path() + " (" + describe_pools(db) + ")");
    }
    return id;
  }
  if (observer_url) {
    id = find_pool(db, "observer_url_sha256 = ?", sha256_hex(*observer_url), &label);
    if (!id) return std::nullopt;
  } else {
    SQLite::Statement pools(db, "SELECT id, account_name IS NULL FROM pool ORDER BY id");
    std::vector<int64_t> ids;
    bool any_unlabelled = false;
    while (pools.executeStep()) {
      ids.push_back(pools.getColumn(0).getInt64());
      any_unlabelled = any_unlabelled || pools.getColumn(1).getInt() != 0;
    }
    if (!any_unlabelled) return std::nullopt;
    if (ids.size() != 1) {
      throw Error(ExitCode::usage, "no pool labelled '" + account + "' in " + cache.path() + " (" +
                                       describe_pools(db) +
                                       "); pass --observer-url to bind an unlabelled one");
    }
    id = ids.front();
  }
  if (label) {
    throw Error(ExitCode::usage, "the pool " + redacted_url(*observer_url) + " is labelled '" +
                                     *label + "', not '" + account + "'");
  }
  if (may_label) {
    cache.write_transaction([&] {
      SQLite::Statement bind(db, "UPDATE pool SET account_name = ? WHERE id = ?");
      bind.bind(1, account);
      bind.bind(2, *id);
      bind.exec();
    });
  }
  return id;
}

}  // namespace

std::optional<int64_t> resolve_pool(Cache& cache, const std::string& account,
                                    const std::optional<std::string>& observer_url,
                                    bool may_label) {
  try {
    return resolve_pool_unwrapped(cache, account, observer_url, may_label);
  } catch (...) {
    cache.rethrow_as_cache_error("reading");
  }
}

std::string not_stored_yet(Cache& cache, const std::string& account,
                           const std::optional<std::string>& observer_url) {
  try {
    return "nothing to upload for " + account + ": kzscrape has not stored " +
           (observer_url ? redacted_url(*observer_url) : std::string("it")) +
           " yet (known pools: " + describe_pools(cache.db()) + ")";
  } catch (...) {
    cache.rethrow_as_cache_error("reading");
  }
}

std::string no_cache_yet(const std::string& db_path) {
  return "nothing to upload: there is no cache " + db_path +
         " yet (kzscrape creates it on its first run; or pass --db)";
}

}  // namespace kz
