#include "scrape/antpool/antpool_cli.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.hpp"
#include "scrape/antpool/antpool_config.hpp"

namespace kz {
namespace {

namespace fs = std::filesystem;

class AntpoolCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_antpool_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    file_ = (dir_ / "c.json").string();
    std::ofstream(file_) << R"({"key": "file-key", "secret": "file-secret"})";
    ::chmod(file_.c_str(), 0600);
    base_.db_path = (dir_ / "cache.db").string();
    base_.dry_run = true;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string file_;
  ScrapeOptions base_;
};

TEST_F(AntpoolCliTest, OneAccountFromTheCommandLine) {
  for (const std::string sub : {"", "rig2"}) {
    for (const std::string url : {"", "http://127.0.0.1:8080/api", "https://v3.antpool.com/api/"}) {
      AntpoolCliValues values{"owner", file_, url, sub};
      const AntpoolRun run = antpool_run_from_cli(base_, "antpool_007", values);
      ASSERT_EQ(run.pools.size(), 1u);
      const AntpoolPool& pool = run.pools[0];
      EXPECT_EQ(pool.account.account_name, "antpool_007");
      EXPECT_EQ(pool.account.user_id, "owner");
      EXPECT_EQ(pool.account.sub_account.value_or(""), sub);
      EXPECT_EQ(pool.account.credentials.key, "file-key");
      EXPECT_EQ(pool.account.credentials.secret, "file-secret");
      EXPECT_EQ(pool.options.observer_url, "antpool://antpool_007");
      EXPECT_EQ(pool.options.account_name, "antpool_007");
      EXPECT_EQ(pool.options.db_path, base_.db_path);
      EXPECT_TRUE(pool.options.dry_run);
      const std::string expected_url =
          url.empty() ? AntpoolSettings().url : (url.ends_with("/") ? url : url + "/");
      EXPECT_EQ(run.settings.url, expected_url);
    }
  }
}

TEST_F(AntpoolCliTest, MissingOrBadOptionsAreUsageErrors) {
  const AntpoolCliValues good{"owner", file_, "", ""};
  const auto code_of = [&](const std::string& account, const AntpoolCliValues& values) {
    try {
      antpool_run_from_cli(base_, account, values);
    } catch (const Error& e) {
      return e.code();
    }
    return ExitCode::ok;
  };
  EXPECT_EQ(code_of("antpool_001", good), ExitCode::ok);
  EXPECT_EQ(code_of("", good), ExitCode::usage);
  for (int field = 0; field < 4; ++field) {
    AntpoolCliValues bad = good;
    if (field == 0) bad.user_id = "";
    if (field == 1) bad.credentials = "";
    if (field == 2) bad.url = "antpool.com/api/";
    if (field == 3) bad.sub_account = "a b";
    EXPECT_EQ(code_of("antpool_001", bad), ExitCode::usage) << field;
  }
  EXPECT_FALSE(any_antpool_option({}));
  EXPECT_TRUE(any_antpool_option({"", "", "", "s"}));
}

TEST_F(AntpoolCliTest, PoolsOfAFileGetTheirOptionsAndCredentials) {
  const ScrapeConfig config = parse_scrape_config(R"({"pools": [
    {"account_name": "KZPool_001", "observer_url": "https://btcpool.kz/observer-link/a"},
    {"account_name": "antpool_001", "source": "antpool", "user_id": "owner",
     "credentials_file": ")" + file_ + R"(", "thresholds": {"failed_runs": 7}},
    {"account_name": "antpool_002", "source": "antpool", "user_id": "owner", "sub_account": "s2",
     "key_env": "AP_K", "secret_env": "AP_S", "page_tz": "+08:00"}
  ]})",
                                                  "pools.json");
  const std::map<std::string, std::string> env = {{"AP_K", "env-key"}, {"AP_S", "env-secret"}};
  const EnvLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto found = env.find(name);
    return found == env.end() ? std::nullopt : std::optional(found->second);
  };
  const auto pools = antpool_pools(base_, config.pools, lookup);
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[0].options.observer_url, "antpool://antpool_001");
  EXPECT_EQ(pools[0].options.thresholds.scrape_failed_after, 7);
  EXPECT_EQ(pools[0].account.credentials.secret, "file-secret");
  EXPECT_EQ(pools[1].options.observer_url, pools[1].account.identity());
  EXPECT_EQ(pools[1].options.account_name, "antpool_002");
  EXPECT_EQ(pools[1].options.page_utc_offset, std::chrono::hours(8));
  EXPECT_EQ(pools[1].account.credentials.key, "env-key");
  EXPECT_EQ(pools[1].account.credentials.secret, "env-secret");
  EXPECT_THROW(antpool_pools(base_, config.pools,
                             [](const std::string&) { return std::optional<std::string>(); }),
               Error);
}

}  // namespace
}  // namespace kz
