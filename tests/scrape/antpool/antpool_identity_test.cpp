// An Antpool pool's identity in the cache is its label, "antpool://<account_name>": the Antpool
// account read under it (user_id, sub_account) may be fixed after a failed run.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

#include "common/pool_config.hpp"
#include "common/url_text.hpp"
#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

// Labels with every byte class a URL reader treats apart.
std::vector<std::string> labels() {
  std::vector<std::string> result = {
      "antpool_001", "a",   "me@example.com", "site A/rig 2", "x?y=1&z=2",
      "#7",          "50%", "user:pw@host",   "a\\b",         "Пул-3"};
  std::mt19937 rng(12);
  const std::string alphabet = "aZ09_-.@/?#%:&= \t~\\";
  for (int i = 0; i < 200; ++i) {
    std::string label;
    const int length = 1 + static_cast<int>(rng() % 12);
    for (int c = 0; c < length; ++c) label += alphabet[rng() % alphabet.size()];
    result.push_back(label);
  }
  return result;
}

TEST(AntpoolIdentity, IsTheLabelWhateverTheAccountRead) {
  std::set<std::string> identities;
  std::set<std::string> distinct_labels;
  for (const std::string& label : labels()) {
    SCOPED_TRACE(label);
    const AntpoolAccount plain{label, "owner", std::nullopt, {"k", "s"}};
    const std::string identity = plain.identity();
    EXPECT_TRUE(identity.starts_with("antpool://")) << identity;
    for (const auto& [user_id, sub] :
         std::vector<std::pair<std::string, std::optional<std::string>>>{
             {"me@example.com", std::nullopt}, {"myminer", "rig2"}, {"other", "other"}}) {
      EXPECT_EQ((AntpoolAccount{label, user_id, sub, {"k2", "s2"}}.identity()), identity);
    }
    // Shown as is: nothing of it is taken for userinfo, a query or a fragment.
    EXPECT_EQ(redacted_url(identity), identity);
    EXPECT_TRUE(url_secrets(identity).empty()) << identity;
    EXPECT_EQ(identity.find_first_of("@?#/ \t", 10), std::string::npos) << identity;
    if (distinct_labels.insert(label).second) {
      EXPECT_TRUE(identities.insert(identity).second) << "two labels, one identity: " << identity;
    }
  }
  EXPECT_EQ(AntpoolAccount({"antpool_001", "u", std::nullopt, {}}).identity(),
            "antpool://antpool_001");
}

TEST(AntpoolIdentity, PoolsFileGivesTheSameIdentityAsTheAccount) {
  int n = 0;
  for (const std::string& label : labels()) {
    nlohmann::json pool = {{"account_name", label},
                           {"source", "antpool"},
                           {"user_id", "owner" + std::to_string(n++)},
                           {"key_env", "K"},
                           {"secret_env", "S"}};
    const auto pools =
        parse_pool_config(nlohmann::json{{"pools", {pool}}}.dump(), "pools.json", {});
    ASSERT_EQ(pools.size(), 1u);
    const AntpoolAccount account{label, "anyone", std::string("sub"), {}};
    EXPECT_EQ(pools[0].observer_url, account.identity()) << label;
  }
}

// Two labels may not read one Antpool account; any other pair of reads is fine.
TEST(AntpoolIdentity, TwoLabelsMayNotReadOneAccount) {
  using Read = std::pair<std::string, std::optional<std::string>>;  // user_id, sub_account
  const std::vector<std::tuple<Read, Read, bool>> cases = {
      {{"owner", std::nullopt}, {"owner", std::nullopt}, true},
      {{"owner", std::nullopt}, {"owner", "owner"}, true},
      {{"owner", "s1"}, {"owner", "s1"}, true},
      {{"owner", "s1"}, {"owner", "s2"}, false},
      {{"owner", std::nullopt}, {"owner", "s1"}, false},
      {{"owner", "s1"}, {"other", "s1"}, false},
      {{"a@b.c", std::nullopt}, {"a", std::nullopt}, false}};
  for (const auto& [one, two, duplicate] : cases) {
    nlohmann::json pools = nlohmann::json::array();
    int n = 0;
    for (const Read& read : {one, two}) {
      nlohmann::json pool = {{"account_name", "antpool_" + std::to_string(++n)},
                             {"source", "antpool"},
                             {"user_id", read.first},
                             {"key_env", "K"},
                             {"secret_env", "S"}};
      if (read.second) pool["sub_account"] = *read.second;
      pools.push_back(pool);
    }
    const std::string text = nlohmann::json{{"pools", pools}}.dump();
    SCOPED_TRACE(text);
    try {
      const auto parsed = parse_pool_config(text, "pools.json", {});
      EXPECT_FALSE(duplicate);
      ASSERT_EQ(parsed.size(), 2u);
      EXPECT_NE(parsed[0].observer_url, parsed[1].observer_url);
    } catch (const Error& e) {
      EXPECT_TRUE(duplicate) << e.what();
      EXPECT_EQ(e.code(), ExitCode::usage);
      const std::string read =
          two.first + (two.second && *two.second != two.first ? "/" + *two.second : std::string());
      EXPECT_NE(std::string(e.what()).find("duplicate Antpool account '" + read + "'"),
                std::string::npos)
          << e.what();
    }
  }
}

class AccountFixTest : public CollectorTest {};

// The operator follows the hint of a failed first run (exit 10) and fixes user_id or
// sub_account on the same cache: the run succeeds and the label keeps its pool.
TEST_F(AccountFixTest, FixingTheAccountReadKeepsThePool) {
  struct Case {
    std::string wrong_user_id;
    std::optional<std::string> wrong_sub, right_sub;
  };
  int first = 400;
  for (const Case& c : {Case{"me@example.com", std::nullopt, std::nullopt},
                        Case{"someone", std::nullopt, std::nullopt},
                        Case{"", std::string("no_such_sub"), std::string("rig_sub")},
                        Case{"", std::string("no_such_sub"), std::nullopt}}) {
    first += 2;
    SCOPED_TRACE(first);
    accounts_.clear();
    remove_cache();
    add_account(first, 3);
    add_account(first + 1, 2);
    const AntpoolAccount right = accounts_[0];
    AntpoolAccount& account = accounts_[0];
    if (!c.wrong_user_id.empty()) account.user_id = c.wrong_user_id;
    account.sub_account = c.wrong_sub;
    auto outcomes = run();
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].code, ExitCode::api_key_rejected) << outcomes[0].error;
    EXPECT_EQ(outcomes[1].code, ExitCode::ok) << outcomes[1].error;
    const int64_t pool_id =
        number("SELECT id FROM pool WHERE account_name = '" + account_name(first) + "'");
    EXPECT_EQ(text("SELECT observer_url FROM pool WHERE id = " + std::to_string(pool_id)),
              "antpool://" + account_name(first));

    account = right;
    if (c.right_sub) {
      antpool_.add_key({user(first), key(first), secret(first), {*c.right_sub}});
      AntpoolWorker row = antpool_worker(*c.right_sub + ".r1", hashrate(1), true);
      row.share_last_time_ms = (clock_.now().time_since_epoch().count() - 60) * 1000;
      antpool_.set_workers(*c.right_sub, {row});
      antpool_.set_amounts(*c.right_sub, "0.01", "1.50000000", "0.00100000", "1.40000000");
      account.sub_account = c.right_sub;
    }
    outcomes = run();
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].code, ExitCode::ok) << outcomes[0].error;
    EXPECT_EQ(number("SELECT id FROM pool WHERE account_name = '" + account_name(first) + "'"),
              pool_id);
    EXPECT_EQ(number("SELECT count(*) FROM pool"), 2);
    EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + std::to_string(pool_id)),
              1);
    EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE pool_id = " + std::to_string(pool_id) +
                     " AND outcome = 'failed' AND exit_code = 10"),
              1);
  }
}

}  // namespace
}  // namespace kz::test
