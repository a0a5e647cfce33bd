#include "upload/pool_uploads.hpp"

#include <spdlog/spdlog.h>

#include "upload/upload_job.hpp"

namespace kz {
namespace {

std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

UploadOptions options_for_pool(const UploadOptions& base, const PoolConfig& pool) {
  UploadOptions options = base;
  options.labels.account = pool.account_name;
  options.labels.client = non_empty(pool.client);
  options.labels.company = non_empty(pool.company);
  options.labels.country = non_empty(pool.country);
  options.labels.site = non_empty(pool.site);
  options.observer_url = pool.observer_url;
  options.skip_unknown_pool = true;
  return options;
}

ExitCode upload_pools(const UploadOptions& base, const std::vector<PoolConfig>& pools,
                      HttpTransport& transport, const Clock& clock, const Sleeper& sleeper,
                      std::ostream& out) {
  const auto deadline = std::chrono::steady_clock::now() + base.timeout;
  std::size_t failed = 0;
  ExitCode last = ExitCode::ok;
  for (const PoolConfig& pool : pools) {
    UploadOptions options = options_for_pool(base, pool);
    options.deadline = deadline;
    try {
      UploadJob(std::move(options), transport, clock, sleeper).run(out);
    } catch (const Error& e) {
      ++failed;
      last = e.code();
      spdlog::error("{}: {}", pool.account_name, e.what());
    }
  }
  if (pools.size() == 1) return last;
  if (failed == 0) {
    spdlog::info("all {} pools uploaded", pools.size());
    return ExitCode::ok;
  }
  spdlog::error("{} of {} pools failed (see the lines above)", failed, pools.size());
  return failed == pools.size() ? ExitCode::all_pools_failed : ExitCode::some_pools_failed;
}

}  // namespace kz
