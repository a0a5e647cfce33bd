// Worker alerts from Antpool's partial lists: tier 2 lists every worker (WorkerList::all),
// tier 3 only the offline ones (WorkerList::offline), tier 1 none (WorkerList::none).

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "scrape/alerts/alert_sim.hpp"

namespace kz {
namespace {

using test::key;

enum class State { online, zero, offline };

const char* to_text(WorkerList list) {
  switch (list) {
    case WorkerList::all:
      return "all";
    case WorkerList::offline:
      return "offline";
    case WorkerList::none:
      return "none";
  }
  return "?";
}

// The page a source gives of the fleet for one kind of list; the counts always cover everyone.
ObserverPage listed_page(const std::map<std::string, State>& fleet, WorkerList list) {
  std::vector<WorkerRow> rows;
  int online = 0;
  int offline = 0;
  for (const auto& [name, state] : fleet) {
    (state == State::offline ? offline : online) += 1;
    const bool listed =
        list == WorkerList::all || (list == WorkerList::offline && state == State::offline);
    if (!listed) continue;
    if (state == State::online) rows.push_back(test::online(name, 90e12));
    if (state == State::zero) rows.push_back(test::online(name, 0));
    if (state == State::offline) rows.push_back(test::offline(name));
  }
  ObserverPage page = test::page(1e15, std::move(rows), online, offline);
  page.worker_list = list;
  return page;
}

std::set<AlertKey> worker_alerts(const test::AlertStore& store) {
  std::set<AlertKey> keys;
  for (const OpenAlert& alert : store.open_alerts()) {
    if (alert.key.type == "worker_offline" || alert.key.type == "zero_hashrate") {
      keys.insert(alert.key);
    }
  }
  return keys;
}

TEST(OfflineListRules, GeneratedFleetsAcrossAllOfflineAndNoneLists) {
  std::mt19937 random(2026);
  for (int fleet_variant = 0; fleet_variant < 12; ++fleet_variant) {
    const int size = std::uniform_int_distribution<int>(3, 40)(random);
    std::map<std::string, State> fleet;
    for (int i = 0; i < size; ++i) fleet["w" + std::to_string(i)] = State::online;
    std::set<std::string> seen_online;  // listed online by some earlier run
    test::Pool pool;
    int resolved_unlisted = 0;
    for (int step = 0; step < 72; ++step) {
      // Tier 2 hourly, tier 3 at the half hour, tier 1 alone otherwise.
      const WorkerList list = step % 6 == 0   ? WorkerList::all
                              : step % 6 == 3 ? WorkerList::offline
                                              : WorkerList::none;
      const double churn = std::uniform_real_distribution<double>(0.0, 0.3)(random);
      for (auto& [name, state] : fleet) {
        if (std::uniform_real_distribution<double>(0, 1)(random) >= churn) continue;
        state = static_cast<State>(std::uniform_int_distribution<int>(0, 2)(random));
      }
      const std::set<AlertKey> before = worker_alerts(pool.store);
      const ObserverPage page = listed_page(fleet, list);
      const std::vector<AlertChange> changes = pool.ok(page);
      const std::set<AlertKey> after = worker_alerts(pool.store);
      const std::string where = "fleet " + std::to_string(fleet_variant) + " step " +
                                std::to_string(step) + " list " + to_text(list);

      std::set<std::string> listed;
      for (const WorkerRow& row : page.workers) listed.insert(row.name);
      for (const AlertChange& change : changes) {
        if (change.key.type != "worker_offline" && change.key.type != "zero_hashrate") continue;
        EXPECT_NE(list, WorkerList::none) << where << ": a summary changed " << change.key.subject;
        if (change.action == AlertAction::open) {
          EXPECT_TRUE(listed.contains(change.key.subject))
              << where << ": opened for " << change.key.subject << ", who is merely missing";
        }
        if (change.action == AlertAction::resolve && !listed.contains(change.key.subject)) {
          EXPECT_EQ(change.key.type, "worker_offline") << where;
          const Finding* finding = test::find_finding(pool.store.findings(), change.key);
          ASSERT_NE(finding, nullptr) << where;
          EXPECT_FALSE(finding->active);
          EXPECT_EQ(finding->message, "worker " + change.key.subject + " no longer offline");
          ++resolved_unlisted;
        }
      }
      if (list == WorkerList::none) {
        EXPECT_EQ(before, after) << where;
      }

      for (const auto& [name, state] : fleet) {
        const bool offline_open = after.contains(key("worker_offline", name));
        const bool zero_open = after.contains(key("zero_hashrate", name));
        if (list == WorkerList::all || (list == WorkerList::offline && state == State::offline)) {
          // Listed: judged from its row.
          const bool was_open = before.contains(key("worker_offline", name));
          EXPECT_EQ(offline_open, state == State::offline ? (seen_online.contains(name) || was_open)
                                                          : state == State::zero && was_open)
              << where << " " << name;
          EXPECT_EQ(zero_open, state == State::zero) << where << " " << name;
        } else if (list == WorkerList::offline) {
          // Unlisted in a list of every offline worker: not offline; hashrate unknown.
          EXPECT_FALSE(offline_open) << where << " " << name;
          EXPECT_EQ(zero_open, before.contains(key("zero_hashrate", name))) << where << " " << name;
        }
      }
      // The count rule reads the counts, whatever the list.
      const int offline_count = static_cast<int>(std::count_if(
          fleet.begin(), fleet.end(), [](const auto& w) { return w.second == State::offline; }));
      EXPECT_EQ(pool.store.is_open(key("offline_workers")), offline_count > 0) << where;

      for (const WorkerRow& row : page.workers) {
        if (row.status == WorkerStatus::online) seen_online.insert(row.name);
      }
    }
    EXPECT_GT(resolved_unlisted, 0) << "fleet " << fleet_variant << " never came back online";

    // Everyone back: the half-hour list resolves every worker_offline, the hourly one the rest.
    for (auto& [name, state] : fleet) state = State::online;
    pool.ok(listed_page(fleet, WorkerList::offline));
    for (const AlertKey& k : worker_alerts(pool.store)) EXPECT_EQ(k.type, "zero_hashrate");
    pool.ok(listed_page(fleet, WorkerList::all));
    EXPECT_TRUE(worker_alerts(pool.store).empty());
    EXPECT_FALSE(pool.store.is_open(key("offline_workers")));
  }
}

// A summary judges no worker even if a caller left rows in it.
TEST(OfflineListRules, NoneListJudgesNoWorker) {
  test::Pool pool;
  pool.ok(test::page(1e15, {test::online("a"), test::online("b")}));
  pool.ok(test::page(1e15, {test::offline("a"), test::online("b", 0)}));
  ASSERT_TRUE(pool.store.is_open(key("worker_offline", "a")));
  ASSERT_TRUE(pool.store.is_open(key("zero_hashrate", "b")));
  ObserverPage summary = test::page(1e15, {test::online("a"), test::online("b")});
  summary.worker_list = WorkerList::none;
  const std::vector<AlertChange> changes = pool.ok(summary);
  EXPECT_TRUE(pool.store.is_open(key("worker_offline", "a")));
  EXPECT_TRUE(pool.store.is_open(key("zero_hashrate", "b")));
  for (const AlertChange& change : changes) {
    EXPECT_TRUE(change.key.subject.empty()) << change.key.type << " " << change.key.subject;
  }
}

}  // namespace
}  // namespace kz
