// Worker counts are 64-bit from the page to the cache, the alerts and the JSON: counts near and
// past the 32-bit limits neither overflow nor wrap (the test build halts on UBSan reports).

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <string>

#include "common/cache.hpp"
#include "scrape/alerts/anomaly_rules.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/page_json.hpp"
#include "scrape/btcpool_api/pool_api_mapping.hpp"
#include "scrape/snapshot_store.hpp"
#include "support/page_generator.hpp"
#include "support/pool_api_server.hpp"

namespace kz {
namespace {

using namespace std::chrono;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Counts near the 32-bit and 64-bit limits, and their neighbours.
std::vector<int64_t> wide_counts() {
  return {2147483646, 2147483647, 2147483648,    4294967295,
          4294967296, 4294967297, kInt64Max - 1, kInt64Max};
}

Finding offline_finding(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    if (f.key.type == "offline_workers") return f;
  }
  throw std::runtime_error("no offline_workers finding");
}

TEST(CountWidth, OfflineRuleCountsTheFleetIn64Bits) {
  for (const int64_t online : wide_counts()) {
    for (const int64_t offline : {int64_t{1}, int64_t{2147483647}, kInt64Max}) {
      ObserverPage page;
      page.online_workers = online;
      page.offline_workers = offline;
      RuleContext context;
      context.page = &page;
      const Finding finding = offline_finding(evaluate_rules(context, {}, {}));
      // The fleet saturates at INT64_MAX instead of wrapping.
      const int64_t fleet = online > kInt64Max - offline ? kInt64Max : online + offline;
      EXPECT_EQ(finding.message.substr(0, finding.message.find(" workers")),
                std::to_string(offline) + " of " + std::to_string(fleet))
          << finding.message;
      EXPECT_EQ(finding.message.find('-'), std::string::npos) << finding.message;
    }
  }
}

TEST(CountWidth, ParsedCardsKeepEveryDigit) {
  uint32_t seed = 0;
  for (const int64_t count : wide_counts()) {
    test::Variant variant;
    variant.locale = ++seed % 2 ? "ru" : "en";
    variant.thousands = seed % 3 ? test::Thousands::narrow_nbsp : test::Thousands::punctuation;
    ObserverPage model = test::make_model(4, seed);
    model.offline_workers = count;
    const ObserverPage page = parse_observer_page(test::render_page(model, variant));
    EXPECT_EQ(page.offline_workers, count);
    EXPECT_EQ(page_to_json(page)["offline_workers"].get<int64_t>(), count);
    EXPECT_FALSE(page.workers_complete());
  }
}

TEST(CountWidth, ApiCountsKeepEveryDigit) {
  for (const int64_t count : wide_counts()) {
    nlohmann::json summary = test::api_summary(1, 1, "1000", "1000", "0.1");
    summary["active_workers"] = std::to_string(count);
    summary["unactive_workers"] = std::to_string(kInt64Max - count);
    ObserverPage page;
    map_summary(summary, page);
    EXPECT_EQ(page.online_workers, count);
    EXPECT_EQ(page.offline_workers, kInt64Max - count);
    EXPECT_FALSE(page.workers_complete());
  }
}

TEST(CountWidth, TheCacheStoresCountsPast32Bits) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("kz_counts_" + std::to_string(::getpid()) + ".db"))
          .string();
  std::filesystem::remove(path);
  {
    Cache cache(path);
    SnapshotStore store(cache);
    const TimePoint now = sys_days{2026y / November / 22} + 10h;
    int64_t second = 0;
    for (const int64_t count : wide_counts()) {
      ObserverPage page = test::make_model(3, 5);
      page.online_workers = count;
      page.offline_workers = kInt64Max - count;
      cache.write_transaction([&] {
        const int64_t pool = store.ensure_pool("https://btcpool.kz/o/counts", "KZ", now);
        store.insert_snapshot(pool, page, now + seconds{++second}, minutes{300});
      });
      EXPECT_EQ(cache.db()
                    .execAndGet("SELECT online_workers FROM snapshot ORDER BY id DESC LIMIT 1")
                    .getInt64(),
                count);
      EXPECT_EQ(cache.db()
                    .execAndGet("SELECT offline_workers FROM snapshot ORDER BY id DESC LIMIT 1")
                    .getInt64(),
                kInt64Max - count);
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace kz
