#include <gtest/gtest.h>

#include <vector>

#include "scrape/alerts/alert_sim.hpp"
#include "scrape/alerts/anomaly_rules.hpp"

namespace kz::test {
namespace {

TEST(PlanAlertChanges, OpensActiveFindingWithoutAlert) {
  const std::vector<AlertChange> changes =
      plan_alert_changes({}, {{key("offline_workers"), true, Severity::high, "7 of 60"}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::open);
  EXPECT_EQ(changes[0].key, key("offline_workers"));
  EXPECT_EQ(changes[0].severity, Severity::high);
  EXPECT_EQ(changes[0].message, "7 of 60");
}

TEST(PlanAlertChanges, UpdatesEveryRunWithNewSeverityAndMessage) {
  const std::vector<OpenAlert> open = {{key("offline_workers"), Severity::medium, "3 of 60"}};
  // Same values too: the update still happens so last_seen_at moves.
  std::vector<AlertChange> changes =
      plan_alert_changes(open, {{key("offline_workers"), true, Severity::medium, "3 of 60"}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::update);

  changes = plan_alert_changes(open, {{key("offline_workers"), true, Severity::high, "7 of 60"}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::update);
  EXPECT_EQ(changes[0].severity, Severity::high);
  EXPECT_EQ(changes[0].message, "7 of 60");
}

TEST(PlanAlertChanges, ResolvesCarryingTheOpenSeverity) {
  const std::vector<OpenAlert> open = {{key("scrape_failed"), Severity::high, "failed 3 runs"}};
  std::vector<AlertChange> changes =
      plan_alert_changes(open, {{key("scrape_failed"), false, Severity::low, "scrape succeeded"}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::resolve);
  EXPECT_EQ(changes[0].severity, Severity::high);
  EXPECT_EQ(changes[0].message, "resolved: scrape succeeded");

  // Without a message of its own the finding resolves with the open alert's.
  changes = plan_alert_changes(open, {{key("scrape_failed"), false, Severity::low, ""}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].message, "resolved: failed 3 runs");
}

TEST(PlanAlertChanges, NothingForInactiveWithoutAlertOrAlertWithoutFinding) {
  EXPECT_TRUE(
      plan_alert_changes({}, {{key("hashrate_drop"), false, Severity::medium, "ok"}}).empty());
  const std::vector<OpenAlert> open = {{key("worker_offline", "rig7"), Severity::medium, "x"},
                                       {key("hashrate_drop"), Severity::high, "y"}};
  EXPECT_TRUE(plan_alert_changes(open, {}).empty());
  const std::vector<AlertChange> changes =
      plan_alert_changes(open, {{key("worker_offline", "rig8"), false, Severity::medium, "z"}});
  EXPECT_TRUE(changes.empty());
}

TEST(PlanAlertChanges, SortedByKey) {
  const std::vector<OpenAlert> open = {{key("zero_hashrate", "b"), Severity::medium, "x"}};
  const std::vector<Finding> findings = {
      {key("zero_hashrate", "b"), false, Severity::medium, "b back"},
      {key("worker_offline", "b"), true, Severity::medium, "b off"},
      {key("offline_workers"), true, Severity::medium, "1 of 2"},
      {key("worker_offline", "a"), true, Severity::medium, "a off"},
      {key("hashrate_drop"), false, Severity::medium, "fine"},
  };
  const std::vector<AlertChange> changes = plan_alert_changes(open, findings);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].key, key("offline_workers"));
  EXPECT_EQ(changes[1].key, key("worker_offline", "a"));
  EXPECT_EQ(changes[2].key, key("worker_offline", "b"));
  EXPECT_EQ(changes[3].key, key("zero_hashrate", "b"));
  EXPECT_EQ(changes[3].action, AlertAction::resolve);
}

TEST(PlanAlertChanges, DuplicateFindingsGiveOneChange) {
  // The rules never do this; the planner still plans one change per key.
  const std::vector<OpenAlert> open = {{key("offline_workers"), Severity::medium, "x"}};
  const std::vector<Finding> findings = {
      {key("offline_workers"), false, Severity::medium, "0 of 60"},
      {key("offline_workers"), true, Severity::high, "7 of 60"},
  };
  const std::vector<AlertChange> changes = plan_alert_changes(open, findings);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, AlertAction::update);
  EXPECT_EQ(changes[0].message, "7 of 60");
}

}  // namespace
}  // namespace kz::test
