#include "scrape/antpool/tier_schedule.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace kz {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

// A zone as POSIX TZ text (no tz database needed) and its UTC offset in winter and summer.
struct Zone {
  const char* tz;
  minutes winter;  // local = UTC + offset
  minutes summer;
};
const std::vector<Zone> kZones = {
    {"UTC0", 0min, 0min},
    {"<+05>-5", 5h, 5h},                           // Kazakhstan
    {"<+0530>-5:30", 5h + 30min, 5h + 30min},      // India, a half hour
    {"EST5EDT,M3.2.0,M11.1.0", -5h, -4h},          // New York, with DST
    {"<-0930>9:30", -(9h + 30min), -(9h + 30min)}  // Marquesas, west of UTC
};

class TierScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
    path_ = (fs::temp_directory_path() /
             ("kz_tiers_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
    for (const char* account : {"antpool_001", "antpool_002"}) {
      cache_->db().exec(std::string("INSERT INTO pool(observer_url, account_name, created_at,"
                                    " observer_url_sha256, source) VALUES('antpool://") +
                        account + "', '" + account + "', '2026-11-01T00:00:00Z', '" + account +
                        "', 'antpool')");
    }
  }
  void TearDown() override {
    if (saved_tz_) {
      ::setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
    cache_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  static void use_zone(const char* tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
  }

  std::optional<std::string> saved_tz_;
  std::string path_;
  std::unique_ptr<Cache> cache_;
};

TEST_F(TierScheduleTest, OverviewIsDueEveryRun) {
  AntpoolSettings settings;
  TierSchedule schedule(*cache_, settings);
  TimePoint now = sys_days{2026y / November / 30} + 10h;
  for (int run = 0; run < 20; ++run) {
    EXPECT_TRUE(schedule.due(1, Tier::overview, now));
    schedule.mark_run(1, Tier::overview, now);
    now += 17s * run;
  }
}

TEST_F(TierScheduleTest, WorkerTiersFollowTheirIntervalsPerPool) {
  std::mt19937 random(4);
  for (int variant = 0; variant < 20; ++variant) {
    cache_->db().exec("DELETE FROM api_tier_run");
    AntpoolSettings settings;
    settings.workers_interval = minutes{std::uniform_int_distribution<int>(2, 240)(random)};
    settings.offline_interval = minutes{std::uniform_int_distribution<int>(2, 240)(random)};
    TierSchedule schedule(*cache_, settings);
    const TimePoint start = sys_days{2026y / November / 30} + seconds{variant * 7919};
    for (const Tier tier : {Tier::workers, Tier::offline}) {
      const seconds interval =
          tier == Tier::workers ? settings.workers_interval : settings.offline_interval;
      const Tier other = tier == Tier::workers ? Tier::offline : Tier::workers;
      EXPECT_TRUE(schedule.due(1, tier, start)) << "never ran";
      schedule.mark_run(1, tier, start);
      EXPECT_FALSE(schedule.due(1, tier, start));
      EXPECT_FALSE(schedule.due(1, tier, start + interval / 2));
      EXPECT_FALSE(schedule.due(1, tier, start + interval - 61s));
      // A cron run up to a minute early still counts; on time and later is due.
      EXPECT_TRUE(schedule.due(1, tier, start + interval - 1min));
      EXPECT_TRUE(schedule.due(1, tier, start + interval));
      EXPECT_TRUE(schedule.due(1, tier, start + 3 * interval));
      // The other pool never ran this tier.
      EXPECT_TRUE(schedule.due(2, tier, start + 1s));
      // The run is kept per tier.
      if (tier == Tier::workers) {
        EXPECT_TRUE(schedule.due(1, other, start + 1s));
      }
      // The last run counts, not the first.
      schedule.mark_run(1, tier, start + interval);
      EXPECT_FALSE(schedule.due(1, tier, start + interval + interval / 2));
      EXPECT_TRUE(schedule.due(1, tier, start + 2 * interval));
    }
  }
}

TEST_F(TierScheduleTest, DailyTierRunsOnceAfterTheLocalTime) {
  for (const Zone& zone : kZones) {
    use_zone(zone.tz);
    for (const char* after : {"00:00", "02:00", "13:45", "23:59"}) {
      cache_->db().exec("DELETE FROM api_tier_run");
      AntpoolSettings settings;
      settings.daily_after = after;
      TierSchedule schedule(*cache_, settings);
      const minutes after_min = *parse_daily_after(after);
      for (const sys_days day : {sys_days{2026y / January / 14}, sys_days{2026y / July / 3}}) {
        const minutes offset = day == sys_days{2026y / July / 3} ? zone.summer : zone.winter;
        // The moment `after` on this local day, found without the library's local time.
        const TimePoint moment = TimePoint{day + after_min - offset};
        const std::string where = std::string(zone.tz) + " " + after;
        const TimePoint local_midnight = TimePoint{day - offset};
        // Never run: at once, whatever the local time.
        cache_->db().exec("DELETE FROM api_tier_run");
        EXPECT_TRUE(schedule.due(1, Tier::daily, local_midnight)) << where;
        EXPECT_TRUE(schedule.due(1, Tier::daily, moment - 1s)) << where;
        // Run since the previous local day's time: not before today's time (none before 00:00).
        schedule.mark_run(1, Tier::daily, moment - 24h + 1s);
        if (after_min > 0min) {
          EXPECT_FALSE(schedule.due(1, Tier::daily, local_midnight)) << where;
          EXPECT_FALSE(schedule.due(1, Tier::daily, moment - 1s)) << where;
        }
        EXPECT_TRUE(schedule.due(1, Tier::daily, moment)) << where;
        EXPECT_TRUE(schedule.due(1, Tier::daily, local_midnight + 24h - 1s)) << where;
        schedule.mark_run(1, Tier::daily, moment + 7min);
        EXPECT_FALSE(schedule.due(1, Tier::daily, moment + 8min)) << where;
        EXPECT_FALSE(schedule.due(1, Tier::daily, moment + 24h - 1s)) << where;
        EXPECT_TRUE(schedule.due(1, Tier::daily, moment + 24h)) << where;
        EXPECT_TRUE(schedule.due(2, Tier::daily, moment)) << "pool 2 never ran; " << where;
      }
    }
  }
}

// Runs every 10 minutes for a week: tier 4 runs exactly once per local day, in the first run
// at or after the local time.
TEST_F(TierScheduleTest, DailyTierOncePerLocalDayOverAWeekOfRuns) {
  for (const Zone& zone : kZones) {
    use_zone(zone.tz);
    cache_->db().exec("DELETE FROM api_tier_run");
    AntpoolSettings settings;
    settings.daily_after = "02:30";
    TierSchedule schedule(*cache_, settings);
    // Around the March DST change of the zones that have one.
    const TimePoint start = sys_days{2026y / March / 5} + 3min + 17s;
    std::map<int64_t, int> runs_per_local_day;
    bool first = true;
    for (TimePoint now = start; now < start + days{7}; now += 10min) {
      if (!schedule.due(1, Tier::daily, now)) continue;
      schedule.mark_run(1, Tier::daily, now);
      // The very first run catches up whatever the local time; the daily rhythm follows.
      if (std::exchange(first, false)) continue;
      const auto t = static_cast<std::time_t>(now.time_since_epoch().count());
      std::tm local{};
      localtime_r(&t, &local);
      const int local_minutes = local.tm_hour * 60 + local.tm_min;
      EXPECT_GE(local_minutes, 150) << zone.tz;
      // 2026-03-08 has no 02:30 in New York (02:00 -> 03:00): mktime reads it as 03:30 EDT.
      const bool skipped = zone.summer != zone.winter && local.tm_mon == 2 && local.tm_mday == 8;
      EXPECT_LT(local_minutes, skipped ? 220 : 160) << zone.tz << ": not the first run after 02:30";
      ++runs_per_local_day[local.tm_year * 1000 + local.tm_yday];
    }
    EXPECT_GE(runs_per_local_day.size(), 6u) << zone.tz;
    for (const auto& [day, runs] : runs_per_local_day) EXPECT_EQ(runs, 1) << zone.tz;
  }
}

TEST_F(TierScheduleTest, BadDailyAfterIsAUsageError) {
  for (const char* bad : {"", "2:00", "02:0", "24:00", "12:60", "12-00", "12:00 ", " 12:00",
                          "ab:cd", "+1:00", "02:00:00", "0200", "٠٢:٠٠"}) {
    EXPECT_FALSE(parse_daily_after(bad)) << bad;
    AntpoolSettings settings;
    settings.daily_after = bad;
    EXPECT_THROW(TierSchedule(*cache_, settings), Error) << bad;
  }
  for (int h = 0; h < 24; ++h) {
    for (int m = 0; m < 60; m += 7) {
      char text[6];
      std::snprintf(text, sizeof text, "%02d:%02d", h, m);
      EXPECT_EQ(parse_daily_after(text), minutes{h * 60 + m});
    }
  }
}

}  // namespace
}  // namespace kz
