#include "scrape/antpool/antpool_credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

const std::string key = "AK7f3c9e2b41d04a";
const std::string secret = "S3cr3t9d8e7f6a5b4c3d2e1f0";

class AntpoolCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_antpool_credentials_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& content, mode_t mode, const std::string& name = "c.json") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  static std::string good_json() {
    return "{\"key\": \"" + key + "\", \"secret\": \"" + secret + "\"}\n";
  }

  // The error text of reading `path`, checked to be a usage error without key or secret.
  std::string error_of(const std::string& path) {
    try {
      read_antpool_credentials_file(path, "pool antpool_001");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      return checked(e.what());
    }
    return "no error";
  }

  static std::string checked(const std::string& message) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
    EXPECT_EQ(message.find(secret.substr(0, 8)), std::string::npos) << message;
    EXPECT_EQ(message.find(key), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    EXPECT_TRUE(message.starts_with("pool antpool_001: ")) << message;
    return message;
  }

  fs::path dir_;
};

TEST_F(AntpoolCredentialsTest, PrivateFilesAreRead) {
  for (mode_t mode : {0600, 0400, 0700}) {
    const auto credentials = read_antpool_credentials_file(write(good_json(), mode), "p");
    EXPECT_EQ(credentials.key, key) << std::oct << mode;
    EXPECT_EQ(credentials.secret, secret);
  }
  const auto reordered = read_antpool_credentials_file(
      write("\n { \"secret\" : \"" + secret + "\" ,\n\"key\":\"" + key + "\" }  ", 0600), "p");
  EXPECT_EQ(reordered.key, key);
  EXPECT_EQ(reordered.secret, secret);
}

TEST_F(AntpoolCredentialsTest, FilesOpenToGroupOrOthersAreRefusedWithTheFix) {
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0660, 0666, 0610, 0601}) {
    const std::string path = write(good_json(), mode);
    EXPECT_EQ(error_of(path), "pool antpool_001: the credentials file " + path +
                                  " is open to group or others: chmod 600 " + path)
        << std::oct << mode;
  }
}

TEST_F(AntpoolCredentialsTest, BadContentIsRefusedWithoutQuotingIt) {
  const std::map<std::string, std::string> cases = {
      {"", "is empty"},
      {" \n\t", "is empty"},
      {"{\"key\": \"" + key + "\", \"secret\": \"" + secret, "is not JSON of the form"},
      {"{\"key\": \"" + key + "\" \"secret\": \"" + secret + "\"}", "is not JSON of the form"},
      {"[\"" + key + "\", \"" + secret + "\"]", "is not JSON of the form"},
      {"\"" + secret + "\"", "is not JSON of the form"},
      {key + ":" + secret, "is not JSON of the form"},
      {"{\"key\": \"" + key + "\"}", "has no \"secret\""},
      {"{\"secret\": \"" + secret + "\"}", "has no \"key\""},
      {"{\"key\": \"" + key + "\", \"secret\": 5}", "\"secret\" in"},
      {"{\"key\": \"" + key + "\", \"secret\": \"\"}", "\"secret\" in"},
      {"{\"key\": \"\", \"secret\": \"" + secret + "\"}", "\"key\" in"},
      {"{\"key\": \"" + key + "\", \"secret\": \" " + secret + "\"}", "holds white space"},
      {"{\"key\": \"" + key + "\", \"secret\": \"" + secret + "\", \"" + secret + "\": 1}",
       "holds keys other than"},
  };
  for (const auto& [content, reason] : cases) {
    const std::string path = write(content, 0600);
    const std::string message = error_of(path);
    EXPECT_NE(message.find(reason), std::string::npos) << content << " -> " << message;
  }
}

TEST_F(AntpoolCredentialsTest, MissingFilesAndDirectoriesAreRefused) {
  const std::string missing = (dir_ / "nothing.json").string();
  const std::string message = error_of(missing);
  EXPECT_NE(message.find("cannot open the credentials file (No such file or directory)"),
            std::string::npos)
      << message;
  // A secret pasted where the path belongs must not be printed back.
  EXPECT_EQ(message.find(missing), std::string::npos) << message;
  checked(error_of(secret));
  EXPECT_NE(error_of(dir_.string()).find("is not a regular file"), std::string::npos);
}

TEST_F(AntpoolCredentialsTest, AFileOfAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root can give a file to another user";
  const std::string path = write(good_json(), 0600);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  EXPECT_NE(error_of(path).find("belongs to uid 65534, not to the user running kzscrape"),
            std::string::npos);
}

PoolConfig env_pool(const std::string& key_env, const std::string& secret_env) {
  PoolConfig pool;
  pool.account_name = "antpool_001";
  pool.source = "antpool";
  pool.antpool = AntpoolPoolConfig{"owner", "sub", "", key_env, secret_env};
  pool.observer_url = "antpool://antpool_001";
  return pool;
}

TEST_F(AntpoolCredentialsTest, EnvironmentVariablesAreNamedNeverQuoted) {
  std::map<std::string, std::string> env;
  const EnvLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
  const PoolConfig pool = env_pool("AP_KEY", "AP_SECRET");
  const auto error = [&]() -> std::string {
    try {
      load_antpool_credentials(pool, lookup);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      return checked(e.what());
    }
    return "no error";
  };
  EXPECT_EQ(error(), "pool antpool_001: the environment variable AP_KEY is not set");
  env["AP_KEY"] = key;
  EXPECT_EQ(error(), "pool antpool_001: the environment variable AP_SECRET is not set");
  env["AP_SECRET"] = "";
  EXPECT_EQ(error(), "pool antpool_001: the environment variable AP_SECRET is empty");
  env["AP_SECRET"] = " \n";
  EXPECT_EQ(error(), "pool antpool_001: the environment variable AP_SECRET is empty");
  env["AP_SECRET"] = secret.substr(0, 6) + " " + secret.substr(6);
  EXPECT_EQ(error(),
            "pool antpool_001: the environment variable AP_SECRET holds white space inside");
  env["AP_SECRET"] = secret + "\n";
  const AntpoolAccount account = antpool_account(pool, lookup);
  EXPECT_EQ(account.credentials.key, key);
  EXPECT_EQ(account.credentials.secret, secret);
  EXPECT_EQ(account.account_name, "antpool_001");
  EXPECT_EQ(account.identity(), pool.observer_url);
}

TEST_F(AntpoolCredentialsTest, APoolReadsItsFile) {
  PoolConfig pool = env_pool("", "");
  pool.antpool->credentials_file = write(good_json(), 0600);
  const EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  EXPECT_EQ(antpool_account(pool, no_env).credentials.secret, secret);
  ASSERT_EQ(::chmod(pool.antpool->credentials_file.c_str(), 0640), 0);
  EXPECT_THROW(antpool_account(pool, no_env), Error);
  pool.antpool.reset();
  EXPECT_THROW(antpool_account(pool, no_env), Error);
}

}  // namespace
}  // namespace kz
