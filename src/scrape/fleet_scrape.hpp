#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/http.hpp"
#include "common/pool_config.hpp"
#include "scrape/scrape_job.hpp"

namespace kz {

// The options of one pool from the config file, on top of the command line's.
ScrapeOptions options_for_pool(const ScrapeOptions& base, const PoolConfig& pool);

struct PoolOutcome {
  std::string account_name;
  ExitCode code = ExitCode::ok;
  std::string error;
};

using TransportFactory = std::function<std::unique_ptr<HttpTransport>(const HttpOptions&)>;

// Scrapes every pool, at most `concurrency` at a time (the work waits on the
// network, not the CPU). One failing pool never stops the others; each
// pool's run is recorded in the cache by its own job. Pages that need the
// renderer (may be null) are rendered one at a time. After SIGINT/SIGTERM
// (termination.hpp) the pools not yet started do not start: their jobs only
// record a failed run "terminated by SIGTERM before it started".
std::vector<PoolOutcome> scrape_fleet(const std::vector<ScrapeOptions>& pools, int concurrency,
                                      const TransportFactory& make_transport, const Clock& clock,
                                      const Sleeper& sleeper, PageRenderer* renderer);

// ok when all succeeded; some_pools_failed; all_pools_failed. A single pool
// keeps its own code.
ExitCode fleet_exit_code(const std::vector<PoolOutcome>& outcomes);

}  // namespace kz
