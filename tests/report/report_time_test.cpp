#include "report/report_time.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kz {
namespace {

using namespace std::chrono;

TEST(ReportTimeTest, ADateIsMidnightUtcForEveryDayOfSomeYears) {
  for (sys_days day = sys_days{2023y / January / 1}; day < sys_days{2029y / January / 1};
       day += days{1}) {
    const year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    ASSERT_EQ(parse_report_time(text), TimePoint{day}) << text;
  }
}

TEST(ReportTimeTest, IsoTimesAreReadAsUtc) {
  const TimePoint t = sys_days{2026y / November / 1} + 10h + 20min + 30s;
  EXPECT_EQ(parse_report_time("2026-11-01T10:20:30Z"), t);
  EXPECT_EQ(parse_report_time("2026-11-01T10:20:30"), t);
  EXPECT_EQ(parse_report_time("2026-11-01T15:20:30+05:00"), t);
  EXPECT_EQ(parse_report_time("2026-11-01T07:20:30-03:00"), t);
  EXPECT_EQ(parse_report_time("2026-11-01T10:20:30.999Z"), t);
}

TEST(ReportTimeTest, AnythingElseIsRejected) {
  for (const char* bad : {"",
                          "2026-11",
                          "2026-11-1",
                          "2026-02-29",
                          "2026-13-01",
                          "2026-11-31",
                          "2026/11/01",
                          "01.11.2026",
                          "11/01/2026",
                          " 2026-11-01",
                          "2026-11-01 ",
                          "2026-11-01Z",
                          "+026-11-01",
                          "2026-1a-01",
                          "2026-11-01 10:00:00",
                          "2026-11-01T25:00:00Z",
                          "2026-11-01T10:00:00+5",
                          "2026-11-01T10:00:00Zjunk",
                          "yesterday",
                          "1730419200"}) {
    EXPECT_EQ(parse_report_time(bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(parse_report_time("2028-02-29"));
}

}  // namespace
}  // namespace kz
