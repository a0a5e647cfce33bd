// read_fleet_status over a cache filled by real kzscrape runs against generated observer pages:
// what it reads matches what the pages said and what the cache holds, and render_metrics on it
// passes promtool.
#include <gtest/gtest.h>

#include "integration/kzscrape_fixture.hpp"
#include "report/fleet_status.hpp"
#include "report/metrics.hpp"
#include "report/report_cache.hpp"
#include "support/report/generated_pool.hpp"
#include "support/report/prometheus_text.hpp"

namespace kz {
namespace {

using test::GeneratedPool;
using test::Step;

class FleetStatusScraped : public test::KzscrapeTest {
 protected:
  // One kzscrape run of `account` at /<account> serving `step`; returns its exit code.
  int run(const std::string& account, Step step) {
    server_.set("/" + account, {std::move(step)});
    const auto result = kzscrape(
        {"--url", server_.url("/" + account), "--db", db_, "--account", account, "--retries", "0"});
    return result.exit_code;
  }
  int scrape(const std::string& account, const GeneratedPool& pool) {
    const int code = run(account, Step::ok(pool.page()));
    EXPECT_EQ(code, 0) << account;
    return code;
  }
  int fail(const std::string& account) {
    const int code = run(account, Step::respond(500, "down"));
    EXPECT_NE(code, 0) << account;
    return code;
  }
  int64_t of_pool(const std::string& sql, const std::string& account) {
    return count("SELECT (" + sql + ") FROM pool p WHERE p.account_name = '" + account + "'");
  }
  std::string text_of_pool(const std::string& sql, const std::string& account) {
    return text("SELECT (" + sql + ") FROM pool p WHERE p.account_name = '" + account + "'");
  }
  std::vector<PoolStatus> fleet() {
    ReportCache cache(db_);
    std::vector<PoolStatus> out;
    cache.read_transaction([&] { out = read_fleet_status(cache.db()); });
    return out;
  }
};

TEST_F(FleetStatusScraped, MatchesThePagesAndTheCache) {
  GeneratedPool a(12, 3);
  a.set_avg_24h_hs(987'654e9);
  scrape("KZPool_001", a);
  a.set_online(2, false);  // worker_offline opens for worker 2
  scrape("KZPool_001", a);
  a.set_online(2, true);   // resolves
  a.set_online(5, false);  // opens for worker 5
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  scrape("KZPool_001", a);
  const auto after = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now());
  fail("KZPool_001");
  fail("KZPool_001");

  GeneratedPool b(4, 9);
  scrape("KZPool_002", b);
  for (int i = 0; i < 3; ++i) fail("KZPool_003");  // never scraped: scrape_failed opens

  const std::vector<PoolStatus> got = fleet();
  ASSERT_EQ(got.size(), 3u);
  const PoolStatus& p = got[0];
  EXPECT_EQ(p.pool.account, "KZPool_001");
  EXPECT_EQ(p.pool.source, "btcpool");
  EXPECT_EQ(p.hashrate_hs, a.hashrate_hs());
  EXPECT_EQ(p.hashrate_hs, 11 * 100e12);
  EXPECT_EQ(p.hashrate_24h_hs, 987'654e9);
  EXPECT_EQ(p.workers_online, 11);
  EXPECT_EQ(p.workers_offline, 1);
  EXPECT_EQ(p.balance_sat, a.balance_sat());
  EXPECT_EQ(p.last_income_sat, a.last_income_sat());
  ASSERT_TRUE(p.last_snapshot_at && p.last_success_at);
  EXPECT_EQ(p.last_snapshot_at,
            parse_utc_ms(text_of_pool("SELECT max(scraped_at) FROM snapshot WHERE pool_id = p.id",
                                      "KZPool_001")));
  EXPECT_GE(*p.last_snapshot_at, before);
  EXPECT_LE(*p.last_snapshot_at, after);
  EXPECT_EQ(p.last_success_at,
            parse_utc(text_of_pool("SELECT finished_at FROM scrape_run WHERE pool_id = p.id"
                                   " AND outcome = 'ok' ORDER BY id DESC LIMIT 1",
                                   "KZPool_001")));
  EXPECT_GE(*p.last_success_at, before);
  EXPECT_LE(*p.last_success_at, after);
  EXPECT_EQ(p.consecutive_failed_runs, 2);

  // Open alerts: zeros for every type the pool had, the cache's counts, and worker 5 alone open
  // among the worker_offline ones.
  std::set<std::string> types;
  int64_t worker_offline_open = 0;
  for (const auto& alert : p.open_alerts) {
    types.insert(alert.type);
    EXPECT_EQ(alert.open, of_pool("SELECT count(*) FROM alert WHERE pool_id = p.id AND"
                                  " resolved_at IS NULL AND alert_type = '" +
                                      alert.type + "' AND severity = '" + alert.severity + "'",
                                  "KZPool_001"))
        << alert.type << " " << alert.severity;
    if (alert.type == "worker_offline") worker_offline_open += alert.open;
  }
  EXPECT_EQ(p.open_alerts.size(), 3 * types.size());
  EXPECT_EQ(
      static_cast<int64_t>(types.size()),
      of_pool("SELECT count(DISTINCT alert_type) FROM alert WHERE pool_id = p.id", "KZPool_001"));
  EXPECT_TRUE(types.count("worker_offline"));
  EXPECT_EQ(worker_offline_open, 1);
  EXPECT_EQ(text_of_pool("SELECT subject FROM alert WHERE pool_id = p.id AND resolved_at IS NULL"
                         " AND alert_type = 'worker_offline'",
                         "KZPool_001"),
            a.worker(5));

  // Nothing was uploaded: every snapshot, worker, income day and alert waits.
  const std::map<std::string, int64_t> pending = {
      {"hashrates", 3},
      {"devices", 12},
      {"income_tracking", static_cast<int64_t>(a.income_days())},
      {"alerts", of_pool("SELECT count(*) FROM alert WHERE pool_id = p.id", "KZPool_001")},
      {"payments", 0},
      {"api_call_logs", 0}};
  EXPECT_EQ(p.upload_pending, pending);
  for (const auto& [table, rows] : p.upload_rejected) EXPECT_EQ(rows, 0) << table;
  EXPECT_EQ(p.notify_pending, 0);

  const PoolStatus& q = got[1];
  EXPECT_EQ(q.pool.account, "KZPool_002");
  EXPECT_EQ(q.hashrate_hs, 4 * 100e12);
  EXPECT_EQ(q.workers_online, 4);
  EXPECT_EQ(q.workers_offline, 0);
  EXPECT_EQ(q.consecutive_failed_runs, 0);
  EXPECT_EQ(q.upload_pending.at("hashrates"), 1);
  EXPECT_EQ(q.upload_pending.at("devices"), 4);

  // Only what is known of a pool without a snapshot: its runs and alerts, no values.
  const PoolStatus& r = got[2];
  EXPECT_EQ(r.pool.account, "KZPool_003");
  EXPECT_FALSE(r.last_snapshot_at || r.hashrate_hs || r.hashrate_24h_hs || r.balance_sat ||
               r.last_income_sat || r.last_success_at);
  EXPECT_EQ(r.consecutive_failed_runs, 3);
  int64_t scrape_failed = 0;
  for (const auto& alert : r.open_alerts) {
    if (alert.type == "scrape_failed") scrape_failed += alert.open;
  }
  EXPECT_EQ(scrape_failed, 1);
  EXPECT_EQ(r.upload_pending.at("hashrates"), 0);
  EXPECT_EQ(r.upload_pending.at("alerts"), 1);

  const TimePoint now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string metrics = render_metrics(got, now);
  const auto check = test::promtool_check_metrics(metrics);
  EXPECT_TRUE(check.clean()) << check.output << metrics;
  EXPECT_NE(metrics.find("kzpool_consecutive_failed_runs{account=\"KZPool_001\",source=\"btcpool\"}"
                         " 2\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("kzpool_workers{account=\"KZPool_001\",source=\"btcpool\",state="
                         "\"offline\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("kzpool_consecutive_failed_runs{account=\"KZPool_003\",source=\"btcpool\"}"
                         " 3\n"),
            std::string::npos);
  EXPECT_EQ(metrics.find("kzpool_hashrate_hashes_per_second{account=\"KZPool_003\""),
            std::string::npos);
  EXPECT_EQ(metrics.find("kzpool_last_success_timestamp_seconds{account=\"KZPool_003\""),
            std::string::npos);
}

}  // namespace
}  // namespace kz
