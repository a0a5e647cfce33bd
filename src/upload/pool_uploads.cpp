#include "upload/pool_uploads.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/cache.hpp"
#include "common/cache_lock.hpp"
#include "common/logging.hpp"
#include "upload/pending_pool_stats.hpp"
#include "upload/pool_selection.hpp"
#include "upload/rejected_rows.hpp"
#include "upload/shared_batch.hpp"
#include "upload/upload_job.hpp"

namespace kz {
namespace {

std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

struct Outcome {
  std::size_t failed = 0;
  std::size_t only_set_aside = 0;  // failed pools whose only trouble is rows set aside
  ExitCode last = ExitCode::ok;

  void fail(const std::string& account, const Error& e) {
    ++failed;
    last = e.code();
    const LogPoolScope scope(account);
    spdlog::error("{}", e.what());
  }
};

// The pools with something pending; a pool that cannot be resolved fails on its own.
std::vector<PoolUpload> pending_pools(Cache& cache, const UploadOptions& base,
                                      const std::vector<PoolConfig>& pools, Outcome& outcome) {
  std::vector<PoolUpload> uploads;
  uploads.reserve(pools.size());
  std::optional<PoolUpload> idle;  // carries the fleet's pool_stats when no pool has rows
  for (const PoolConfig& pool : pools) {
    const UploadOptions options = options_for_pool(base, pool);
    try {
      const std::optional<int64_t> id =
          resolve_pool(cache, options.labels.account, options.observer_url, !options.dry_run);
      if (!id) {
        spdlog::info("{}", not_stored_yet(cache, options.labels.account, options.observer_url));
        continue;
      }
      PoolUpload upload = open_pool_upload(cache, options, *id);
      if (!has_pending(upload.pending)) {
        spdlog::info("nothing to upload for {}", options.labels.account);
        if (!idle) idle.emplace(std::move(upload));
        continue;
      }
      uploads.push_back(std::move(upload));
    } catch (const Error& e) {
      outcome.fail(pool.account_name, e);
    }
  }
  try {
    if (uploads.empty() && idle && PendingPoolStats(cache).any())
      uploads.push_back(std::move(*idle));
  } catch (const Error& e) {
    outcome.fail(idle->labels.account, e);
  }
  return uploads;
}

void upload_all(const UploadOptions& base, const std::vector<PoolConfig>& pools,
                HttpTransport& transport, const Clock& clock, const Sleeper& sleeper,
                std::ostream& out, Outcome& outcome) {
  const auto started = std::chrono::steady_clock::now();
  Cache cache(base.db_path);
  std::optional<UploadLock> lock;
  if (!base.dry_run) lock.emplace(base.db_path, base.lock_wait, sleeper);
  std::vector<PoolUpload> uploads = pending_pools(cache, base, pools, outcome);
  if (uploads.empty()) return;
  PostgrestClient client(postgrest_config(base, started), transport, sleeper,
                         base.dry_run ? &out : nullptr);
  try {
    upload_tables(uploads, cache, client, batch_limits(base), !base.dry_run, clock);
  } catch (const Error& e) {  // the cache: every pool not stopped yet fails with it
    for (PoolUpload& upload : uploads) {
      if (!upload.failed()) upload.error = e;
    }
  }
  std::size_t uploaded = 0;
  for (const PoolUpload& upload : uploads) {
    if (upload.failed()) {
      outcome.fail(upload.labels.account, *upload.error);
      continue;
    }
    UploadOptions options = base;
    options.labels = upload.labels;
    spdlog::info("{}", describe_upload(options, upload.summary));
    if (!upload.set_aside.empty()) {
      outcome.fail(upload.labels.account, set_aside_error(upload));
      ++outcome.only_set_aside;
      continue;
    }
    ++uploaded;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  spdlog::info("{} of {} pool(s) with pending rows uploaded in {} request(s), {} ms", uploaded,
               uploads.size(), client.requests(), took.count());
}

}  // namespace

PoolUpload open_pool_upload(Cache& cache, const UploadOptions& options, int64_t pool_id) {
  RejectedRows rejected(cache);
  const LogPoolScope scope(options.labels.account);
  if (const std::size_t earlier = rejected.count(pool_id); earlier > 0) {
    if (options.retry_rejected && !options.dry_run) {
      rejected.clear(pool_id);
      spdlog::info("{} row(s) set aside earlier are pending again (--retry-rejected)", earlier);
    } else {
      spdlog::warn(
          "{} row(s) set aside by earlier runs wait (see v_upload_rejected); after a "
          "fix, run kzupload --retry-rejected",
          earlier);
    }
  }
  return PoolUpload{options.labels, pool_id, PendingRows(cache, pool_id), {}, {}, {}};
}

Error set_aside_error(const PoolUpload& pool) {
  std::string message = "set aside " + std::to_string(pool.set_aside.size()) +
                        " row(s) that Supabase refuses, the rest got in: " + pool.set_aside.front();
  if (pool.set_aside.size() > 1) {
    message += " (and " + std::to_string(pool.set_aside.size() - 1) + " more)";
  }
  message +=
      "; see v_upload_rejected; after a fix, run kzupload again with the same options "
      "and --retry-rejected";
  return Error(ExitCode::upload_rejected, message);
}

BatchLimits batch_limits(const UploadOptions& options) {
  return {options.batch_size, options.max_request_bytes};
}

UploadOptions options_for_pool(const UploadOptions& base, const PoolConfig& pool) {
  UploadOptions options = base;
  options.labels.account = pool.account_name;
  options.labels.client = non_empty(pool.client);
  options.labels.company = non_empty(pool.company);
  options.labels.country = non_empty(pool.country);
  options.labels.site = non_empty(pool.site);
  options.observer_url = pool.observer_url;
  return options;
}

ExitCode upload_pools(const UploadOptions& base, const std::vector<PoolConfig>& pools,
                      HttpTransport& transport, const Clock& clock, const Sleeper& sleeper,
                      std::ostream& out) {
  Outcome outcome;
  try {
    if (!std::filesystem::exists(base.db_path)) {
      spdlog::info("{}", no_cache_yet(base.db_path));
      return ExitCode::ok;
    }
    upload_all(base, pools, transport, clock, sleeper, out, outcome);
  } catch (const Error& e) {  // the cache cannot be opened: no pool can be uploaded
    outcome = {};
    for (const PoolConfig& pool : pools) outcome.fail(pool.account_name, e);
  }
  if (pools.size() == 1) return outcome.last;
  if (outcome.failed == 0) {
    spdlog::info("all {} pools uploaded", pools.size());
    return ExitCode::ok;
  }
  if (outcome.failed == outcome.only_set_aside) {
    spdlog::error("{} of {} pools had rows set aside (see the lines above); everything else got in",
                  outcome.failed, pools.size());
    return ExitCode::upload_rejected;
  }
  spdlog::error("{} of {} pools failed (see the lines above)", outcome.failed, pools.size());
  return outcome.failed == pools.size() ? ExitCode::all_pools_failed : ExitCode::some_pools_failed;
}

}  // namespace kz
