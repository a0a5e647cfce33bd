// A simulated day of the Antpool collector (issue 12): 144 cron runs, ten minutes apart on a
// fake clock shared with the local Antpool server, for 33 accounts of 200 workers each, some
// going offline and back, one losing hashrate. Then kzupload delivers it to the local Supabase.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "scrape/antpool/antpool_collector.hpp"
#include "support/antpool_server.hpp"
#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

constexpr int kAccounts = 33;
constexpr int kWorkers = 200;
constexpr int kRuns = 144;

std::string two_digits(int i) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", i);
  return text;
}

// A UTC host for the day (tier 4 runs after 02:00 local).
class UtcZone {
 public:
  UtcZone() {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  ~UtcZone() {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> saved_;
};

struct Fleet {
  std::vector<std::string> users;  // Antpool user ids, one key each
  std::vector<std::vector<AntpoolWorker>> workers;
};

Fleet make_fleet(AntpoolServer& server) {
  Fleet fleet;
  for (int a = 1; a <= kAccounts; ++a) {
    const std::string user = "site_sub" + two_digits(a);
    server.add_key({user, "key-" + two_digits(a), "secret-" + two_digits(a) + "-xyz", {}});
    std::vector<AntpoolWorker> workers;
    for (int w = 1; w <= kWorkers; ++w) {
      workers.push_back(
          antpool_worker(user + ".m" + std::to_string(w), 100e12 + 0.25e12 * w, true));
    }
    server.set_workers(user, workers);
    server.set_amounts(user, "0.0" + two_digits(a) + "12345", "3.45678901", "0.01987654", "3.4");
    server.set_recv(user, {{"2026-11-28 00:00:00", 2.1e16, "0", "0", "0.01811230", "0.00102345"},
                           {"2026-11-27 00:00:00", 2.0e16, "0", "0", "0.01790000", "0.00100001"}});
    server.set_payouts(user, {{"2026-11-25 00:00:00", "bc1qsim" + two_digits(a),
                               "tx" + two_digits(a) + std::string(60, 'a'), "0.10050000"}});
    fleet.users.push_back(user);
    fleet.workers.push_back(std::move(workers));
  }
  return fleet;
}

class AntpoolDayTest : public StandInTest {};

TEST_F(AntpoolDayTest, StaysInBudgetRunsEveryTierWhenDueRaisesAlertsAndReachesSupabase) {
  UtcZone utc;
  FixedClock clock(std::chrono::sys_days{std::chrono::November / 29 / 2026} +
                   std::chrono::minutes{5});
  const TimePoint day_start = clock.now();
  AntpoolServer server([&] { return TimePointMs(clock.now()); });
  Fleet fleet = make_fleet(server);

  AntpoolSettings settings;
  settings.url = server.url();
  std::vector<AntpoolPool> pools;
  for (int a = 0; a < kAccounts; ++a) {
    AntpoolPool pool;
    pool.account = {"antpool_" + two_digits(a + 1),
                    fleet.users[static_cast<size_t>(a)],
                    std::nullopt,
                    {"key-" + two_digits(a + 1), "secret-" + two_digits(a + 1) + "-xyz"}};
    pool.options.account_name = pool.account.account_name;
    pool.options.observer_url = pool.account.identity();
    pool.options.db_path = db_path_;
    pools.push_back(pool);
  }
  HttpOptions http;
  http.max_retries = 1;
  CurlTransport transport(http);
  const Sleeper no_sleep = [](std::chrono::milliseconds) {};

  // Account 1: five workers offline from run 30 to run 60. Account 2: every worker at 60 %
  // from run 70 to run 90.
  auto set_account = [&](int account, auto change) {
    std::vector<AntpoolWorker> workers = fleet.workers[static_cast<size_t>(account)];
    for (size_t w = 0; w < workers.size(); ++w) change(workers[w], w);
    server.set_workers(fleet.users[static_cast<size_t>(account)], workers);
  };
  for (int run = 0; run < kRuns; ++run) {
    if (run == 30) {
      set_account(0, [](AntpoolWorker& w, size_t i) {
        if (i < 5) w = antpool_worker(w.name, 0, false), w.hashrate_1d_hs = 90e12;
      });
    }
    if (run == 60) set_account(0, [](AntpoolWorker&, size_t) {});
    if (run == 70) {
      set_account(1, [](AntpoolWorker& w, size_t) {
        w.hashrate_10m_hs *= 0.6;
        w.hashrate_1h_hs *= 0.6;
      });
    }
    if (run == 90) set_account(1, [](AntpoolWorker&, size_t) {});
    std::ostringstream out;
    const auto outcomes = collect_antpool(pools, settings, transport, clock, no_sleep, out);
    for (const PoolOutcome& outcome : outcomes) {
      ASSERT_EQ(outcome.code, ExitCode::ok)
          << "run " << run << " " << outcome.account_name << ": " << outcome.error;
    }
    clock.advance(std::chrono::minutes{10});
  }

  // The budget, in the server's own count.
  EXPECT_FALSE(server.banned());
  EXPECT_LE(server.max_requests_in_window(std::chrono::seconds{600}), settings.budget_calls);
  const auto requests = server.requests();
  const double share = static_cast<double>(requests.size()) / (550.0 * kRuns);
  std::cerr << "[ day ] " << requests.size() << " calls, " << 100 * share
            << " % of the daily budget, busiest 10 min: " << server.max_requests_in_window()
            << "\n";
  EXPECT_LE(share, 0.35);

  // Every tier when due.
  std::map<std::string, std::set<int64_t>> worker_list_hours;   // tier 2 (workerStatus 0)
  std::map<std::string, std::vector<TimePoint>> offline_lists;  // tier 3
  std::map<std::string, std::set<std::string>> daily;           // tier 4 endpoints
  std::map<std::string, std::set<std::string>> first_daily;     // tier 4 of the first run
  std::map<std::string, int> overviews;
  for (const AntpoolRequest& r : requests) {
    ASSERT_TRUE(r.user_id) << r.endpoint;
    const std::string& user = *r.user_id;
    const auto at = std::chrono::floor<std::chrono::seconds>(r.at);
    if (r.endpoint == "accountOverview.htm") ++overviews[user];
    if (r.endpoint == "userWorkerList.htm") {
      const auto status = r.params.count("workerStatus") ? r.params.at("workerStatus") : "0";
      if (status == "2") {
        offline_lists[user].push_back(at);
      } else {
        worker_list_hours[user].insert(
            std::chrono::floor<std::chrono::hours>(at - day_start).count());
      }
    }
    if (r.endpoint == "account.htm" || r.endpoint == "paymentHistoryV2.htm") {
      // At once on the first run (a new account), then after 02:00.
      const bool first_run = at < day_start + std::chrono::minutes{5};
      (first_run ? first_daily : daily)[user].insert(
          r.endpoint + "/" + (r.params.count("type") ? r.params.at("type") : ""));
      if (!first_run) {
        EXPECT_GE(at, day_start + std::chrono::minutes{115}) << "tier 4 before 02:00";
      }
    }
  }
  EXPECT_EQ(server.request_count("poolStats.htm"), kRuns);
  for (const std::string& user : fleet.users) {
    EXPECT_EQ(overviews[user], kRuns) << user;
    EXPECT_EQ(worker_list_hours[user].size(), 24u) << user << ": the worker list once an hour";
    EXPECT_EQ(daily[user], (std::set<std::string>{"account.htm/", "paymentHistoryV2.htm/payout",
                                                  "paymentHistoryV2.htm/recv"}))
        << user;
    EXPECT_EQ(first_daily[user], daily[user]) << user;
  }
  // Tier 3 only for the accounts with a problem (offline workers, a hashrate drop), at most
  // every 30 minutes (pages of one check share its minute).
  EXPECT_GE(offline_lists[fleet.users[0]].size(), 2u);
  for (const auto& [user, checks] : offline_lists) {
    EXPECT_TRUE(user == fleet.users[0] || user == fleet.users[1]) << user;
    for (size_t i = 1; i < checks.size(); ++i) {
      if (checks[i] - checks[i - 1] > std::chrono::minutes{1}) {
        EXPECT_GE(checks[i] - checks[i - 1], std::chrono::minutes{30}) << user;
      }
    }
  }

  // Alerts from Antpool data, opened and resolved.
  auto alerts = [&](const std::string& account, const std::string& type, bool resolved) {
    return cache_count(
        "SELECT count(*) FROM alert a JOIN pool p ON p.id = a.pool_id"
        " WHERE p.account_name = '" +
        account + "' AND a.alert_type = '" + type + "' AND a.resolved_at IS " +
        (resolved ? "NOT NULL" : "NULL"));
  };
  EXPECT_EQ(alerts("antpool_01", "worker_offline", true), 5);
  EXPECT_EQ(alerts("antpool_01", "worker_offline", false), 0);
  EXPECT_EQ(alerts("antpool_01", "offline_workers", true), 1);
  EXPECT_EQ(alerts("antpool_02", "hashrate_drop", true), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM alert WHERE resolved_at IS NULL"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_latest_workers"), kAccounts * kWorkers);

  // kzupload delivers it all.
  for (const AntpoolPool& pool : pools) {
    UploadOptions o = options();
    o.labels.account = pool.account.account_name;
    upload(o);
  }
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE account_type = 'antpool'"), kAccounts);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE device_id LIKE 'AP\\_%'"),
            kAccounts * kWorkers);
  EXPECT_EQ(count("hashrates"), kAccounts * kRuns);
  EXPECT_EQ(count("SELECT count(*) FROM income_tracking WHERE source = 'Antpool'"), kAccounts * 2);
  EXPECT_EQ(count("payments"), kAccounts);
  EXPECT_EQ(count("SELECT count(*) FROM alerts"), cache_count("SELECT count(*) FROM alert"));
  EXPECT_EQ(count("pool_stats"), kRuns);
  EXPECT_EQ(count("api_call_logs"), static_cast<long>(requests.size()));
}

}  // namespace
}  // namespace kz::test
