// Cache migration 6: AlertStore::apply writes one alert_event per transition (kznotify's work
// list): opened, raised (only when the severity goes up) and resolved, in the same transaction.
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "common/cache.hpp"
#include "scrape/alerts/alert_store.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

class AlertEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kz-alert-events-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    cache_ = std::make_unique<Cache>((dir_ / "cache.db").string());
    cache_->db().exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256)"
        " VALUES(1, 'https://x/o', 'KZPool_001', '2026-01-01T00:00:00Z', 'h')");
  }
  void TearDown() override {
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> events() {
    std::vector<std::string> rows;
    SQLite::Statement select(cache_->db(),
                             "SELECT a.alert_type || '/' || a.subject || ' ' || e.kind || ' ' ||"
                             " e.severity || ' ' || e.message || ' ' || e.at"
                             " FROM alert_event e JOIN alert a ON a.id = e.alert_id ORDER BY e.id");
    while (select.executeStep()) rows.push_back(select.getColumn(0).getString());
    return rows;
  }
  void apply(std::vector<AlertChange> changes, TimePoint at) {
    cache_->write_transaction([&] { AlertStore(*cache_).apply(1, changes, at); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<Cache> cache_;
  const TimePoint t0_ = TimePoint{std::chrono::sys_days{std::chrono::December / 1 / 2026}};
};

TEST_F(AlertEvents, OneEventPerTransitionAndNoneForAnUnchangedOrLoweredSeverity) {
  const AlertKey rig{"worker_offline", "rig <7> & co"};
  apply({{AlertAction::open, rig, Severity::medium, "worker rig offline"}}, t0_);
  apply({{AlertAction::update, rig, Severity::medium, "still"}}, t0_ + 10min);
  apply({{AlertAction::update, rig, Severity::high, "worse"}}, t0_ + 20min);
  apply({{AlertAction::update, rig, Severity::low, "better"}}, t0_ + 30min);
  apply({{AlertAction::update, rig, Severity::medium, "up again"}}, t0_ + 40min);
  apply({{AlertAction::resolve, rig, Severity::medium, ""}}, t0_ + 50min);
  EXPECT_EQ(events(), (std::vector<std::string>{
                          "worker_offline/rig <7> & co opened medium worker rig offline "
                          "2026-12-01T00:00:00Z",
                          "worker_offline/rig <7> & co raised high worse 2026-12-01T00:20:00Z",
                          "worker_offline/rig <7> & co raised medium up again "
                          "2026-12-01T00:40:00Z",
                          "worker_offline/rig <7> & co resolved medium up again "
                          "2026-12-01T00:50:00Z"}));
}

// Generated sequences of changes: the events replay the alert rows exactly.
TEST_F(AlertEvents, EventsReplayTheAlertRows) {
  std::mt19937 random(13);
  const std::vector<AlertKey> keys = {{"offline_workers", ""},
                                      {"hashrate_drop", ""},
                                      {"worker_offline", "a"},
                                      {"worker_offline", "b"}};
  std::map<AlertKey, Severity> open;
  int opened = 0, resolved = 0;
  for (int run = 0; run < 300; ++run) {
    std::vector<AlertChange> changes;
    for (const AlertKey& k : keys) {
      const int roll = static_cast<int>(random() % 4);
      const auto severity = static_cast<Severity>(random() % 3);
      if (!open.count(k) && roll == 0) {
        changes.push_back({AlertAction::open, k, severity, "m"});
        open[k] = severity;
        ++opened;
      } else if (open.count(k) && roll == 1) {
        changes.push_back({AlertAction::resolve, k, severity, ""});
        open.erase(k);
        ++resolved;
      } else if (open.count(k)) {
        changes.push_back({AlertAction::update, k, severity, "m"});
        open[k] = severity;
      }
    }
    apply(changes, t0_ + std::chrono::minutes{10 * run});
  }
  auto count = [&](const std::string& sql) {
    SQLite::Statement select(cache_->db(), sql);
    select.executeStep();
    return select.getColumn(0).getInt();
  };
  EXPECT_EQ(count("SELECT count(*) FROM alert_event WHERE kind = 'opened'"), opened);
  EXPECT_EQ(count("SELECT count(*) FROM alert_event WHERE kind = 'resolved'"), resolved);
  EXPECT_EQ(count("SELECT count(*) FROM alert"), opened);
  // Each alert's opened event is at opened_at, its resolved event at resolved_at, and the last
  // event before resolution carries the alert's final severity.
  EXPECT_EQ(count("SELECT count(*) FROM alert a WHERE NOT EXISTS (SELECT 1 FROM alert_event e"
                  " WHERE e.alert_id = a.id AND e.kind = 'opened' AND e.at = a.opened_at)"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM alert a WHERE a.resolved_at IS NOT NULL AND NOT EXISTS"
                  " (SELECT 1 FROM alert_event e WHERE e.alert_id = a.id AND e.kind = 'resolved'"
                  " AND e.at = a.resolved_at AND e.severity = a.severity)"),
            0);
  // A raise is always above the severity before it.
  EXPECT_EQ(count("SELECT count(*) FROM alert_event e WHERE e.kind = 'raised' AND e.severity = "
                  "'low'"),
            0);
  EXPECT_GT(count("SELECT count(*) FROM alert_event WHERE kind = 'raised'"), 0);
}

}  // namespace
}  // namespace kz::test
