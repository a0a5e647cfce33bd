#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "notify/daily_summary.hpp"
#include "summary_fixture.hpp"
#include "zone_rules.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::ZoneRule;

class DailySummaryScheduleTest : public test::SummaryCacheTest {
 protected:
  void SetUp() override {
    SummaryCacheTest::SetUp();
    const int64_t pool = add_pool("KZPool_001");
    destination_.name = "phone";
    // The pool has data every day of the tests (a day without any is not summarised).
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs,"
                             " online_workers, offline_workers, listed_workers, workers_complete)"
                             " VALUES(?, ?, 100000, 10, 0, 0, 1)");
    for (sys_seconds t = sys_days{2026y / October / 20}; t < sys_days{2026y / December / 10};
         t += 3h) {
      insert.bind(1, pool);
      insert.bind(2, format_utc_ms(t));
      insert.exec();
      insert.reset();
    }
  }
  // One cron run: the summary when due, marked sent as the engine does on delivery.
  std::optional<std::string> run_at(sys_seconds now) {
    auto digest = due_daily_summary(*cache_, destination_, settings_, now);
    if (!digest) return std::nullopt;
    mark_daily_summary_sent(*cache_, destination_.name, *digest, now);
    return digest->summary_date;
  }

  Destination destination_;
  NotifySettings settings_;
};

// A week of 10-minute runs with random gaps, a night and a morning off, and a whole day off:
// each day's summary goes out once, at the first run of the next day at or after the time, and
// a day with no run after the time gets none. Expected from the zone's own rule.
TEST_F(DailySummaryScheduleTest, OncePerDayOverAWeekOfRunsWithGaps) {
  const sys_days first = 2026y / October / 28, last = 2026y / November / 4;
  for (const ZoneRule* zone : {&test::kKazakhstan, &test::kNewYork}) {
    // 01:30 happens twice in New York on 1 November; 00:00 and 23:45 are the day's ends
    // (23:50 is the last run of a day, and a gap may skip it).
    for (const int at : {8 * 60, 0, 90, 23 * 60 + 45}) {
      SCOPED_TRACE(zone->tz + " at minute " + std::to_string(at));
      use_zone(zone->tz);
      cache_->db().exec("DELETE FROM notify_summary");
      settings_.daily_summary_at = LocalTime{at};
      std::mt19937 random(static_cast<unsigned>(at) + (zone->us_dst ? 100u : 0u));
      const sys_seconds off_from = zone->utc_of(2026y / October / 30, 6h);
      const sys_seconds off_to = zone->utc_of(2026y / October / 31, 12h);
      const std::string day_off = test::date_text(2026y / November / 2);
      std::vector<std::pair<sys_seconds, std::string>> sent, expected;
      std::set<std::string> days_done;
      for (sys_seconds t = zone->midnight(first); t < zone->midnight(last); t += 10min) {
        if (t >= off_from && t < off_to) continue;
        if (zone->date_of(t) == day_off) continue;
        if (std::uniform_int_distribution<int>(0, 9)(random) == 0) continue;
        const std::string today = zone->date_of(t);
        if (zone->minutes_of_day(t) >= at && days_done.insert(today).second) {
          expected.emplace_back(t, test::date_text(floor<days>(zone->local(t)) - days{1}));
        }
        if (auto date = run_at(t)) sent.emplace_back(t, *date);
      }
      EXPECT_EQ(sent, expected);
      // Never twice for a day; the day before the day off never.
      std::set<std::string> dates;
      for (const auto& [t, date] : sent) EXPECT_TRUE(dates.insert(date).second) << date;
      EXPECT_EQ(dates.count("2026-11-01"), 0u);
      EXPECT_GE(sent.size(), 3u);
    }
  }
}

TEST_F(DailySummaryScheduleTest, ALateCronRunStillSendsItAndOnlyOnce) {
  use_zone(test::kKazakhstan.tz);
  settings_.daily_summary_at = LocalTime{8 * 60};
  const auto& zone = test::kKazakhstan;
  const sys_days day = 2026y / December / 1;
  EXPECT_FALSE(run_at(zone.utc_of(day, 7h + 50min)));
  EXPECT_FALSE(run_at(zone.utc_of(day, 7h + 59min) + 59s));
  EXPECT_EQ(run_at(zone.utc_of(day, 11h + 17min)), "2026-11-30");
  EXPECT_FALSE(run_at(zone.utc_of(day, 11h + 27min)));
  EXPECT_FALSE(run_at(zone.utc_of(day, 23h + 59min)));
  // The next morning before the time: not yet; the machine then stays off until late evening.
  EXPECT_FALSE(run_at(zone.utc_of(day + days{1}, 7h)));
  EXPECT_EQ(run_at(zone.utc_of(day + days{1}, 23h + 59min)), "2026-12-01");
  // Another destination has its own.
  destination_.name = "mail";
  EXPECT_EQ(run_at(zone.utc_of(day + days{1}, 23h + 59min)), "2026-12-01");
  SQLite::Statement rows(cache_->db(), "SELECT count(*) FROM notify_summary");
  ASSERT_TRUE(rows.executeStep());
  EXPECT_EQ(rows.getColumn(0).getInt(), 3);
}

TEST_F(DailySummaryScheduleTest, NoTimeNoSummaryAndMarkingTwiceKeepsOneRow) {
  const sys_seconds now = sys_days{2026y / December / 1} + 12h;
  EXPECT_FALSE(due_daily_summary(*cache_, destination_, settings_, now));
  settings_.daily_summary_at = LocalTime{0};
  use_zone("UTC0");
  const auto digest = due_daily_summary(*cache_, destination_, settings_, now);
  ASSERT_TRUE(digest);
  EXPECT_EQ(digest->summary_date, "2026-11-30");
  mark_daily_summary_sent(*cache_, destination_.name, *digest, now);
  mark_daily_summary_sent(*cache_, destination_.name, *digest, now + 1h);
  EXPECT_FALSE(due_daily_summary(*cache_, destination_, settings_, now + 2h));
  SQLite::Statement rows(cache_->db(), "SELECT sent_at FROM notify_summary");
  ASSERT_TRUE(rows.executeStep());
  EXPECT_EQ(rows.getColumn(0).getString(), format_utc(now));
  EXPECT_FALSE(rows.executeStep());
}

}  // namespace
}  // namespace kz

namespace kz {
namespace {

// A day on which no pool had any data (before the first run, an empty cache) is not
// summarised: nothing to say, and its day is not marked, so data arriving later that day does
// not change it either.
TEST_F(DailySummaryScheduleTest, ADayWithoutAnyDataIsNotSummarised) {
  use_zone("UTC0");
  settings_.daily_summary_at = LocalTime{0};
  cache_->db().exec("DELETE FROM snapshot");
  EXPECT_FALSE(run_at(sys_days{2026y / November / 15} + 9h));
  cache_->db().exec(
      "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs, online_workers,"
      " offline_workers, listed_workers, workers_complete) SELECT id, '2026-11-15T10:00:00.000Z',"
      " 1, 1, 0, 0, 1 FROM pool");
  EXPECT_FALSE(run_at(sys_days{2026y / November / 15} + 11h)) << "the 14th had no data";
  EXPECT_EQ(run_at(sys_days{2026y / November / 16} + 1h), "2026-11-15");
}

}  // namespace
}  // namespace kz
