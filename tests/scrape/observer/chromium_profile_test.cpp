// Stale Chromium profiles (issue 11): a profile whose owner is gone is removed by the next
// sweep; a live one, anything not named like a profile, and symlinks are left alone.
#include "scrape/observer/chromium_profile.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace kz {
namespace {

namespace fs = std::filesystem;

class ChromiumProfileSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_profiles_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A profile made by a child process that then dies without any cleanup, as under kill -9.
  fs::path profile_of_a_dead_process() {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(pipe_fds[0]);
      auto* profile = new ChromiumProfile(dir_);  // never destroyed
      const std::string path = profile->path();
      [[maybe_unused]] auto written = ::write(pipe_fds[1], path.data(), path.size());
      ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string path;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) path.append(buffer, n);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return path;
  }

  // A profile-shaped folder with a chromium-like file in it and an unlocked lock file.
  fs::path unlocked_profile(const std::string& suffix) {
    const fs::path path = dir_ / ("kzscrape-chromium-" + suffix);
    fs::create_directories(path / "Default");
    std::ofstream(path / "Default" / "Preferences") << "{}";
    std::ofstream(path / "kzscrape.lock");
    return path;
  }

  fs::path dir_;
};

TEST_F(ChromiumProfileSweep, AProfileIsRemovedWithItsOwnerObject) {
  std::string path;
  {
    ChromiumProfile profile(dir_);
    path = profile.path();
    EXPECT_TRUE(fs::is_directory(path));
    EXPECT_TRUE(fs::path(path).filename().string().starts_with("kzscrape-chromium-"));
    EXPECT_TRUE(fs::exists(fs::path(path) / "kzscrape.lock"));
    EXPECT_EQ(remove_stale_chromium_profiles(dir_), 0) << "its owner is alive";
    EXPECT_TRUE(fs::is_directory(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(ChromiumProfileSweep, ProfilesOfDeadProcessesGoAndLiveOnesStay) {
  std::mt19937 random(std::random_device{}());
  for (int round = 0; round < 4; ++round) {
    const int dead = 1 + static_cast<int>(random() % 4);
    const int live = static_cast<int>(random() % 3);
    std::vector<fs::path> dead_paths;
    for (int i = 0; i < dead; ++i) dead_paths.push_back(profile_of_a_dead_process());
    std::vector<std::unique_ptr<ChromiumProfile>> live_profiles;
    for (int i = 0; i < live; ++i) live_profiles.push_back(std::make_unique<ChromiumProfile>(dir_));
    for (const auto& path : dead_paths) ASSERT_TRUE(fs::is_directory(path)) << path;

    EXPECT_EQ(remove_stale_chromium_profiles(dir_), dead) << "round " << round;
    for (const auto& path : dead_paths) EXPECT_FALSE(fs::exists(path)) << path;
    for (const auto& profile : live_profiles) EXPECT_TRUE(fs::is_directory(profile->path()));
  }
}

TEST_F(ChromiumProfileSweep, AProfileWhoseLockThisTestHoldsIsKept) {
  const fs::path held = unlocked_profile("held01");
  const int fd = ::open((held / "kzscrape.lock").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const fs::path free = unlocked_profile("free01");
  EXPECT_EQ(remove_stale_chromium_profiles(dir_), 1);
  EXPECT_TRUE(fs::exists(held / "Default" / "Preferences"));
  EXPECT_FALSE(fs::exists(free));
  ::close(fd);
  EXPECT_EQ(remove_stale_chromium_profiles(dir_), 1);
  EXPECT_FALSE(fs::exists(held));
}

TEST_F(ChromiumProfileSweep, OnlyDirectoriesNamedLikeAProfileAreTouched) {
  // Unlocked lock files everywhere: only the name and the kind of entry protect these.
  std::vector<fs::path> kept;
  for (const std::string name :
       {"kzscrape-chromium-", "kzscrape-chromium-abc", "kzscrape-chromium-abcdefg",
        "kzscrape-chromiumXabcdef", "other-abcdef", "Kzscrape-chromium-abcdef"}) {
    fs::create_directories(dir_ / name);
    std::ofstream(dir_ / name / "kzscrape.lock");
    kept.push_back(dir_ / name);
  }
  std::ofstream(dir_ / "kzscrape-chromium-file01") << "a file, not a folder";
  kept.push_back(dir_ / "kzscrape-chromium-file01");
  // A symlink named like a profile, to a folder that looks stale: neither goes.
  const fs::path target = dir_ / "elsewhere";
  fs::create_directories(target / "Default");
  std::ofstream(target / "kzscrape.lock");
  fs::create_directory_symlink(target, dir_ / "kzscrape-chromium-link01");
  kept.push_back(dir_ / "kzscrape-chromium-link01");
  kept.push_back(target / "Default");
  // A profile whose lock file is a symlink (to an unlocked file): kept.
  const fs::path linked_lock = dir_ / "kzscrape-chromium-slock1";
  fs::create_directories(linked_lock);
  std::ofstream(dir_ / "plain-file");
  fs::create_symlink(dir_ / "plain-file", linked_lock / "kzscrape.lock");
  kept.push_back(linked_lock);

  // Another user's stale-looking profile.
  if (::geteuid() == 0) {
    const fs::path theirs = unlocked_profile("other1");
    ASSERT_EQ(::chown(theirs.c_str(), 65534, 65534), 0);
    kept.push_back(theirs / "Default" / "Preferences");
  }

  EXPECT_EQ(remove_stale_chromium_profiles(dir_), 0);
  for (const auto& path : kept)
    EXPECT_TRUE(fs::symlink_status(path).type() != fs::file_type::not_found) << path;
  EXPECT_TRUE(fs::is_symlink(dir_ / "kzscrape-chromium-link01"));
}

TEST_F(ChromiumProfileSweep, AProfileWithoutLockFileGoesOnlyWhenOld) {
  const fs::path fresh = dir_ / "kzscrape-chromium-fresh1";
  const fs::path old = dir_ / "kzscrape-chromium-old001";
  fs::create_directories(fresh);
  fs::create_directories(old / "Default");
  // Just under and well over the age limit.
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(fresh, now - kUnlockedProfileAge + std::chrono::minutes(5));
  fs::last_write_time(old, now - kUnlockedProfileAge - std::chrono::minutes(5));
  EXPECT_EQ(remove_stale_chromium_profiles(dir_), 1);
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_FALSE(fs::exists(old));
}

TEST_F(ChromiumProfileSweep, AMissingFolderIsNoError) {
  EXPECT_EQ(remove_stale_chromium_profiles(dir_ / "absent"), 0);
}

}  // namespace
}  // namespace kz
