#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/cache.hpp"

namespace kz {

// The pool kzupload works on. --account selects the pool labelled so; else
// --observer-url picks (and labels) an unlabelled one; else a cache holding a
// single unlabelled pool gets the label. Labelling is skipped on a dry run. A pool is found
// by the SHA-256 of its full observer URL (pool.observer_url_sha256); messages name the URL
// redacted.
// Returns nullopt when kzscrape has not stored the pool yet (a fresh install
// whose first scrape failed): nothing to upload, not an error. Throws
// kz::Error(usage) when the choice is wrong rather than early: the account
// belongs to another observer URL, the URL's pool has another label, or the
// cache holds unlabelled pools and no --observer-url says which one; and
// kz::Error(cache_failed) when the cache cannot be read.
std::optional<int64_t> resolve_pool(Cache& cache, const std::string& account,
                                    const std::optional<std::string>& observer_url, bool may_label);

// The info line for a pool resolve_pool did not find: "nothing to upload for
// KZPool_001: kzscrape has not stored it yet (known pools: <url> (KZPool_002))".
std::string not_stored_yet(Cache& cache, const std::string& account,
                           const std::optional<std::string>& observer_url);

// The info line when the cache file does not exist: kzupload never creates one.
std::string no_cache_yet(const std::string& db_path);

}  // namespace kz
