#include <gtest/gtest.h>

#include <regex>

#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

using std::chrono::hours;

// Lines of `log` holding `text`.
int lines_with(const std::string& log, const std::string& text) {
  std::istringstream lines(log);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) n += line.find(text) != std::string::npos;
  return n;
}

// A failing lower tier keeps the tiers before it: their snapshot is stored every run, only they
// are marked run, and the account's outcome and run row carry the failed tier's code and error.
TEST_F(CollectorTest, FailingLowerTierKeepsTheTiersThatSucceeded) {
  struct Case {
    const char* endpoint;
    int tier;
    int code;
    ExitCode exit;
  };
  const std::vector<Case> cases = {{"paymentHistoryV2.htm", 4, -9, ExitCode::api_key_rejected},
                                   {"paymentHistoryV2.htm", 4, -3, ExitCode::api_error},
                                   {"account.htm", 4, -18, ExitCode::api_error},
                                   {"userWorkerList.htm", 2, -9, ExitCode::api_key_rejected},
                                   {"userWorkerList.htm", 2, -24, ExitCode::api_error}};
  int i = 300;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.endpoint) + " " + std::to_string(c.code));
    accounts_.clear();
    remove_cache();
    add_account(++i, 12, {3});
    const std::string endpoint = c.endpoint;
    antpool_.set_override([&](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
      if (r.endpoint != endpoint) return std::nullopt;
      return antpool_error(c.code, "message " + std::to_string(c.code));
    });
    const std::string pool = pool_of(i);
    for (int n = 1; n <= 3; ++n) {
      SCOPED_TRACE(n);
      clock_.advance(hours(24));  // every tier due
      const auto outcomes = run();
      ASSERT_EQ(outcomes.size(), 1u);
      EXPECT_EQ(outcomes[0].code, c.exit) << outcomes[0].error;
      EXPECT_NE(outcomes[0].error.find(endpoint), std::string::npos) << outcomes[0].error;
      EXPECT_NE(outcomes[0].error.find("tier " + std::to_string(c.tier)), std::string::npos)
          << outcomes[0].error;
      EXPECT_EQ(requested(endpoint) > 0, true);
      EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + pool), n);
      EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'ok' AND exit_code = " +
                       std::to_string(to_int(c.exit)) + " AND snapshot_id IS NOT NULL AND error " +
                       "LIKE '%" + endpoint + "%' AND pool_id = " + pool),
                n);
      EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 0);
      // The failed tier stays due: never marked run.
      EXPECT_EQ(number("SELECT count(*) FROM api_tier_run WHERE tier = " + std::to_string(c.tier) +
                       " AND pool_id = " + pool),
                0);
      EXPECT_EQ(number("SELECT count(*) FROM api_tier_run WHERE tier = 1 AND pool_id = " + pool),
                1);
      const int64_t samples = number("SELECT count(*) FROM worker_sample");
      EXPECT_EQ(samples, c.tier == 2 ? 0 : 12 * n);
      EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE worker_list = 'all'"),
                c.tier == 2 ? 0 : n);
    }
    // Alerts are judged from the stored page: the failures never count as failed runs.
    EXPECT_EQ(number("SELECT count(*) FROM alert WHERE alert_type = 'scrape_failed'"), 0);
    antpool_.set_override(nullptr);
  }
}

// An account whose tier 1 does not fit the budget is a failed run (exit 3), so that repeated
// deferrals open scrape_failed; the accounts that fitted are stored.
TEST_F(CollectorTest, DeferredTierOneIsAFailedRun) {
  const std::regex line(
      "deferred: the Antpool call budget had no slot left \\(([0-9]+) of ([0-9]+) calls used in "
      "the last 600 s\\)");
  int i = 500;
  for (int accounts : {2, 3, 5}) {
    for (int budget = 1; budget < accounts; ++budget) {
      SCOPED_TRACE(std::to_string(accounts) + " accounts, budget " + std::to_string(budget));
      accounts_.clear();
      remove_cache();
      for (int a = 0; a < accounts; ++a) add_account(++i, 3);
      settings_.budget_calls = budget;
      for (int n = 1; n <= 3; ++n) {
        clock_.advance(hours(24));
        const auto outcomes = run();
        ASSERT_EQ(static_cast<int>(outcomes.size()), accounts);
        for (int a = 0; a < accounts; ++a) {
          const std::string pool = pool_of(i - accounts + 1 + a);
          if (a < budget) {
            EXPECT_EQ(outcomes[a].code, ExitCode::ok) << outcomes[a].error;
            EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + pool), n);
            continue;
          }
          EXPECT_EQ(outcomes[a].code, ExitCode::fetch_failed) << outcomes[a].error;
          std::smatch m;
          ASSERT_TRUE(std::regex_search(outcomes[a].error, m, line)) << outcomes[a].error;
          EXPECT_EQ(std::stoi(m[1]), budget);
          EXPECT_EQ(std::stoi(m[2]), budget);
          EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + pool), 0);
          EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND "
                           "exit_code = 3 AND pool_id = " +
                           pool),
                    n);
          EXPECT_EQ(number("SELECT count(*) FROM alert WHERE alert_type = 'scrape_failed' AND "
                           "resolved_at IS NULL AND pool_id = " +
                           pool),
                    n >= 3 ? 1 : 0);
        }
      }
    }
  }
}

// Order 1, 3, 2, 4: once an account's whole list is deferred, no account's tier 4 goes ahead.
TEST_F(CollectorTest, DeferredTierTwoHoldsBackEveryTierFour) {
  settings_.worker_page_size = 10;
  int i = 700;
  for (int big : {5, 6, 7}) {
    SCOPED_TRACE(big);
    accounts_.clear();
    remove_cache();
    add_account(++i, 5);
    add_account(++i, 5);
    add_account(++i, big * 10);  // `big` pages
    // Tier 1 and poolStats.htm take 4, the small lists 1 each: 2 + `big` - 1 left, one short.
    settings_.budget_calls = 4 + 2 + big - 1;
    clock_.advance(hours(24));
    CapturedLog log;
    const auto outcomes = run();
    for (const PoolOutcome& outcome : outcomes) EXPECT_EQ(outcome.code, ExitCode::ok);
    EXPECT_EQ(requested("userWorkerList.htm"), 2);
    EXPECT_EQ(requested("account.htm"), 0) << log.text();
    EXPECT_EQ(lines_with(log.text(), "tier 2 for 1 account, tier 4 for 3 accounts"), 1)
        << log.text();
    EXPECT_EQ(lines_with(log.text(), "needs"), 0) << log.text();
  }
}

// A tier that can never fit is said once a run, in its own line, and not deferred; the tiers
// after it still run.
TEST_F(CollectorTest, TierThatCanNeverFitIsSaidOncePerRun) {
  settings_.worker_page_size = 10;
  int i = 800;
  for (int pages : {4, 5, 9}) {
    SCOPED_TRACE(pages);
    accounts_.clear();
    remove_cache();
    add_account(++i, pages * 10);
    settings_.budget_calls = pages + 1;  // tier 1 and poolStats.htm leave pages - 1
    for (int n = 1; n <= 2; ++n) {
      clock_.advance(hours(24));
      CapturedLog log;
      const auto outcomes = run();
      ASSERT_EQ(outcomes.size(), 1u);
      EXPECT_EQ(outcomes[0].code, ExitCode::ok) << outcomes[0].error;
      const std::string expected = "tier 2 of " + account_name(i) + " needs " +
                                   std::to_string(pages) + " calls, more than budget_calls " +
                                   std::to_string(pages + 1) + " minus tier 1's 2";
      EXPECT_EQ(lines_with(log.text(), expected), 1) << log.text();
      EXPECT_EQ(lines_with(log.text(), "raise budget_calls or worker_page_size"), 1);
      EXPECT_EQ(lines_with(log.text(), "tier 2 for"), 0) << log.text();
      EXPECT_EQ(requested("userWorkerList.htm"), 0);
      // Tier 4 takes 3 calls: it runs when they are left.
      EXPECT_EQ(requested("account.htm"), pages - 1 >= 3 ? 1 : 0);
    }
  }
}

}  // namespace
}  // namespace kz::test
