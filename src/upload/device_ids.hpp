#pragma once

#include <cstdint>
#include <string>

#include "common/cache.hpp"

namespace kz {

// Gives every worker of the pool that has no Supabase device_id yet its id, and stores it in
// the cache (worker.device_id, unique across the cache), in first-seen order. The id is
// "KZ_{account}_{worker}" with spaces as "_" (what existing deployments hold in
// devices.device_id; "AP_{account}_{worker}" for a pool whose pool.source is 'antpool') unless
// another worker of the cache already holds it; then it gets a short stable suffix derived from the
// raw account and worker names, with a warning naming both workers. A stored id never changes.
// Throws kz::Error(ExitCode::cache_failed).
void assign_device_ids(Cache& cache, int64_t pool_id, const std::string& account);

}  // namespace kz
