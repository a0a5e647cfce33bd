#include "upload/upload_job.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <vector>

#include "common/cache.hpp"
#include "common/error.hpp"
#include "upload/pending_pool_stats.hpp"
#include "upload/pool_selection.hpp"
#include "upload/pool_uploads.hpp"
#include "upload/shared_batch.hpp"
#include "common/cache_lock.hpp"

namespace kz {

PostgrestConfig postgrest_config(const UploadOptions& options,
                                 std::chrono::steady_clock::time_point started) {
  PostgrestConfig config;
  config.base_url = options.dry_run && options.supabase_url.empty()
                        ? "https://<project>.supabase.co"
                        : normalize_supabase_url(options.supabase_url);
  config.service_key = options.service_key;
  config.http = options.http;
  config.http.total_timeout = options.request_timeout;
  config.deadline = options.deadline.value_or(started + options.timeout);
  return config;
}

bool has_pending(PendingRows& pending) {
  return pending.has_snapshots() || pending.has_income() || pending.has_alerts() ||
         pending.has_payments() || pending.has_devices_to_resend() || pending.has_api_calls();
}

std::string describe_upload(const UploadOptions& options, const UploadSummary& summary) {
  const auto optional = [](const char* table, std::size_t rows) {
    return rows ? fmt::format(", {} {}", table, rows) : std::string();
  };
  return fmt::format(
      "{}{}: accounts 1, hashrates {}, devices {} ({} new), income_tracking {}, alerts {}{}{}{}",
      options.dry_run ? "dry run, nothing sent for " : "uploaded ", options.labels.account,
      summary.hashrates, summary.devices, summary.new_devices, summary.income, summary.alerts,
      optional("payments", summary.payments), optional("api_call_logs", summary.api_call_logs),
      optional("pool_stats", summary.pool_stats));
}

UploadSummary UploadJob::run(std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  if (!std::filesystem::exists(options_.db_path)) {
    spdlog::info("{}", no_cache_yet(options_.db_path));
    return {};
  }
  Cache cache(options_.db_path);
  std::optional<UploadLock> lock;
  if (!options_.dry_run) lock.emplace(options_.db_path, options_.lock_wait, sleeper_);
  const std::optional<int64_t> pool_id =
      resolve_pool(cache, options_.labels.account, options_.observer_url, !options_.dry_run);
  if (!pool_id) {
    spdlog::info("{}", not_stored_yet(cache, options_.labels.account, options_.observer_url));
    return {};
  }
  std::vector<PoolUpload> pools;
  pools.push_back(open_pool_upload(cache, options_, *pool_id));
  // The fleet's pool_stats go with any pool (upload_pool_stats).
  if (!has_pending(pools.front().pending) && !PendingPoolStats(cache).any()) {
    spdlog::info("nothing to upload for {}", options_.labels.account);
    return {};
  }

  PostgrestClient client(postgrest_config(options_, started), transport_, sleeper_,
                         options_.dry_run ? &out : nullptr);
  upload_tables(pools, cache, client, batch_limits(options_), !options_.dry_run, clock_);
  UploadSummary summary = pools.front().summary;
  summary.requests = client.requests();
  if (pools.front().error) {
    spdlog::debug(
        "before the failure: {} request(s); hashrates {}, devices {}, income {}, alerts {}",
        summary.requests, summary.hashrates, summary.devices, summary.income, summary.alerts);
    throw *pools.front().error;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  spdlog::info("{} in {} request(s), {} ms", describe_upload(options_, summary), summary.requests,
               took.count());
  if (!pools.front().set_aside.empty()) throw set_aside_error(pools.front());
  return summary;
}

}  // namespace kz
