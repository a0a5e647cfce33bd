// Failures a full disk kept out of the cache are recorded by the next run, once (issue 11).
#include "scrape/unrecorded_runs.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sha256.hpp"
#include "scrape/scrape_job.hpp"
#include "support/page_server.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class UnrecordedRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_unrecorded_runs_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "cache.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  int64_t count(const std::string& sql) {
    Cache cache(db_);
    return cache.db().execAndGet(sql).getInt64();
  }

  fs::path dir_;
  std::string db_;
  FixedClock clock_{TimePoint{std::chrono::seconds(1'795'000'000)}};
};

UnrecordedFailure at_ms(const std::string& pool, TimePoint started, int ms) {
  return {pool, started, started + std::chrono::milliseconds(ms), 5,
          "cache x: writing: database or disk is full"};
}

TEST_F(UnrecordedRunsTest, RecordingTwiceRecordsOnceAndFailuresOfOneSecondStayApart) {
  Cache cache(db_);
  SnapshotStore snapshots(cache);
  const TimePoint t = clock_.now();
  for (int failures = 1; failures <= 4; ++failures) {
    std::vector<UnrecordedFailure> noted;
    const std::string pool = "http://p" + std::to_string(failures);
    for (int i = 0; i < failures; ++i) noted.push_back(at_ms(pool, t, 100 * i + 1));
    for (int again = 0; again < 3; ++again) {
      cache.write_transaction([&] {
        const int64_t id = snapshots.ensure_pool(pool, std::nullopt, t);
        record_unrecorded_runs(cache, snapshots, id, noted);
        EXPECT_EQ(snapshots.failed_runs_in_a_row(id), failures);
      });
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND exit_code = 5"),
            1 + 2 + 3 + 4);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE error NOT LIKE"
                  " 'the previous run could not write: disk full (at 2026-%.%Z: cache x: %)'"),
            0);
}

TEST_F(UnrecordedRunsTest, AJobRecordsTheNotedFailuresOfItsPoolOnlyAndClearsThem) {
  test::PageServer server;
  server.set("/o", {test::Step::ok(test::read_test_data("observer_en_60.html"))});
  const UnrecordedFailures note(db_);
  note.reserve();
  const TimePoint earlier = clock_.now() - 10min;
  // kzscrape names a pool in the note by the SHA-256 of its observer URL, never the URL itself.
  const std::string pool = sha256_hex(server.url("/o"));
  const std::string another = sha256_hex("http://another");
  ASSERT_TRUE(note.add(at_ms(pool, earlier, 5)));
  ASSERT_TRUE(note.add(at_ms(another, earlier, 6)));
  ASSERT_TRUE(note.add(at_ms(pool, earlier + 1s, 7)));

  ScrapeOptions options;
  options.observer_url = server.url("/o");
  options.db_path = db_;
  CurlTransport transport(options.http);
  ScrapeJob job(options, transport, clock_, [](std::chrono::milliseconds) {});
  std::ostringstream out;
  job.run(out);

  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'ok' AND id = (SELECT max(id)"
                  " FROM scrape_run)"),
            1);
  EXPECT_TRUE(note.for_pool(pool).empty());
  EXPECT_EQ(note.for_pool(another).size(), 1u);
  std::ifstream file(note.path());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("http://another"), std::string::npos);
  EXPECT_EQ(fs::file_size(note.path()), UnrecordedFailures::kSize);
}

}  // namespace
}  // namespace kz
