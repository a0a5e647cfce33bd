#pragma once

#include <ostream>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "common/pool_config.hpp"
#include "upload/shared_batch.hpp"
#include "upload/upload_options.hpp"

namespace kz {

// The pool's upload as read from the cache. With options.retry_rejected (and
// not a dry run) its set-aside rows are pending again first; otherwise a
// warning says how many earlier runs set aside. Throws kz::Error(cache_failed).
PoolUpload open_pool_upload(Cache& cache, const UploadOptions& options, int64_t pool_id);

// The error of a pool whose rows were set aside in this run (exit 6), naming them.
Error set_aside_error(const PoolUpload& pool);

BatchLimits batch_limits(const UploadOptions& options);

// The options of one pool of a pools file: its account name, labels and observer URL.
UploadOptions options_for_pool(const UploadOptions& base, const PoolConfig& pool);

// kzupload --config: uploads the pools within one deadline (base.timeout),
// each table in batches shared by all pools (upload_tables): 100 pools with
// one new snapshot each take one request per table (per --batch-size rows, and
// per set of columns: pools without a label send rows without that key), not
// one per pool and table. A failing pool never stops the others: a refused
// batch is sent again pool by pool, and only the pools whose rows are refused
// fail; a batch that fails transiently fails the pools in it and leaves their
// rows pending. A failed pool sends nothing more. Each failure is logged as
// "<account>: <error>". A pool kzscrape has not stored yet has nothing to
// upload, nor has any pool when the cache file does not exist. Returns a single pool's own code,
// else ok, some_pools_failed or all_pools_failed.
ExitCode upload_pools(const UploadOptions& base, const std::vector<PoolConfig>& pools,
                      HttpTransport& transport, const Clock& clock, const Sleeper& sleeper,
                      std::ostream& out);

}  // namespace kz
