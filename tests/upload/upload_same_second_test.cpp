// Issue 10, item 6: snapshots of a pool taken in the same second stay distinct rows in
// Supabase's hashrates, keyed by a timestamp with milliseconds.
#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

using UploadSameSecond = StandInTest;

// 1 to 4 snapshots in each of a few seconds, as overlapping runs make them: every snapshot
// arrives once, at the millisecond the cache gave it.
TEST_F(UploadSameSecond, EverySnapshotIsItsOwnRow) {
  std::size_t snapshots = 0;
  for (int second = 0; second < 4; ++second) {
    for (int run = 0; run <= second; ++run) {
      ObserverPage page = make_pool_page(3);
      page.current_hashrate_hs = static_cast<double>(1000 * (second + 1) + run) * 1e12;
      cache().scrape(page);
      cache().clock().advance(-std::chrono::minutes(10));  // the same second again
      ++snapshots;
    }
    cache().clock().advance(std::chrono::seconds(1));
  }
  upload();
  EXPECT_EQ(count("hashrates"), static_cast<long>(snapshots));
  EXPECT_EQ(count("SELECT count(DISTINCT timestamp) FROM hashrates"), static_cast<long>(snapshots));
  // Each cache snapshot is there with its own time and value.
  SQLite::Statement select(cache().cache().db(),
                           "SELECT scraped_at, round(hashrate_current_ghs / 1e3) FROM snapshot");
  while (select.executeStep()) {
    const std::string at = select.getColumn(0).getString();
    EXPECT_EQ(at.size(), 24U) << at;
    EXPECT_EQ(value("SELECT hashrate_10m FROM hashrates WHERE timestamp = '" + at + "'"),
              std::to_string(select.getColumn(1).getInt64()))
        << at;
  }
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);
}

}  // namespace
}  // namespace kz::test
