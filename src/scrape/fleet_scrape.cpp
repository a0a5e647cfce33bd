#include "scrape/fleet_scrape.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <optional>
#include <sstream>
#include <thread>

#include "common/logging.hpp"
#include "common/url_text.hpp"

namespace kz {

ScrapeOptions options_for_pool(const ScrapeOptions& base, const PoolConfig& pool) {
  ScrapeOptions options = base;
  options.observer_url = pool.observer_url;
  options.account_name = pool.account_name;
  if (pool.page_tz) options.page_utc_offset = *parse_utc_offset(*pool.page_tz);
  const ThresholdSettings& set = pool.thresholds;
  AlertThresholds& t = options.thresholds;
  if (set.offline_high_count) t.offline_high_count = *set.offline_high_count;
  if (set.offline_high_percent) t.offline_high_fraction = *set.offline_high_percent / 100;
  if (set.drop_medium_percent) t.drop_medium_fraction = *set.drop_medium_percent / 100;
  if (set.drop_high_percent) t.drop_high_fraction = *set.drop_high_percent / 100;
  if (set.drop_resolve_percent) t.drop_resolve_fraction = *set.drop_resolve_percent / 100;
  if (set.baseline_minutes) t.baseline_window_minutes = *set.baseline_minutes;
  if (set.baseline_min_snapshots) t.baseline_min_snapshots = *set.baseline_min_snapshots;
  if (set.failed_runs) t.scrape_failed_after = *set.failed_runs;
  return options;
}

namespace {

// A browser per pool would not fit in memory with 100 pools; one at a time does.
class OneAtATimeRenderer : public PageRenderer {
 public:
  explicit OneAtATimeRenderer(PageRenderer& inner) : inner_(inner) {}
  std::string render(const std::string& url, std::chrono::milliseconds timeout,
                     std::chrono::minutes utc_offset) override {
    std::lock_guard lock(mutex_);
    return inner_.render(url, timeout, utc_offset);
  }

 private:
  PageRenderer& inner_;
  std::mutex mutex_;
};

}  // namespace

std::vector<PoolOutcome> scrape_fleet(const std::vector<ScrapeOptions>& pools, int concurrency,
                                      const TransportFactory& make_transport, const Clock& clock,
                                      const Sleeper& sleeper, PageRenderer* renderer) {
  std::optional<OneAtATimeRenderer> shared_renderer;
  if (renderer) shared_renderer.emplace(*renderer);
  std::vector<PoolOutcome> outcomes(pools.size());
  std::atomic<size_t> next{0};
  std::mutex write_lock, parse_lock;
  auto worker = [&] {
    for (size_t i = next++; i < pools.size(); i = next++) {
      const ScrapeOptions& options = pools[i];
      PoolOutcome& outcome = outcomes[i];
      outcome.account_name = options.account_name.value_or(redacted_url(options.observer_url));
      const LogPoolScope scope(outcome.account_name);
      try {
        auto transport = make_transport(options.http);
        ScrapeJob job(options, *transport, clock, sleeper,
                      shared_renderer ? &*shared_renderer : nullptr);
        job.share_write_lock(write_lock);
        job.share_parse_lock(parse_lock);
        std::ostringstream dry_run_output;
        job.run(dry_run_output);
      } catch (const Error& e) {
        outcome.code = e.code();
        outcome.error = e.what();
        spdlog::error("{}", outcome.error);
      } catch (const std::exception& e) {
        outcome.code = ExitCode::internal;
        outcome.error = std::string("internal: ") + e.what();
        spdlog::error("{}", outcome.error);
      }
    }
  };
  const size_t threads = std::min(pools.size(), static_cast<size_t>(std::max(1, concurrency)));
  std::vector<std::jthread> running;
  for (size_t i = 1; i < threads; ++i) running.emplace_back(worker);
  worker();
  return outcomes;
}

ExitCode fleet_exit_code(const std::vector<PoolOutcome>& outcomes) {
  if (outcomes.size() == 1) return outcomes.front().code;
  size_t failed = 0;
  for (const PoolOutcome& outcome : outcomes) failed += outcome.code != ExitCode::ok;
  if (failed == 0) return ExitCode::ok;
  return failed == outcomes.size() ? ExitCode::all_pools_failed : ExitCode::some_pools_failed;
}

}  // namespace kz
