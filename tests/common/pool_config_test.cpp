#include "common/pool_config.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace kz {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_pool_config(text, "pools.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "no error";
}

TEST(PoolConfig, ReadsPoolsWithOptionalSettings) {
  const auto pools = parse_pool_config(R"({"pools": [
    {"account_name": "KZPool_001", "observer_url": "https://btcpool.kz/observer-link/a",
     "client": "Acme", "company": "Host LLC", "country": "Kazakhstan", "site": "Ekibastuz",
     "page_tz": "+06:00", "thresholds": {"failed_runs": 5, "drop_high_percent": 40.5}},
    {"account_name": "KZPool_002", "observer_url": "file:///tmp/p.html", "enabled": false}
  ]})",
                                       "pools.json");
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[0].account_name, "KZPool_001");
  EXPECT_EQ(pools[0].client, "Acme");
  EXPECT_EQ(pools[0].site, "Ekibastuz");
  EXPECT_EQ(pools[0].page_tz, "+06:00");
  EXPECT_EQ(pools[0].thresholds.failed_runs, 5);
  EXPECT_EQ(pools[0].thresholds.drop_high_percent, 40.5);
  EXPECT_FALSE(pools[0].thresholds.offline_high_count);
  EXPECT_TRUE(pools[0].enabled);
  EXPECT_FALSE(pools[1].enabled);
  EXPECT_EQ(pools[1].client, "");

  EXPECT_EQ(select_pools(pools, std::nullopt, "pools.json").size(), 1u);
  EXPECT_EQ(select_pools(pools, "KZPool_002", "pools.json").at(0).account_name, "KZPool_002");
  EXPECT_THROW(select_pools(pools, "KZPool_404", "pools.json"), Error);
}

TEST(PoolConfig, AcceptsABareList) {
  EXPECT_EQ(
      parse_pool_config(R"([{"account_name": "a", "observer_url": "http://x/1"}])", "p").size(),
      1u);
}

TEST(PoolConfig, ReportsTheFilePositionOfEachProblem) {
  EXPECT_EQ(
      error_of("{\"pools\": [\n  {\"account_name\": \"a\", \"observer_url\": \"http://x/1\",\n"
               "   \"acount\": 1}\n]}"),
      "pools.json:3:14: unknown key 'acount' in pool 1");
  EXPECT_EQ(
      error_of("{\"pools\": [\n {\"account_name\": \"a\", \"observer_url\": \"http://x/1\"},\n"
               " {\"account_name\": \"a\", \"observer_url\": \"http://x/2\"}]}"),
      "pools.json:3:19: duplicate account_name 'a'");
  EXPECT_EQ(error_of("[{\"account_name\": \"a\", \"observer_url\": \"http://x/1\"},\n"
                     " {\"account_name\": \"b\", \"observer_url\": \"http://x/1\"}]"),
            "pools.json:2:40: duplicate observer_url 'http://x/1'");
  EXPECT_EQ(error_of("[{\"account_name\": \"a\", \"observer_url\": \"btcpool.kz/x\"}]"),
            "pools.json:1:40: 'btcpool.kz/x' is not an http(s):// or file:// URL");
  EXPECT_EQ(error_of("[{\"account_name\": \"a\"}]"),
            "pools.json:1:2: missing 'observer_url' in pool 1");
  EXPECT_EQ(error_of("[{\"account_name\": \"a\", \"observer_url\": \"http://x\", \"page_tz\": "
                     "\"Asia/Almaty\"}]"),
            "pools.json:1:63: 'Asia/Almaty' is not a UTC offset like +05:00");
  EXPECT_EQ(error_of("[{\"account_name\": \"a\", \"observer_url\": \"http://x\", \"thresholds\": "
                     "{\"failed_runs\": 0.5}}]"),
            "pools.json:1:82: 'failed_runs' must be a whole number");
  EXPECT_EQ(
      error_of(
          "[{\"account_name\": \"a\", \"account_name\": \"b\", \"observer_url\": \"http://x\"}]"),
      "pools.json:1:40: duplicate key 'account_name'");
}

TEST(PoolConfig, ReportsSyntaxErrorsWithLineAndColumn) {
  const std::string error = error_of("{\"pools\": [\n  {\"account_name\": \"a\",,}\n]}");
  EXPECT_EQ(error.rfind("pools.json:2:24: invalid JSON", 0), 0u) << error;
  EXPECT_EQ(error_of("[]"), "pools.json:1:1: the list of pools is empty");
  EXPECT_EQ(error_of("{\"pool\": []}"),
            "pools.json:1:10: unknown key 'pool' (expected \"pools\", \"antpool\" or \"notify\")");
}

TEST(PoolConfig, MissingFileIsAUsageError) {
  try {
    load_pool_config("/nonexistent/pools.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_STREQ(e.what(), "cannot read config file /nonexistent/pools.json");
  }
}

}  // namespace
}  // namespace kz
