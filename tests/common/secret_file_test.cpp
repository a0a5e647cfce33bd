#include "common/secret_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"

namespace kz {
namespace {

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("kz_secret_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string error_of(const std::string& path) {
    try {
      read_secret_file(path, "--key-file");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      return e.what();
    }
    return "no error";
  }
  std::string path_;
};

TEST_F(SecretFile, ReadsTheKeyWithoutSurroundingWhiteSpace) {
  std::ofstream(path_) << "  eyJhbGciOi.abc.def\r\n\n";
  EXPECT_EQ(read_secret_file(path_, "--key-file"), "eyJhbGciOi.abc.def");
}

TEST_F(SecretFile, MissingOrEmptyFilesAreUsageErrorsThatNameOnlyThePath) {
  EXPECT_EQ(error_of(path_), "cannot read --key-file " + path_);
  std::ofstream(path_) << " \n\t";
  EXPECT_EQ(error_of(path_), "--key-file " + path_ + " is empty");
}

}  // namespace
}  // namespace kz
