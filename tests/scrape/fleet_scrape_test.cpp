#include "scrape/fleet_scrape.hpp"

#include <gtest/gtest.h>

namespace kz {
namespace {

using namespace std::chrono;

TEST(FleetScrape, PoolSettingsOverrideTheCommandLine) {
  ScrapeOptions base;
  base.db_path = "shared.db";
  base.thresholds.scrape_failed_after = 3;
  base.thresholds.offline_high_count = 7;
  PoolConfig pool;
  pool.account_name = "KZPool_9";
  pool.observer_url = "https://btcpool.kz/observer-link/x";
  pool.page_tz = "+06:00";
  pool.thresholds.failed_runs = 6;
  pool.thresholds.drop_high_percent = 45;
  const ScrapeOptions options = options_for_pool(base, pool);
  EXPECT_EQ(options.observer_url, pool.observer_url);
  EXPECT_EQ(options.account_name, "KZPool_9");
  EXPECT_EQ(options.db_path, "shared.db");
  EXPECT_EQ(options.page_utc_offset, minutes{360});
  EXPECT_EQ(options.thresholds.scrape_failed_after, 6);
  EXPECT_DOUBLE_EQ(options.thresholds.drop_high_fraction, 0.45);
  EXPECT_EQ(options.thresholds.offline_high_count, 7);  // not overridden
}

TEST(FleetScrape, ExitCodeSaysAllSomeOrNone) {
  const PoolOutcome ok{"a", ExitCode::ok, ""};
  const PoolOutcome failed{"b", ExitCode::fetch_failed, "x"};
  EXPECT_EQ(fleet_exit_code({ok, ok}), ExitCode::ok);
  EXPECT_EQ(fleet_exit_code({ok, failed}), ExitCode::some_pools_failed);
  EXPECT_EQ(fleet_exit_code({failed, failed}), ExitCode::all_pools_failed);
  EXPECT_EQ(fleet_exit_code({failed}), ExitCode::fetch_failed);
}

}  // namespace
}  // namespace kz
