#include "notify/mute_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "summary_fixture.hpp"

namespace kz {
namespace {

using namespace std::chrono;

class MuteStoreTest : public test::SummaryCacheTest {};

const TimePoint kNow = sys_days{2026y / December / 1} + 9h;

// Names as operators type them, and as they should never break a query.
const std::vector<std::string> kPools = {"KZPool_001", "KZPool_002", "antpool_001", "pool %_'\""};
const std::vector<std::string> kWorkers = {"rig-07", "rig<8>&", "ферма 1", "",
                                           "rig_%",  "🔥x",      "rig-070"};

// The model: which mutes hold an alert (pool, subject) at `now`.
bool model_muted(const std::vector<Mute>& mutes, const std::string& pool,
                 const std::string& subject, TimePoint now) {
  return std::any_of(mutes.begin(), mutes.end(), [&](const Mute& m) {
    return m.account_name == pool && (m.worker.empty() || m.worker == subject) && now < m.until;
  });
}

TEST_F(MuteStoreTest, IsMutedAndActiveFollowTheModelOverGeneratedMutes) {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    cache_->db().exec("DELETE FROM notify_mute");
    std::mt19937 random(seed);
    auto pick = [&](const std::vector<std::string>& from) {
      return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
    };
    MuteStore store(*cache_);
    std::vector<Mute> model;
    const int count = std::uniform_int_distribution<int>(0, 15)(random);
    for (int i = 0; i < count; ++i) {
      Mute mute;
      mute.account_name = pick(kPools);
      mute.worker = pick(kWorkers);
      mute.until = kNow + minutes{std::uniform_int_distribution<int>(1, 600)(random)};
      mute.reason = "maintenance " + std::to_string(i);
      mute.id = store.add(mute, kNow);
      model.push_back(mute);
    }
    // Queries at random times, at each mute's end (exclusive) and a second before it.
    std::vector<TimePoint> times = {kNow};
    for (const Mute& m : model) {
      times.push_back(m.until);
      times.push_back(m.until - 1s);
    }
    for (int i = 0; i < 10; ++i) {
      times.push_back(kNow + minutes{std::uniform_int_distribution<int>(0, 700)(random)});
    }
    for (TimePoint at : times) {
      for (const std::string& pool : kPools) {
        for (const std::string& subject : kWorkers) {
          EXPECT_EQ(store.is_muted(pool, subject, at), model_muted(model, pool, subject, at))
              << "seed " << seed << " pool " << pool << " subject " << subject << " at "
              << format_utc(at);
        }
      }
      std::vector<Mute> expected;
      std::copy_if(model.begin(), model.end(), std::back_inserter(expected),
                   [&](const Mute& m) { return at < m.until; });
      std::stable_sort(expected.begin(), expected.end(), [](const Mute& a, const Mute& b) {
        return a.until < b.until || (a.until == b.until && a.id < b.id);
      });
      const std::vector<Mute> active = store.active(at);
      ASSERT_EQ(active.size(), expected.size()) << "seed " << seed;
      for (size_t i = 0; i < active.size(); ++i) {
        EXPECT_EQ(active[i].id, expected[i].id);
        EXPECT_EQ(active[i].account_name, expected[i].account_name);
        EXPECT_EQ(active[i].worker, expected[i].worker);
        EXPECT_EQ(active[i].until, expected[i].until);
        EXPECT_EQ(active[i].reason, expected[i].reason);
        EXPECT_EQ(active[i].created_at, kNow);
      }
    }
    // Pruning at a random time removes exactly the mutes that ended; the running ones stay.
    const TimePoint prune_at = kNow + minutes{std::uniform_int_distribution<int>(0, 700)(random)};
    const auto ended = std::count_if(model.begin(), model.end(),
                                     [&](const Mute& m) { return m.until <= prune_at; });
    const size_t running_before = store.active(prune_at).size();
    EXPECT_EQ(store.prune(prune_at), ended);
    EXPECT_EQ(store.active(prune_at).size(), running_before);
    EXPECT_EQ(store.active(kNow).size(), model.size() - static_cast<size_t>(ended));
  }
}

TEST_F(MuteStoreTest, AWorkerMuteDoesNotMuteThePoolNorOtherWorkers) {
  MuteStore store(*cache_);
  store.add(Mute{0, "KZPool_001", "rig-07", kNow + 1h, "", {}}, kNow);
  EXPECT_TRUE(store.is_muted("KZPool_001", "rig-07", kNow));
  EXPECT_FALSE(store.is_muted("KZPool_001", "", kNow));
  EXPECT_FALSE(store.is_muted("KZPool_001", "rig-070", kNow));
  EXPECT_FALSE(store.is_muted("KZPool_002", "rig-07", kNow));
  store.add(Mute{0, "KZPool_002", "", kNow + 1h, "", {}}, kNow);
  EXPECT_TRUE(store.is_muted("KZPool_002", "", kNow));
  EXPECT_TRUE(store.is_muted("KZPool_002", "any worker", kNow));
}

TEST_F(MuteStoreTest, AnEndNotAfterNowOrNoPoolIsAUsageError) {
  MuteStore store(*cache_);
  for (const auto until : {kNow, kNow - 1s, kNow - 24h}) {
    try {
      store.add(Mute{0, "KZPool_001", "", until, "", {}}, kNow);
      ADD_FAILURE() << "accepted an end at " << format_utc(until);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  EXPECT_THROW(store.add(Mute{0, "", "", kNow + 1h, "", {}}, kNow), Error);
  EXPECT_TRUE(store.active(kNow).empty());
}

TEST_F(MuteStoreTest, RemoveByIdAndByPoolOrWorker) {
  MuteStore store(*cache_);
  const int64_t a = store.add(Mute{0, "KZPool_001", "", kNow + 1h, "", {}}, kNow);
  store.add(Mute{0, "KZPool_001", "rig-07", kNow + 2h, "", {}}, kNow);
  store.add(Mute{0, "KZPool_001", "rig-08", kNow + 2h, "", {}}, kNow);
  store.add(Mute{0, "KZPool_002", "rig-07", kNow + 2h, "", {}}, kNow);
  EXPECT_TRUE(store.remove(a));
  EXPECT_FALSE(store.remove(a));
  EXPECT_FALSE(store.is_muted("KZPool_001", "", kNow));
  EXPECT_EQ(store.remove_matching("KZPool_001", "rig-07"), 1);
  EXPECT_TRUE(store.is_muted("KZPool_001", "rig-08", kNow));
  EXPECT_TRUE(store.is_muted("KZPool_002", "rig-07", kNow));
  EXPECT_EQ(store.remove_matching("KZPool_001", ""), 1);
  EXPECT_EQ(store.remove_matching("KZPool_001", ""), 0);
  ASSERT_EQ(store.active(kNow).size(), 1u);
  EXPECT_EQ(store.active(kNow)[0].account_name, "KZPool_002");
}

}  // namespace
}  // namespace kz
