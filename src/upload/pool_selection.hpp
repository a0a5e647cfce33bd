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
int64_t resolve_pool(Cache& cache, const std::string& account,
                     const std::optional<std::string>& observer_url, bool may_label);

// Whether the cache holds a pool labelled `account` or with `observer_url`.
bool pool_in_cache(Cache& cache, const std::string& account,
                   const std::optional<std::string>& observer_url);

}  // namespace kz
