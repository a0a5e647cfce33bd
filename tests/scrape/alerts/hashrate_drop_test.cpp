#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "scrape/alerts/alert_sim.hpp"
#include "scrape/alerts/anomaly_rules.hpp"

namespace kz::test {
namespace {

const AlertKey kDrop = key("hashrate_drop");
constexpr double kPeta = 1e15;

std::optional<Finding> drop_finding(double current_hs, std::vector<double> recent,
                                    bool open = false, std::vector<double> before_opened = {},
                                    const AlertThresholds& thresholds = {}) {
  const ObserverPage observed = page(current_hs);
  RuleContext context;
  context.page = &observed;
  context.recent_hashrates_hs = std::move(recent);
  context.hashrates_before_drop_opened_hs = std::move(before_opened);
  std::vector<OpenAlert> alerts;
  if (open) alerts.push_back({kDrop, Severity::medium, "hashrate dropped"});
  const std::vector<Finding> findings = evaluate_rules(context, alerts, thresholds);
  const Finding* finding = find_finding(findings, kDrop);
  return finding ? std::optional<Finding>(*finding) : std::nullopt;
}

const std::vector<double> kBaseline100 = {100 * kPeta, 100 * kPeta, 100 * kPeta};

TEST(HashrateDrop, NeedsThreeBaselineSnapshots) {
  EXPECT_EQ(drop_finding(10 * kPeta, {}), std::nullopt);
  EXPECT_EQ(drop_finding(10 * kPeta, {100 * kPeta, 100 * kPeta}), std::nullopt);
  const std::optional<Finding> finding = drop_finding(10 * kPeta, kBaseline100);
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);

  Pool pool;
  pool.ok(page(100 * kPeta));
  pool.ok(page(100 * kPeta));
  pool.ok(page(50 * kPeta));  // two snapshots before it: no baseline yet
  EXPECT_FALSE(pool.store.is_open(kDrop));
  pool.ok(page(50 * kPeta));  // median of 100, 100, 50
  const OpenAlert* alert = pool.store.find(kDrop);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::high);
}

TEST(HashrateDrop, Thresholds) {
  std::optional<Finding> finding = drop_finding(81 * kPeta, kBaseline100);  // 19%
  EXPECT_TRUE(!finding || !finding->active);
  EXPECT_TRUE(
      plan_alert_changes({}, finding ? std::vector{*finding} : std::vector<Finding>{}).empty());

  finding = drop_finding(79 * kPeta, kBaseline100);  // 21%
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);
  EXPECT_EQ(finding->severity, Severity::medium);

  finding = drop_finding(71 * kPeta, kBaseline100);  // 29%
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->severity, Severity::medium);

  finding = drop_finding(69 * kPeta, kBaseline100);  // 31%
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);
  EXPECT_EQ(finding->severity, Severity::high);

  finding = drop_finding(85 * kPeta, kBaseline100);  // 15%, not open: no alert
  EXPECT_TRUE(!finding || !finding->active);
}

TEST(HashrateDrop, BaselineIsTheMedian) {
  // Mean 80, median 100: 75 is 25% below the median.
  std::optional<Finding> finding = drop_finding(75 * kPeta, {100 * kPeta, 40 * kPeta, 100 * kPeta});
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);
  // Even count: median 90 (mean of 80 and 100); 70 is 22% below it, 30% below 100.
  finding = drop_finding(70 * kPeta, {100 * kPeta, 80 * kPeta, 20 * kPeta, 120 * kPeta});
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);
  EXPECT_EQ(finding->severity, Severity::medium);
}

TEST(HashrateDrop, Message) {
  std::optional<Finding> finding =
      drop_finding(25.088 * kPeta, {32 * kPeta, 32 * kPeta, 32 * kPeta});
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->message, "hashrate 25.088 PH/s is 21.6% below the 1 h baseline 32.000 PH/s");

  finding = drop_finding(1e9, {2e9, 2e9, 2e9});
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->message, "hashrate 1.000 GH/s is 50.0% below the 1 h baseline 2.000 GH/s");

  AlertThresholds half_hour;
  half_hour.baseline_window_minutes = 30;
  finding = drop_finding(0.5e15, {999.9999e12, 999.9999e12, 999.9999e12}, false, {}, half_hour);
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->message,
            "hashrate 500.000 TH/s is 50.0% below the 30 min baseline 1.000 PH/s");
}

TEST(HashrateDrop, HysteresisKeepsItOpenUntilWithinTenPercent) {
  Pool pool;
  for (int i = 0; i < 6; ++i) pool.ok(page(100 * kPeta));

  pool.ok(page(75 * kPeta));  // 25%
  const OpenAlert* alert = pool.store.find(kDrop);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::medium);

  pool.ok(page(85 * kPeta));  // 15%: below the opening threshold, above the resolve one
  alert = pool.store.find(kDrop);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->severity, Severity::medium);
  EXPECT_NE(alert->message.find("85.000 PH/s"), std::string::npos) << alert->message;
  EXPECT_EQ(pool.store.counts(kDrop).updated, 1);

  const std::vector<AlertChange> changes = pool.ok(page(91 * kPeta));  // 9%
  const AlertChange* resolve = find_change(changes, kDrop);
  ASSERT_NE(resolve, nullptr);
  EXPECT_EQ(resolve->action, AlertAction::resolve);
  EXPECT_FALSE(pool.store.is_open(kDrop));
  EXPECT_EQ(pool.store.counts(kDrop).opened, 1);
}

TEST(HashrateDrop, SeverityFollowsTheCurrentDropWhileOpen) {
  Pool pool;
  for (int i = 0; i < 6; ++i) pool.ok(page(100 * kPeta));
  pool.ok(page(60 * kPeta));
  ASSERT_NE(pool.store.find(kDrop), nullptr);
  EXPECT_EQ(pool.store.find(kDrop)->severity, Severity::high);
  pool.ok(page(75 * kPeta));
  ASSERT_NE(pool.store.find(kDrop), nullptr);
  EXPECT_EQ(pool.store.find(kDrop)->severity, Severity::medium);
  pool.ok(page(60 * kPeta));
  ASSERT_NE(pool.store.find(kDrop), nullptr);
  EXPECT_EQ(pool.store.find(kDrop)->severity, Severity::high);
  EXPECT_EQ(pool.store.counts(kDrop).opened, 1);
  EXPECT_EQ(pool.store.counts(kDrop).updated, 2);
}

TEST(HashrateDrop, LongDropDoesNotBecomeItsOwnBaseline) {
  Pool pool;
  for (int i = 0; i < 6; ++i) pool.ok(page(100 * kPeta));
  for (int i = 0; i < 12; ++i) {  // two hours at 65: the recent window is all 65 by now
    pool.ok(page(65 * kPeta));
    const OpenAlert* alert = pool.store.find(kDrop);
    ASSERT_NE(alert, nullptr) << "run " << i;
    EXPECT_EQ(alert->severity, Severity::high);
  }
  EXPECT_EQ(pool.store.counts(kDrop).opened, 1);
  EXPECT_EQ(pool.store.counts(kDrop).resolved, 0);

  pool.ok(page(95 * kPeta));
  EXPECT_FALSE(pool.store.is_open(kDrop));
  EXPECT_EQ(pool.store.counts(kDrop).resolved, 1);
}

TEST(HashrateDrop, OpenUsesTheWindowBeforeItOpened) {
  const std::vector<double> adapted = {70 * kPeta, 70 * kPeta, 70 * kPeta};
  std::optional<Finding> finding = drop_finding(70 * kPeta, adapted, true, kBaseline100);
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->active);
  EXPECT_NE(finding->message.find("baseline 100.000 PH/s"), std::string::npos) << finding->message;

  // Fewer than 3 values from before the opening: falls back to the recent window.
  finding = drop_finding(70 * kPeta, adapted, true, {100 * kPeta, 100 * kPeta});
  ASSERT_TRUE(finding);
  EXPECT_FALSE(finding->active);

  // Not open: the before-opening window is not used.
  finding = drop_finding(70 * kPeta, adapted, false, kBaseline100);
  EXPECT_TRUE(!finding || !finding->active);
}

TEST(HashrateDrop, ResolveMessage) {
  const std::optional<Finding> finding = drop_finding(105 * kPeta, {}, true, kBaseline100);
  ASSERT_TRUE(finding);
  EXPECT_FALSE(finding->active);
  const std::vector<AlertChange> changes =
      plan_alert_changes({{kDrop, Severity::high, "hashrate dropped"}}, {*finding});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::resolve);
  EXPECT_EQ(changes[0].severity, Severity::high);
  EXPECT_EQ(changes[0].message,
            "resolved: hashrate 105.000 PH/s is 5.0% above the 1 h baseline 100.000 PH/s");
}

}  // namespace
}  // namespace kz::test
