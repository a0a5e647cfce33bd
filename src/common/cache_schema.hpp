#pragma once

#include <vector>

namespace kz {

// Migration i (0-based) brings the cache from user_version i to i + 1.
// Append only: a released migration is never edited.
const std::vector<const char*>& cache_migrations();

}  // namespace kz
