// The note of failures a full disk kept out of the cache (issue 11).
#include "common/unrecorded_failure.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

namespace kz {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class UnrecordedFailuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_unrecorded_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string cache() const { return (dir_ / "cache.db").string(); }

  fs::path dir_;
};

UnrecordedFailure failure(const std::string& pool, int second, const std::string& error) {
  const TimePoint at = TimePoint{std::chrono::seconds(1'795'000'000 + second)};
  return {pool, at, at + 2s + std::chrono::milliseconds(second * 7 % 1000), 5, error};
}

TEST_F(UnrecordedFailuresTest, WithoutReservedSpaceNothingIsNotedAndNothingRead) {
  const UnrecordedFailures note(cache());
  EXPECT_EQ(note.path(), cache() + ".unrecorded-failures");
  EXPECT_FALSE(note.add(failure("http://a", 0, "disk full")));
  EXPECT_TRUE(note.for_pool("http://a").empty());
  EXPECT_FALSE(fs::exists(note.path()));
}

TEST_F(UnrecordedFailuresTest, ReserveMakesTheWholeFileOnceAndKeepsItsSize) {
  const UnrecordedFailures note(cache());
  note.reserve();
  EXPECT_EQ(fs::file_size(note.path()), UnrecordedFailures::kSize);
  ASSERT_TRUE(note.add(failure("http://a", 0, "x")));
  note.reserve();
  EXPECT_EQ(fs::file_size(note.path()), UnrecordedFailures::kSize);
  EXPECT_EQ(note.for_pool("http://a").size(), 1u);
}

TEST_F(UnrecordedFailuresTest, GeneratedFailuresOfManyPoolsComeBackPerPoolAndGoWhenRemoved) {
  std::mt19937 random(11);
  for (int round = 0; round < 5; ++round) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const UnrecordedFailures note(cache());
    note.reserve();
    const int pools = 1 + static_cast<int>(random() % 6);
    std::map<std::string, std::vector<UnrecordedFailure>> expected;
    for (int i = 0; i < 12; ++i) {
      const std::string pool = "https://btcpool.kz/observer/" + std::to_string(random() % pools);
      auto f = failure(
          pool, i, "cache /x/cache.db: writing: database or disk is full #" + std::to_string(i));
      ASSERT_TRUE(note.add(f));
      expected[pool].push_back(f);
    }
    for (const auto& [pool, failures] : expected) EXPECT_EQ(note.for_pool(pool), failures);
    const std::string first = expected.begin()->first;
    note.remove(expected[first]);
    EXPECT_TRUE(note.for_pool(first).empty());
    for (const auto& [pool, failures] : expected) {
      if (pool != first) {
        EXPECT_EQ(note.for_pool(pool), failures) << pool;
      }
    }
    EXPECT_EQ(fs::file_size(note.path()), UnrecordedFailures::kSize);
  }
}

TEST_F(UnrecordedFailuresTest, LineBreaksAndTabsInAnErrorCannotForgeAnEntry) {
  const UnrecordedFailures note(cache());
  note.reserve();
  ASSERT_TRUE(note.add(
      failure("http://a", 0, "boom\n2026-01-01T00:00:00Z\t2026-01-01T00:00:00Z\t5\thttp://b\tx")));
  EXPECT_TRUE(note.for_pool("http://b").empty());
  const auto a = note.for_pool("http://a");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].error.find('\n'), std::string::npos);
  EXPECT_EQ(a[0].error.find('\t'), std::string::npos);
}

TEST_F(UnrecordedFailuresTest, AFullNoteRefusesMoreAndKeepsWhatItHas) {
  const UnrecordedFailures note(cache());
  note.reserve();
  const std::string long_error(4000, 'e');
  int added = 0;
  while (note.add(failure("http://a", added, long_error))) ++added;
  EXPECT_GT(added, 10);
  EXPECT_LT(added, static_cast<int>(UnrecordedFailures::kSize / 4000) + 1);
  EXPECT_EQ(note.for_pool("http://a").size(), static_cast<size_t>(added));
  EXPECT_EQ(fs::file_size(note.path()), UnrecordedFailures::kSize);
}

TEST_F(UnrecordedFailuresTest, ThreadsAddingAtOnceLoseNoEntry) {
  const UnrecordedFailures note(cache());
  note.reserve();
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(note.add(failure("http://p" + std::to_string(t), i, "disk full")));
      }
    });
  }
  threads.clear();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(note.for_pool("http://p" + std::to_string(t)).size(), 10u);
}

}  // namespace
}  // namespace kz
