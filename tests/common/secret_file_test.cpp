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

TEST_F(SecretFile, MissingOrEmptyFilesAreUsageErrorsThatNameTheOptionAndTheReason) {
  EXPECT_EQ(error_of(path_),
            "cannot read the file given to --key-file (No such file or directory); it takes the "
            "path of a file holding the key, not the key");
  std::ofstream(path_) << " \n\t";
  EXPECT_EQ(error_of(path_), "the file given to --key-file is empty");
}

// An operator who passes the key itself instead of a file never sees it printed back.
TEST_F(SecretFile, AKeyGivenInsteadOfAPathIsNeverRepeated) {
  for (const std::string key : {"eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln",
                                "sb_secret_0123456789abcdefABCDEF", "/etc/shadow-ish-secret"}) {
    const std::string message = error_of(key);
    EXPECT_EQ(message.find(key), std::string::npos) << message;
    EXPECT_NE(message.find("--key-file"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace kz
