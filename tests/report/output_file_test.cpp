#include "report/output_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_output_file_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Every entry of the folder: no temporary file may be left.
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  static std::string random_content(std::mt19937& random) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 300'000)(random), '\0');
    for (char& c : text) c = static_cast<char>(random());
    return text;
  }

  fs::path dir_;
};

TEST_F(OutputFileTest, WritesAndReplacesWholeFilesByRename) {
  std::mt19937 random(14);
  const fs::path target = dir_ / "kzpool.prom";
  ino_t previous = 0;
  for (int round = 0; round < 6; ++round) {
    const std::string content = random_content(random);
    write_output(target.string(), content);
    EXPECT_EQ(read(target), content);
    struct stat info {};
    ASSERT_EQ(::stat(target.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
    EXPECT_NE(info.st_ino, previous) << "replaced by a new file, never rewritten in place";
    previous = info.st_ino;
    EXPECT_EQ(entries(), 1u);
  }
}

TEST_F(OutputFileTest, ALinkIsFollowedAndStays) {
  const fs::path file = dir_ / "real.prom";
  const fs::path link = dir_ / "link.prom";
  fs::create_symlink(file, link);  // dangling first: the file is created where it points
  write_output(link.string(), "one\n");
  write_output(link.string(), "two\n");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(read(file), "two\n");
  EXPECT_EQ(entries(), 2u);
}

TEST_F(OutputFileTest, AFifoIsWrittenInPlaceNotReplaced) {
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path link = dir_ / "to_pipe";
  fs::create_symlink(fifo, link);
  for (const fs::path& path : {fifo, link}) {
    auto reader = std::async(std::launch::async, [&] { return read(fifo); });
    write_output(path.string(), "metrics\n");
    EXPECT_EQ(reader.get(), "metrics\n");
    EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
  }
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(entries(), 2u);
}

TEST_F(OutputFileTest, AFolderOrAMissingFolderIsOneClearError) {
  for (const fs::path& path : {dir_, dir_ / "missing" / "kzpool.prom"}) {
    try {
      write_output(path.string(), "x");
      ADD_FAILURE() << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::report_failed);
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      if (path == dir_) {
        EXPECT_NE(std::string(e.what()).find("it is a folder"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace kz
