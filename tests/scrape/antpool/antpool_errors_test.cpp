#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "scrape/antpool/collector_fixture.hpp"

namespace kz::test {
namespace {

// A reply to `r` from `override_for` when it is signed with `k`, else the normal answer.
std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> for_key(
    const std::string& k, std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> reply) {
  return [k, reply](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
    if (!r.params.count("key") || r.params.at("key") != k) return std::nullopt;
    return reply(r);
  };
}

class ErrorsTest : public CollectorTest {
 protected:
  // Three accounts from `first`; the middle one gets `reply`. Returns the outcomes.
  std::vector<PoolOutcome> run_with_middle_failing(
      int first, std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> reply) {
    accounts_.clear();
    remove_cache();
    for (int i = first; i < first + 3; ++i) add_account(i, 12, {4});
    antpool_.set_override(for_key(key(first + 1), std::move(reply)));
    return run();
  }
  // The middle account failed with `code` in `tier`, and the two others were stored. A tier-1
  // failure is a failed run with nothing else of it stored; a lower tier's failure keeps the
  // tiers before it (a snapshot, its run row 'ok' with the code) and is not marked run.
  void expect_only_middle_failed(int first, ExitCode code, const std::vector<PoolOutcome>& outcomes,
                                 int tier = 1) {
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].code, ExitCode::ok) << outcomes[0].error;
    EXPECT_EQ(outcomes[1].code, code) << outcomes[1].error;
    EXPECT_EQ(outcomes[2].code, ExitCode::ok) << outcomes[2].error;
    EXPECT_NE(outcomes[1].error.find("antpool_"), std::string::npos) << outcomes[1].error;
    const std::string failed = pool_of(first + 1);
    EXPECT_EQ(text("SELECT source FROM pool WHERE id = " + failed), "antpool");
    if (tier > 1) {
      EXPECT_NE(outcomes[1].error.find("tier " + std::to_string(tier) + ": "), std::string::npos)
          << outcomes[1].error;
      EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'ok' AND exit_code = " +
                       std::to_string(to_int(code)) +
                       " AND snapshot_id IS NOT NULL AND pool_id = " + failed),
                1);
      EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + failed), 1);
      EXPECT_EQ(number("SELECT count(*) FROM worker_sample s JOIN snapshot n ON n.id = "
                       "s.snapshot_id WHERE n.pool_id = " +
                       failed),
                tier == 2 ? 0 : 12);
      EXPECT_EQ(number("SELECT count(*) FROM income_day WHERE pool_id = " + failed), 0);
      EXPECT_EQ(number("SELECT count(*) FROM api_tier_run WHERE pool_id = " + failed +
                       " AND tier IN (" + std::to_string(tier) + ", 3)"),
                tier == 2 ? 0 : 1);
      EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE workers_complete = 1"),
                tier == 2 ? 2 : 3);
      return;
    }
    EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND exit_code = " +
                     std::to_string(to_int(code)) + " AND pool_id = " + failed),
              1);
    EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE pool_id = " + failed), 0);
    EXPECT_EQ(number("SELECT count(*) FROM worker WHERE pool_id = " + failed), 0);
    EXPECT_EQ(number("SELECT count(*) FROM income_day WHERE pool_id = " + failed), 0);
    EXPECT_EQ(number("SELECT count(*) FROM api_tier_run WHERE pool_id = " + failed), 0);
    EXPECT_EQ(number("SELECT count(*) FROM snapshot WHERE workers_complete = 1"), 2);
  }
};

TEST_F(ErrorsTest, EveryErrorCodeFailsOnlyItsAccount) {
  int first = 400;
  const std::map<std::string, int> tiers = {
      {"accountOverview.htm", 1}, {"userWorkerList.htm", 2}, {"account.htm", 4}};
  for (const auto& [endpoint, tier] : tiers) {
    for (int code : {-6, -7, -8, -9, -10, -1, -2, -3, -11, -18, -24}) {
      SCOPED_TRACE(std::string(endpoint) + " " + std::to_string(code));
      first += 3;
      const auto outcomes = run_with_middle_failing(first, [&](const AntpoolRequest& r) {
        return r.endpoint == endpoint
                   ? std::optional(antpool_error(code, "message " + std::to_string(code)))
                   : std::nullopt;
      });
      const bool key_error = code <= -6 && code >= -10;
      expect_only_middle_failed(first, key_error ? ExitCode::api_key_rejected : ExitCode::api_error,
                                outcomes, tier);
      if (!key_error) {
        EXPECT_NE(outcomes[1].error.find("message " + std::to_string(code)), std::string::npos)
            << outcomes[1].error;
      }
    }
  }
}

TEST_F(ErrorsTest, PagingInconsistencyIsExit12WithNothingOfThatAccountWritten) {
  settings_.worker_page_size = 5;  // 12 workers: 3 pages
  int first = 600;
  for (const std::string fault : {"page", "total"}) {
    SCOPED_TRACE(fault);
    first += 3;
    const auto outcomes = run_with_middle_failing(first, [&](const AntpoolRequest& r) {
      if (r.endpoint != "userWorkerList.htm" || r.params.at("page") != "2") {
        return std::optional<AntpoolReply>();
      }
      nlohmann::json rows = nlohmann::json::array();
      for (int w = 5; w < 10; ++w) {
        rows.push_back({{"workerId", worker(first + 1, w)},
                        {"hsLast10min", "100.00 TH/s"},
                        {"hsLast1h", "100.00 TH/s"},
                        {"hsLast1d", "100.00 TH/s"},
                        {"rejectRatio", "0.00%"},
                        {"shareLastTime", "1795000000000"},
                        {"workerStatus", 1}});
      }
      const bool quirk = fault == "page";
      nlohmann::json data = {{"result",
                              {{"page", quirk ? 1 : 2},
                               {"totalPage", quirk ? 3 : 4},
                               {"pageSize", 5},
                               {"totalRecord", quirk ? 12 : 17},
                               {"rows", rows}}}};
      nlohmann::json body = {{"code", 0}, {"message", "ok"}, {"data", data}};
      return std::optional(AntpoolReply{200, body.dump(), "application/json"});
    });
    expect_only_middle_failed(first, ExitCode::api_paging, outcomes, 2);
  }
}

TEST_F(ErrorsTest, HtmlPageIsRetriedThenExit3) {
  for (const char* endpoint : {"accountOverview.htm", "userWorkerList.htm"}) {
    SCOPED_TRACE(endpoint);
    const int first = std::string(endpoint) == "accountOverview.htm" ? 700 : 710;
    sleeps_ = 0;
    const auto outcomes = run_with_middle_failing(first, [&](const AntpoolRequest& r) {
      return r.endpoint == endpoint ? std::optional(antpool_html_page(503)) : std::nullopt;
    });
    expect_only_middle_failed(first, ExitCode::fetch_failed, outcomes,
                              std::string(endpoint) == "accountOverview.htm" ? 1 : 2);
    int attempts = 0;
    for (const AntpoolRequest& r : last_requests_) {
      attempts += r.endpoint == endpoint && r.params.at("key") == key(first + 1);
    }
    EXPECT_EQ(attempts, http_.max_retries + 1);
    EXPECT_GE(sleeps_, http_.max_retries);
  }
}

TEST_F(ErrorsTest, ThreeAccountsFailingInARowSkipTheRest) {
  // Which of six accounts fail transiently, and which are skipped after three in a row.
  struct Case {
    std::vector<int> failing;
    std::vector<int> skipped;
  };
  int first = 800;
  for (const Case& c : {Case{{0, 1, 2}, {3, 4, 5}}, Case{{0, 1, 3, 4}, {}}, Case{{1, 2, 3}, {4, 5}},
                        Case{{0, 2, 3, 4}, {5}}}) {
    first += 6;
    accounts_.clear();
    remove_cache();
    std::set<std::string> failing_keys;
    for (int i = 0; i < 6; ++i) add_account(first + i, 3);
    for (int i : c.failing) failing_keys.insert(key(first + i));
    antpool_.set_override([failing_keys](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
      if (r.params.count("key") && failing_keys.count(r.params.at("key"))) {
        return antpool_html_page(503);
      }
      return std::nullopt;
    });
    const auto outcomes = run();
    for (int i = 0; i < 6; ++i) {
      SCOPED_TRACE(i);
      const bool failing = std::count(c.failing.begin(), c.failing.end(), i) > 0;
      const bool skipped = std::count(c.skipped.begin(), c.skipped.end(), i) > 0;
      EXPECT_EQ(outcomes[static_cast<size_t>(i)].code,
                failing || skipped ? ExitCode::fetch_failed : ExitCode::ok);
      EXPECT_EQ(outcomes[static_cast<size_t>(i)].error.find("skipped: Antpool failed for 3 "
                                                            "accounts in a row") == 0,
                skipped);
      int calls = 0;
      for (const AntpoolRequest& r : last_requests_) calls += r.params.at("key") == key(first + i);
      if (skipped) {
        EXPECT_EQ(calls, 0);
      }
      EXPECT_EQ(number("SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND pool_id = " +
                       pool_of(first + i)),
                failing || skipped ? 1 : 0);
    }
  }
}

TEST_F(ErrorsTest, NoSecretInLogsOutputOrCache) {
  int first = 900;
  for (bool dry_run : {false, true}) {
    first += 3;
    accounts_.clear();
    remove_cache();
    for (int i = first; i < first + 3; ++i) add_account(i, 60, {1});
    antpool_.set_override(for_key(key(first + 1), [](const AntpoolRequest& r) {
      return r.endpoint == "userWorkerList.htm"
                 ? std::optional(antpool_error(-7, "Signature error"))
                 : std::nullopt;
    }));
    CapturedLog log;
    run(dry_run);
    const std::string cache_text =
        text("SELECT coalesce(group_concat(coalesce(error, ''), '|'), '') FROM api_call") +
        text("SELECT coalesce(group_concat(coalesce(error, ''), '|'), '') FROM scrape_run") +
        text("SELECT coalesce(group_concat(message, '|'), '') FROM alert");
    for (int i = first; i < first + 3; ++i) {
      for (const std::string& secret_text : {key(i), secret(i)}) {
        EXPECT_EQ(log.text().find(secret_text), std::string::npos) << secret_text;
        EXPECT_EQ(output_.find(secret_text), std::string::npos) << secret_text;
        EXPECT_EQ(cache_text.find(secret_text), std::string::npos) << secret_text;
      }
    }
    EXPECT_NE(log.text().find(account_name(first + 1)), std::string::npos);
  }
}

}  // namespace
}  // namespace kz::test
