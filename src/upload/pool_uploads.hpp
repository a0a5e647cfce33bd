#pragma once

#include <ostream>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "common/pool_config.hpp"
#include "upload/upload_options.hpp"

namespace kz {

// The options of one pool of a pools file: its account name, labels and observer URL.
UploadOptions options_for_pool(const UploadOptions& base, const PoolConfig& pool);

// kzupload --config: uploads the pools one after the other within one deadline
// (base.timeout). One failing pool never stops the others; each failure is
// logged as "<account>: <error>". A pool kzscrape has not stored yet has
// nothing to upload. Returns a single pool's own code, else ok,
// some_pools_failed or all_pools_failed.
ExitCode upload_pools(const UploadOptions& base, const std::vector<PoolConfig>& pools,
                      HttpTransport& transport, const Clock& clock, const Sleeper& sleeper,
                      std::ostream& out);

}  // namespace kz
