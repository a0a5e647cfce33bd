#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "common/cache.hpp"
#include "scrape/antpool/call_budget.hpp"
#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// What each account got in the last run, from the server's own log.
struct Served {
  bool overview = false, workers = false, offline = false, daily = false;
};

class BudgetTest : public CollectorTest {
 protected:
  std::map<std::string, Served> served() const {
    std::map<std::string, Served> by_user;
    for (const AntpoolRequest& r : last_requests_) {
      if (!r.user_id) continue;
      Served& s = by_user[*r.user_id];
      if (r.endpoint == "accountOverview.htm") s.overview = true;
      if (r.endpoint == "userWorkerList.htm") {
        (r.params.at("workerStatus") == "2" ? s.offline : s.workers) = true;
      }
      if (r.endpoint == "account.htm") s.daily = true;
    }
    return by_user;
  }
};

int deferred_in(const std::string& line, int tier) {
  std::smatch m;
  const std::regex pattern("tier " + std::to_string(tier) + " for ([0-9]+) account");
  return std::regex_search(line, m, pattern) ? std::stoi(m[1]) : 0;
}

TEST_F(BudgetTest, TightBudgetDefersInTheOrderOneThreeTwoFour) {
  settings_.worker_page_size = 50;
  constexpr int kAccounts = 4;
  int a = 100;
  for (int budget : {1, 2, 3, 4, 5, 6, 8, 9, 12, 15, 17, 20, 23, 26, 28, 29, 40}) {
    SCOPED_TRACE(budget);
    accounts_.clear();
    remove_cache();
    clock_.advance(hours(24));  // the server's window forgets the case before
    for (int i = 0; i < kAccounts; ++i) add_account(++a, 120, {1, 2, 3});
    settings_.budget_calls = 1000;
    ASSERT_EQ(run()[0].code, ExitCode::ok);
    clock_.advance(hours(24));  // every tier due; each account has offline workers
    settings_.budget_calls = budget;
    CapturedLog log;
    const auto outcomes = run();
    // Accounts whose tier 1 did not fit failed (exit 3); they come last.
    for (int i = 0; i < kAccounts; ++i) {
      EXPECT_EQ(outcomes[i].code, i < budget ? ExitCode::ok : ExitCode::fetch_failed)
          << outcomes[i].error;
    }
    EXPECT_LE(static_cast<int>(last_requests_.size()), budget);
    EXPECT_LE(antpool_.max_requests_in_window(std::chrono::seconds{600}),
              std::max(budget, 29));  // the first run of a case takes 29 calls

    const auto by_user = served();
    int overview = 0, whole = 0, covered = 0, daily = 0;
    for (const auto& [user_id, s] : by_user) {
      overview += s.overview;
      whole += s.workers;
      covered += s.workers || s.offline;
      daily += s.daily;
    }
    EXPECT_EQ(overview, std::min(budget, kAccounts));
    // Tier 3 (the offline list) before any whole list, whole lists before any tier 4.
    if (whole > 0) {
      EXPECT_EQ(covered, overview);
    }
    if (daily > 0) {
      EXPECT_EQ(whole, overview);
    }

    std::istringstream lines(log.text());
    std::string line, deferred_line;
    int deferred_lines = 0, tier2_never = 0, tier4_never = 0;
    while (std::getline(lines, line)) {
      tier2_never += line.find("tier 2 of antpool_") != std::string::npos;
      tier4_never += line.find("tier 4 of antpool_") != std::string::npos;
      if (line.find("deferred to the next run") == std::string::npos) continue;
      ++deferred_lines;
      deferred_line = line;
    }
    // Beside each account's tier 1 and poolStats.htm, a window holds 3 calls for a whole list
    // (120 workers, 50 a page) and for tier 4 only from a budget of 8; below, they are said to
    // never fit rather than deferred.
    const bool fits = budget >= kAccounts + 1 + 3;
    EXPECT_EQ(tier2_never, fits ? 0 : overview) << log.text();
    EXPECT_EQ(tier4_never, fits ? 0 : overview) << log.text();
    const int deferred = (kAccounts - overview) + (fits ? 2 * overview - whole - daily : 0);
    EXPECT_LE(deferred_lines, 1) << log.text();
    if (deferred > 0) {
      EXPECT_EQ(deferred_lines, 1) << log.text();
    }
    EXPECT_EQ(deferred_in(deferred_line, 1), kAccounts - overview) << deferred_line;
    EXPECT_EQ(deferred_in(deferred_line, 2), fits ? overview - whole : 0) << deferred_line;
    EXPECT_EQ(deferred_in(deferred_line, 4), fits ? overview - daily : 0) << deferred_line;
    if (deferred_lines > 0) {
      EXPECT_NE(deferred_line.find("of " + std::to_string(budget) + " calls left in 600 s"),
                std::string::npos)
          << deferred_line;
    }
  }
}

TEST_F(BudgetTest, SlotsTakenByAnotherProcessDeferThatAccountsTier) {
  settings_.worker_page_size = 10;
  settings_.budget_calls = 40;
  add_account(200, 35);
  add_account(201, 35);
  // While the first account's second page is answered, another process takes every slot.
  antpool_.set_override([&](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
    if (r.endpoint == "userWorkerList.htm" && r.params.count("page") &&
        r.params.at("page") == "2" && r.params.at("key") == key(200)) {
      Cache other(db_);
      CallBudget budget(other, settings_.budget_calls, settings_.budget_window, clock_);
      while (budget.reserve({"poolStats.htm", "other", "other-key", Tier::overview})) {
      }
    }
    return std::nullopt;
  });
  CapturedLog log;
  const auto outcomes = run();
  for (const PoolOutcome& outcome : outcomes) EXPECT_EQ(outcome.code, ExitCode::ok);
  EXPECT_EQ(requested("userWorkerList.htm"), 2);
  // Both accounts keep their summary; neither stored a worker from this run.
  EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE worker_list = 'none'"), 2);
  EXPECT_EQ(number("SELECT count(*) FROM worker_sample"), 0);
  EXPECT_EQ(number("SELECT count(*) FROM api_tier_run WHERE tier = 2"), 0);
  EXPECT_NE(log.text().find("tier 2 for 2 accounts"), std::string::npos) << log.text();
}

TEST_F(BudgetTest, TierFourPagesOnlyAsFarAsNewRows) {
  settings_.payment_page_size = 10;
  add_account(300, 2);
  const auto day = [](int back) {
    const auto d =
        std::chrono::sys_days{std::chrono::year{2026} / 11 / 21} - std::chrono::days{back};
    return format_utc(d).substr(0, 10) + " 00:00:00";
  };
  int newest = 0;  // days back of the newest day served
  std::vector<AntpoolRecvDay> recv;
  std::vector<AntpoolPayout> payouts;
  const auto add_days = [&](int count) {
    for (int k = 0; k < count; ++k) {
      const int back = 200 - newest++;
      recv.insert(recv.begin(),
                  AntpoolRecvDay{day(back), 1.24e15, "0", "0", "0.01811230", "0.00102345"});
      payouts.insert(payouts.begin(), AntpoolPayout{day(back), "bc1qexampleaddr",
                                                    "tx" + std::to_string(back), "0.10050000"});
    }
    antpool_.set_recv(user(300), recv);
    antpool_.set_payouts(user(300), payouts);
  };
  add_days(57);
  ASSERT_EQ(run()[0].code, ExitCode::ok);
  EXPECT_EQ(requested("paymentHistoryV2.htm", "type", "recv"), 6);
  EXPECT_EQ(number("SELECT count(*) FROM income_day"), 57);
  EXPECT_EQ(number("SELECT count(*) FROM payment"), 57);
  for (int added : {0, 3, 9, 10, 12, 25}) {
    SCOPED_TRACE(added);
    add_days(added);
    clock_.advance(hours(24));
    ASSERT_EQ(run()[0].code, ExitCode::ok);
    // Pages up to the first one that reaches a day the cache holds.
    EXPECT_EQ(requested("paymentHistoryV2.htm", "type", "recv"), added / 10 + 1);
    EXPECT_EQ(requested("paymentHistoryV2.htm", "type", "payout"), added / 10 + 1);
    EXPECT_EQ(number("SELECT count(*) FROM income_day"), newest);
    EXPECT_EQ(number("SELECT count(*) FROM payment"), newest);
  }
}

}  // namespace
}  // namespace kz::test
