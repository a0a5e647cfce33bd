#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/pool_config.hpp"

namespace kz {
namespace {

// The pools file may hold kznotify's "notify" object beside "pools" and "antpool" (issue 13);
// kzscrape and kzupload read around it and leave its checks to kznotify.
TEST(PoolConfigNotify, ANotifyObjectBesideThePoolsIsLeftToKznotify) {
  for (const std::string notify :
       {R"({"destinations": []})", R"({"anything": [1, 2]})", "[]", "42", "null"}) {
    const std::string text = R"({"notify": )" + notify + R"(, "pools": [
      {"account_name": "KZPool_001", "observer_url": "https://btcpool.kz/observer-link/a"}]})";
    const auto pools = parse_pool_config(text, "pools.json");
    ASSERT_EQ(pools.size(), 1u) << notify;
    EXPECT_EQ(pools[0].account_name, "KZPool_001");
  }
  // A file holding only "notify" still has no pools.
  try {
    parse_pool_config(R"({"notify": {}})", "notify.json");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(std::string(e.what()), "notify.json:1:1: missing \"pools\"");
  }
}

}  // namespace
}  // namespace kz
