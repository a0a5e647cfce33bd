#include "scrape/alerts/anomaly_rules.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "scrape/alerts/alert_sim.hpp"

namespace kz::test {
namespace {

const AlertKey kOffline = key("offline_workers");
const AlertKey kScrapeFailed = key("scrape_failed");

// A page whose cards say `online` and `offline`, with a table listing all of them.
ObserverPage fleet(int online_count, int offline_count) {
  std::vector<WorkerRow> rows;
  for (int i = 0; i < online_count; ++i) rows.push_back(online("on" + std::to_string(i)));
  for (int i = 0; i < offline_count; ++i) rows.push_back(offline("off" + std::to_string(i)));
  return page(5e15, std::move(rows));
}

Severity offline_severity(int online_count, int offline_count) {
  const ObserverPage observed = fleet(online_count, offline_count);
  RuleContext context;
  context.page = &observed;
  const std::vector<Finding> findings = evaluate_rules(context, {}, {});
  const Finding* finding = find_finding(findings, kOffline);
  EXPECT_NE(finding, nullptr);
  EXPECT_TRUE(finding && finding->active);
  return finding ? finding->severity : Severity::low;
}

TEST(AnomalyRules, SeverityToString) {
  EXPECT_STREQ(to_string(Severity::low), "low");
  EXPECT_STREQ(to_string(Severity::medium), "medium");
  EXPECT_STREQ(to_string(Severity::high), "high");
}

TEST(AnomalyRules, Median) {
  EXPECT_EQ(median({}), std::nullopt);
  EXPECT_EQ(median({4.0}), 4.0);
  EXPECT_EQ(median({9.0, 1.0, 5.0}), 5.0);
  EXPECT_EQ(median({10.0, 1.0, 4.0, 2.0}), 3.0);  // mean of 2 and 4
  EXPECT_EQ(median({3e16, 1e16}), 2e16);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(median({nan, 7.0, 1.0, nan, 3.0}), 3.0);  // NaN values are skipped
  EXPECT_EQ(median({nan}), std::nullopt);
}

TEST(OfflineWorkers, OpensUpdatesAndResolvesOnce) {
  Pool pool;
  pool.ok(fleet(60, 0));
  EXPECT_FALSE(pool.store.is_open(kOffline));

  pool.ok(fleet(57, 3));
  const OpenAlert* alert = pool.store.find(kOffline);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::medium);
  EXPECT_EQ(alert->message, "3 of 60 workers offline (5.0%)");

  pool.ok(fleet(57, 3));
  pool.ok(fleet(53, 7));
  alert = pool.store.find(kOffline);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::high);
  EXPECT_EQ(alert->message, "7 of 60 workers offline (11.7%)");
  EXPECT_EQ(pool.store.counts(kOffline).opened, 1);
  EXPECT_EQ(pool.store.counts(kOffline).updated, 2);

  const std::vector<AlertChange> changes = pool.ok(fleet(60, 0));
  EXPECT_FALSE(pool.store.is_open(kOffline));
  const AlertChange* resolve = find_change(changes, kOffline);
  ASSERT_NE(resolve, nullptr);
  EXPECT_EQ(resolve->action, AlertAction::resolve);
  EXPECT_EQ(resolve->severity, Severity::high);  // carried from the open alert
  EXPECT_EQ(resolve->message.rfind("resolved: ", 0), 0u) << resolve->message;

  pool.ok(fleet(60, 0));
  EXPECT_EQ(pool.store.counts(kOffline).opened, 1);
  EXPECT_EQ(pool.store.counts(kOffline).resolved, 1);
}

TEST(OfflineWorkers, CountBoundary) {
  EXPECT_EQ(offline_severity(95, 5), Severity::medium);  // 5 offline, 5%
  EXPECT_EQ(offline_severity(94, 6), Severity::high);    // 6 offline, 6%
}

TEST(OfflineWorkers, FractionBoundary) {
  EXPECT_EQ(offline_severity(9, 1), Severity::medium);   // exactly 10%
  EXPECT_EQ(offline_severity(8, 1), Severity::high);     // 11.1%
  EXPECT_EQ(offline_severity(45, 5), Severity::medium);  // exactly 10%
  EXPECT_EQ(offline_severity(44, 5), Severity::high);    // 10.2%
  EXPECT_EQ(offline_severity(0, 2), Severity::high);     // the whole fleet
}

TEST(OfflineWorkers, UsesTheCardsNotTheTable) {
  // The table lists 2 workers; the cards count 5 offline of 50.
  const ObserverPage observed = page(1e15, {online("a"), online("b")}, 45, 5);
  RuleContext context;
  context.page = &observed;
  const std::vector<Finding> findings = evaluate_rules(context, {}, {});
  const Finding* finding = find_finding(findings, kOffline);
  ASSERT_NE(finding, nullptr);
  EXPECT_TRUE(finding->active);
  EXPECT_EQ(finding->message, "5 of 50 workers offline (10.0%)");
}

TEST(WorkerOffline, SeenOnlineThenOfflineThenBack) {
  const AlertKey rig = key("worker_offline", "rig7");
  Pool pool;
  pool.ok(page(1e15, {online("rig7"), online("rig8")}));
  EXPECT_FALSE(pool.store.is_open(rig));

  pool.ok(page(1e15, {worker("rig7", WorkerStatus::offline, 0, 110e12, "2026-11-22T10:33:25"),
                      online("rig8")}));
  const OpenAlert* alert = pool.store.find(rig);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::medium);
  EXPECT_NE(alert->message.find("rig7"), std::string::npos) << alert->message;
  EXPECT_NE(alert->message.find("110.000 TH/s"), std::string::npos) << alert->message;
  EXPECT_NE(alert->message.find("2026-11-22T10:33:25"), std::string::npos) << alert->message;
  EXPECT_FALSE(pool.store.is_open(key("worker_offline", "rig8")));

  pool.ok(page(1e15, {offline("rig7"), online("rig8")}));
  EXPECT_EQ(pool.store.counts(rig).updated, 1);

  // Back online but hashing nothing yet: worker_offline is left alone.
  std::vector<AlertChange> changes = pool.ok(page(1e15, {online("rig7", 0), online("rig8")}));
  EXPECT_EQ(find_change(changes, rig), nullptr);
  EXPECT_TRUE(pool.store.is_open(rig));
  EXPECT_TRUE(pool.store.is_open(key("zero_hashrate", "rig7")));

  changes = pool.ok(page(1e15, {online("rig7", 50e12), online("rig8")}));
  const AlertChange* resolve = find_change(changes, rig);
  ASSERT_NE(resolve, nullptr);
  EXPECT_EQ(resolve->action, AlertAction::resolve);
  EXPECT_FALSE(pool.store.is_open(rig));
  EXPECT_FALSE(pool.store.is_open(key("zero_hashrate", "rig7")));
  EXPECT_EQ(pool.store.counts(rig).opened, 1);
  EXPECT_EQ(pool.store.counts(rig).resolved, 1);
  EXPECT_EQ(pool.store.open_count(), 0u);
}

TEST(WorkerOffline, NeverSeenOnlineGetsNoWorkerAlert) {
  Pool pool;
  pool.ok(page(1e15, {online("a"), offline("ghost")}));
  pool.ok(page(1e15, {online("a"), offline("ghost")}));
  EXPECT_FALSE(pool.store.is_open(key("worker_offline", "ghost")));
  EXPECT_EQ(find_finding(pool.store.findings(), key("worker_offline", "ghost")), nullptr);
  const OpenAlert* fleet_alert = pool.store.find(kOffline);
  ASSERT_NE(fleet_alert, nullptr);
  EXPECT_EQ(fleet_alert->message, "1 of 2 workers offline (50.0%)");
}

TEST(WorkerOffline, MissingFromAnIncompleteTableIsUntouched) {
  const AlertKey rig = key("worker_offline", "rig7");
  const AlertKey idle = key("zero_hashrate", "idle");
  Pool pool;
  pool.ok(page(1e15, {online("rig7"), online("idle"), online("quiet")}));
  pool.ok(page(1e15, {offline("rig7"), online("idle", 0), online("quiet")}));
  ASSERT_TRUE(pool.store.is_open(rig));
  ASSERT_TRUE(pool.store.is_open(idle));
  const OpenAlert before = *pool.store.find(rig);

  // The cards count 3 workers, the table lists one: rig7, idle and quiet are unknown.
  const ObserverPage partial = page(1e15, {online("other")}, 3, 1);
  ASSERT_FALSE(partial.workers_complete());
  const std::vector<AlertChange> changes = pool.ok(partial);
  EXPECT_EQ(find_change(changes, rig), nullptr);
  EXPECT_EQ(find_change(changes, idle), nullptr);
  EXPECT_EQ(find_finding(pool.store.findings(), rig), nullptr);
  EXPECT_EQ(find_finding(pool.store.findings(), idle), nullptr);
  EXPECT_EQ(find_finding(pool.store.findings(), key("worker_offline", "quiet")), nullptr);
  ASSERT_TRUE(pool.store.is_open(rig));
  EXPECT_EQ(pool.store.find(rig)->message, before.message);
  EXPECT_TRUE(pool.store.is_open(idle));
  EXPECT_FALSE(pool.store.is_open(key("worker_offline", "quiet")));
}

TEST(WorkerOffline, StaysOpenWhileOfflineEvenIfHistoryForgotTheWorker) {
  const ObserverPage observed = page(1e15, {offline("rig7")});
  RuleContext context;
  context.page = &observed;  // workers_seen_online no longer lists rig7
  const std::vector<OpenAlert> open = {{key("worker_offline", "rig7"), Severity::medium, "x"}};
  const std::vector<Finding> findings = evaluate_rules(context, open, {});
  const Finding* finding = find_finding(findings, key("worker_offline", "rig7"));
  ASSERT_NE(finding, nullptr);
  EXPECT_TRUE(finding->active);
}

TEST(WorkerOffline, RepeatedTableRowsGiveOneFindingPerKey) {
  const ObserverPage observed =
      page(1e15, {offline("rig7"), offline("rig7"), online("z", 0), online("z", 0)});
  RuleContext context;
  context.page = &observed;
  context.workers_seen_online = {"rig7"};
  const std::vector<Finding> findings = evaluate_rules(context, {}, {});
  EXPECT_TRUE(keys_unique(findings));
  EXPECT_NE(find_finding(findings, key("worker_offline", "rig7")), nullptr);
  EXPECT_NE(find_finding(findings, key("zero_hashrate", "z")), nullptr);
}

TEST(ZeroHashrate, OpensWhileOnlineAtZeroAndResolvesWithHashrate) {
  const AlertKey idle = key("zero_hashrate", "idle");
  Pool pool;
  pool.ok(page(1e15, {online("idle", 0)}));
  const OpenAlert* alert = pool.store.find(idle);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::medium);
  EXPECT_NE(alert->message.find("idle"), std::string::npos);
  EXPECT_FALSE(pool.store.is_open(key("worker_offline", "idle")));

  pool.ok(page(1e15, {online("idle", 0)}));
  EXPECT_EQ(pool.store.counts(idle).opened, 1);
  EXPECT_EQ(pool.store.counts(idle).updated, 1);

  pool.ok(page(1e15, {online("idle", 1e12)}));
  EXPECT_FALSE(pool.store.is_open(idle));
  EXPECT_EQ(pool.store.counts(idle).resolved, 1);
}

TEST(ZeroHashrate, ListedOfflineHandsOverToWorkerOffline) {
  const AlertKey idle = key("zero_hashrate", "idle");
  Pool pool;
  pool.ok(page(1e15, {online("idle", 0)}));
  ASSERT_TRUE(pool.store.is_open(idle));
  pool.ok(page(1e15, {offline("idle")}));
  EXPECT_FALSE(pool.store.is_open(idle));
  EXPECT_TRUE(pool.store.is_open(key("worker_offline", "idle")));  // it was listed online before
}

TEST(ScrapeFailed, OpensAfterThreeFailuresAndResolvesOnSuccess) {
  Pool pool;
  pool.ok(fleet(10, 0));
  EXPECT_TRUE(pool.fail().empty());
  EXPECT_TRUE(pool.fail().empty());
  EXPECT_FALSE(pool.store.is_open(kScrapeFailed));

  pool.fail("connection timed out");
  const OpenAlert* alert = pool.store.find(kScrapeFailed);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::high);
  EXPECT_NE(alert->message.find('3'), std::string::npos) << alert->message;
  EXPECT_NE(alert->message.find("connection timed out"), std::string::npos) << alert->message;

  pool.fail("HTTP 502");
  alert = pool.store.find(kScrapeFailed);
  ASSERT_NE(alert, nullptr);
  EXPECT_NE(alert->message.find('4'), std::string::npos) << alert->message;
  EXPECT_NE(alert->message.find("HTTP 502"), std::string::npos) << alert->message;

  const std::vector<AlertChange> changes = pool.ok(fleet(10, 0));
  const AlertChange* resolve = find_change(changes, kScrapeFailed);
  ASSERT_NE(resolve, nullptr);
  EXPECT_EQ(resolve->action, AlertAction::resolve);
  EXPECT_EQ(resolve->severity, Severity::high);
  EXPECT_FALSE(pool.store.is_open(kScrapeFailed));
  EXPECT_EQ(pool.store.counts(kScrapeFailed).opened, 1);
  EXPECT_EQ(pool.store.counts(kScrapeFailed).updated, 1);
}

TEST(ScrapeFailed, CountRestartsAfterASuccess) {
  Pool pool;
  pool.fail();
  pool.fail();
  pool.ok(fleet(10, 0));
  pool.fail();
  pool.fail();
  EXPECT_FALSE(pool.store.is_open(kScrapeFailed));
  pool.fail();
  EXPECT_TRUE(pool.store.is_open(kScrapeFailed));
}

TEST(ScrapeFailed, FailedRunsNeitherOpenNorResolveOtherAlerts) {
  const AlertKey rig = key("worker_offline", "rig7");
  Pool pool;
  pool.ok(page(1e15, {online("rig7"), online("rig8")}));
  pool.ok(page(1e15, {offline("rig7"), online("rig8")}));
  ASSERT_TRUE(pool.store.is_open(kOffline));
  ASSERT_TRUE(pool.store.is_open(rig));

  for (int i = 0; i < 4; ++i) {
    for (const AlertChange& change : pool.fail()) EXPECT_EQ(change.key, kScrapeFailed);
    for (const Finding& finding : pool.store.findings()) EXPECT_EQ(finding.key, kScrapeFailed);
  }
  EXPECT_TRUE(pool.store.is_open(kOffline));
  EXPECT_TRUE(pool.store.is_open(rig));
  EXPECT_EQ(pool.store.counts(kOffline).updated, 0);

  pool.ok(page(1e15, {online("rig7"), online("rig8")}));
  EXPECT_FALSE(pool.store.is_open(kOffline));
  EXPECT_FALSE(pool.store.is_open(rig));
  EXPECT_FALSE(pool.store.is_open(kScrapeFailed));
}

TEST(ScrapeFailed, FailedRunWithoutOpenAlertsOpensNothingElse) {
  // Without history: a failed run must not read as "all workers offline".
  RuleContext context;
  context.consecutive_failures = 5;
  context.last_error = "DNS";
  context.recent_hashrates_hs = {1e15, 1e15, 1e15};
  context.workers_seen_online = {"rig7"};
  const std::vector<Finding> findings = evaluate_rules(context, {}, {});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].key, kScrapeFailed);
  EXPECT_TRUE(findings[0].active);
}

}  // namespace
}  // namespace kz::test
