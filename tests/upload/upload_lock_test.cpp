// kzupload takes the cache's upload lock: one writer at a time.
#include "common/cache_lock.hpp"

#include <thread>

#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using UploadLockTest = StandInTest;

const UploadLock::Sleeper kSleep = [](std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
};

TEST_F(UploadLockTest, ASecondHolderWaitsThenGivesUpWithExit75) {
  std::optional<UploadLock> first(std::in_place, db_path_, std::chrono::milliseconds(0), kSleep);
  int naps = 0;
  try {
    UploadLock second(db_path_, std::chrono::milliseconds(300),
                      [&](std::chrono::milliseconds) { ++naps; });
    ADD_FAILURE() << "the second lock was granted while the first is held";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::locked);
    EXPECT_NE(std::string(e.what()).find("--lock-wait"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(db_path_ + ".upload-lock"), std::string::npos);
  }
  EXPECT_EQ(naps, 3);
  first.reset();
  EXPECT_NO_THROW(UploadLock(db_path_, std::chrono::milliseconds(0), kSleep));
}

TEST_F(UploadLockTest, AWaitingRunGetsTheLockOnceItIsReleased) {
  auto first = std::make_unique<UploadLock>(db_path_, std::chrono::milliseconds(0), kSleep);
  int naps = 0;
  UploadLock second(db_path_, std::chrono::seconds(30), [&](std::chrono::milliseconds) {
    if (++naps == 2) first.reset();
  });
  EXPECT_EQ(naps, 2);
}

TEST_F(UploadLockTest, TheBinaryExits75WhileAnotherRunUploadsAndSendsNothing) {
  cache().scrape(make_pool_page(5));
  {
    UploadLock held(db_path_, std::chrono::milliseconds(0), kSleep);
    const auto r = kzupload({"--account", "KZPool_001", "--lock-wait", "0.2"},
                            supabase_env(supabase().service_key()));
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("kzupload: error: another kzupload is uploading from this cache"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(supabase().requests().entries().empty());
    EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);
    // A dry run sends nothing and marks nothing, so it needs no lock.
    const auto dry = kzupload({"--account", "KZPool_001", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
  }
  const auto r = kzupload({"--account", "KZPool_001", "--lock-wait", "0"},
                          supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
