// Issue 11: a full disk. kzscrape exits 5 saying where to free space, loses nothing stored, and
// the next run that can write records the failure. The cache lives on a small tmpfs that a
// filler file makes full (needs root and mount; skipped otherwise).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "integration/kzscrape_fixture.hpp"
#include "support/page_generator.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;

// A tmpfs of `bytes` mounted on `dir` for the object's lifetime (unmounted on destruction).
class SmallTmpfs {
 public:
  SmallTmpfs(fs::path dir, size_t bytes) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      why_not_ = std::string("mount -t tmpfs: ") + std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    if (why_not_.empty()) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  const std::string& why_not() const { return why_not_; }  // empty when mounted

 private:
  fs::path dir_;
  std::string why_not_;
};

// Fills the file system of `file`'s folder until no byte is left, then gives `left` bytes back.
void fill_disk(const fs::path& file, size_t left) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const std::string block(64 * 1024, 'x');
  off_t size = 0;
  for (size_t chunk = block.size(); chunk >= 512; chunk /= 2) {
    for (ssize_t n; (n = ::write(fd, block.data(), chunk)) > 0;) size += n;
  }
  ASSERT_EQ(errno, ENOSPC);
  ASSERT_EQ(::ftruncate(fd, size - static_cast<off_t>(left)), 0);
  ::close(fd);
}

class KzscrapeDiskFull : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
    disk_ = dir_ / "disk";
    tmpfs_ = std::make_unique<SmallTmpfs>(disk_, 8 << 20);
    if (!tmpfs_->why_not().empty()) GTEST_SKIP() << "cannot mount a tmpfs: " << tmpfs_->why_not();
    db_ = (disk_ / "cache.db").string();
  }
  void TearDown() override {
    tmpfs_.reset();
    KzscrapeTest::TearDown();
  }
  std::string page(size_t workers, uint32_t seed) {
    return render_page(make_model(workers, seed), Variant{});
  }
  void expect_intact(int64_t snapshots) {
    EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), snapshots);
  }
  // The lines of `err` that say the disk is full and where to free space.
  static int disk_full_lines(const std::string& err, const fs::path& folder) {
    int lines = 0;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
      lines += line.find("disk full") != std::string::npos &&
               line.find("free space in " + folder.string()) != std::string::npos;
    }
    return lines;
  }

  fs::path disk_;
  std::unique_ptr<SmallTmpfs> tmpfs_;
};

struct FillLevel {
  size_t workers;     // of the page the run on the full disk fetches
  size_t left;        // bytes left free
  const char* doing;  // where the cache fails: "opening" or "writing"
};

// Full before the run (nothing left: even opening the cache's -shm fails), and full only when
// the snapshot is written (room to open the cache, not for a page of thousands of workers).
const FillLevel kFillLevels[] = {{60, 0, "opening"},
                                 {200, 4 * 1024, "opening"},
                                 {3000, 96 * 1024, "writing"},
                                 {5000, 320 * 1024, "writing"}};

TEST_F(KzscrapeDiskFull, TheNextRunRecordsTheFailureAndTheDataStaysIntact) {
  for (const FillLevel& level : kFillLevels) {
    SCOPED_TRACE("workers " + std::to_string(level.workers) + ", bytes left " +
                 std::to_string(level.left));
    fs::remove(db_);
    server_.set("/observer", {Step::ok(page(60, 1))});
    const auto first = scrape();
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_TRUE(fs::exists(db_ + ".unrecorded-failures"));

    server_.set("/observer", {Step::ok(page(level.workers, 2))});
    fill_disk(disk_ / "filler", level.left);
    const auto full = scrape();
    EXPECT_EQ(full.exit_code, 5) << full.err;
    EXPECT_EQ(disk_full_lines(full.err, disk_), 1) << full.err;
    EXPECT_NE(full.err.find("kzscrape: error: cache " + db_ + ": " + level.doing + ": "),
              std::string::npos)
        << full.err;

    fs::remove(disk_ / "filler");
    expect_intact(1);
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run"), 1);

    server_.set("/observer", {Step::ok(page(level.workers, 3))});
    const auto after = scrape();
    ASSERT_EQ(after.exit_code, 0) << after.err;
    expect_intact(2);
    EXPECT_EQ(text("SELECT group_concat(outcome || ' ' || exit_code, ', ') FROM"
                   " (SELECT * FROM scrape_run ORDER BY id)"),
              "ok 0, failed 5, ok 0");
    const std::string error = text("SELECT error FROM scrape_run WHERE outcome = 'failed'");
    EXPECT_TRUE(error.starts_with("the previous run could not write: disk full (at ")) << error;
    EXPECT_NE(error.find("free space in " + disk_.string()), std::string::npos) << error;
    EXPECT_NE(after.err.find("the previous run could not write: disk full"), std::string::npos)
        << after.err;
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND"
                    " started_at <= finished_at AND finished_at <="
                    " (SELECT max(started_at) FROM scrape_run WHERE outcome = 'ok')"),
              1);

    // Recorded once: the note is cleared.
    ASSERT_EQ(scrape().exit_code, 0);
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 1);
  }
}

TEST_F(KzscrapeDiskFull, RecordedFailuresCountTowardsScrapeFailed) {
  server_.set("/observer", {Step::ok(page(60, 1))});
  ASSERT_EQ(scrape().exit_code, 0);
  for (int i = 0; i < 2; ++i) {
    fill_disk(disk_ / "filler", 0);
    EXPECT_EQ(scrape().exit_code, 5);
    fs::remove(disk_ / "filler");
  }
  server_.set("/observer", {Step::respond(404)});
  const auto failing = scrape({"--failed-runs", "3"});
  EXPECT_EQ(failing.exit_code, 3) << failing.err;
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE exit_code = 5"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM v_open_alerts WHERE alert_type = 'scrape_failed'"), 1)
      << failing.err;
}

TEST_F(KzscrapeDiskFull, EachPoolOfAConfigIsRecorded) {
  const std::vector<std::string> pools = {"/a", "/b", "/c", "/d"};
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < pools.size(); ++i) {
    server_.set(pools[i], {Step::ok(page(60 + i * 7, static_cast<uint32_t>(i)))});
    list.push_back(
        {{"account_name", "P" + std::to_string(i)}, {"observer_url", server_.url(pools[i])}});
  }
  const auto config = dir_ / "pools.json";
  std::ofstream(config) << nlohmann::json{{"pools", list}}.dump();
  const auto run = [&] {
    return kzscrape({"--config", config.string(), "--db", db_, "--retries", "1"});
  };
  ASSERT_EQ(run().exit_code, 0);
  fill_disk(disk_ / "filler", 0);
  server_.set("/c", {Step::respond(404)});  // a pool whose own failure cannot be stored either
  const auto full = run();
  EXPECT_EQ(full.exit_code, 9) << full.err;
  EXPECT_EQ(disk_full_lines(full.err, disk_), static_cast<int>(pools.size())) << full.err;
  fs::remove(disk_ / "filler");
  expect_intact(static_cast<int64_t>(pools.size()));

  server_.set("/c", {Step::ok(page(70, 9))});
  const auto after = run();
  ASSERT_EQ(after.exit_code, 0) << after.err;
  for (const auto& pool : pools) {
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run r JOIN pool p ON p.id = r.pool_id WHERE"
                    " p.observer_url = '" +
                    server_.url(pool) +
                    "' AND r.error LIKE 'the previous run could not write: disk full%'"),
              1)
        << pool;
  }
  expect_intact(static_cast<int64_t>(pools.size()) * 2);
}

}  // namespace
}  // namespace kz::test
