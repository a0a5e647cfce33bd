// The collector when Antpool refuses with an HTTP 4xx (an IP ban, a wrong URL): each account
// spends one call, not one per retry, and three such accounts in a row stop the run.

#include <gtest/gtest.h>

#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

class HttpRefusalTest : public CollectorTest {};

TEST_F(HttpRefusalTest, RefusedAccountsSpendOneCallThenTheRunStops) {
  const std::vector<std::pair<int, std::string>> cases = {
      {403, "an IP ban (more than 600 calls in 10 minutes) or an IP not allowed"},
      {404, "no such API endpoint: is --antpool-url / antpool.url right?"},
      {400, "a client error"}};
  int first = 300;
  for (const auto& [status, hint] : cases) {
    for (const int accounts : {1, 3, 5}) {
      SCOPED_TRACE(std::to_string(status) + " with " + std::to_string(accounts) + " accounts");
      first += 5;
      accounts_.clear();
      remove_cache();
      for (int i = first; i < first + accounts; ++i) add_account(i, 4);
      antpool_.set_override([status = status](const AntpoolRequest&) {
        return std::optional(antpool_html_page(status));
      });
      sleeps_ = 0;
      const auto outcomes = run();
      ASSERT_EQ(outcomes.size(), static_cast<size_t>(accounts));
      const int tried = std::min(accounts, 3);
      EXPECT_EQ(static_cast<int>(last_requests_.size()), tried);
      EXPECT_EQ(sleeps_, 0);
      for (int i = 0; i < accounts; ++i) {
        const PoolOutcome& outcome = outcomes[static_cast<size_t>(i)];
        EXPECT_EQ(outcome.code, ExitCode::fetch_failed) << outcome.error;
        int calls = 0;
        for (const AntpoolRequest& r : last_requests_)
          calls += r.params.at("key") == key(first + i);
        EXPECT_EQ(calls, i < tried ? 1 : 0) << i;
        if (i < tried) {
          EXPECT_NE(outcome.error.find("HTTP " + std::to_string(status)), std::string::npos)
              << outcome.error;
          EXPECT_NE(outcome.error.find(hint), std::string::npos) << outcome.error;
          EXPECT_NE(outcome.error.find("1 attempt"), std::string::npos) << outcome.error;
        } else {
          EXPECT_EQ(outcome.error.find("skipped: Antpool failed for 3 accounts in a row"), 0u)
              << outcome.error;
        }
      }
      EXPECT_EQ(number("SELECT count(*) FROM snapshot"), 0);
      EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND exit_code = " +
                       std::to_string(to_int(ExitCode::fetch_failed))),
                accounts);
    }
  }
}

}  // namespace
}  // namespace kz::test
