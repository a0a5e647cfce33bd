#include "common/clock.hpp"

#include <gtest/gtest.h>

namespace kz {
namespace {

using namespace std::chrono;

TEST(Clock, FormatsUtcIso) {
  const TimePoint t = sys_days{2026y / November / 22} + 10h + 40min + 5s;
  EXPECT_EQ(format_utc(t), "2026-11-22T10:40:05Z");
  EXPECT_EQ(parse_utc("2026-11-22T10:40:05Z"), t);
  EXPECT_EQ(parse_utc("2026-11-22T15:40:05+05:00"), t);
  EXPECT_EQ(parse_utc("2026-11-22 10:40:05"), t);
}

// Every millisecond of a few seconds: three digits, a round trip, and text order = time order.
TEST(Clock, MillisecondTextsRoundTripAndSortAsTimes) {
  const TimePointMs start = sys_days{2026y / November / 22} + 23h + 59min + 58s;
  std::string previous;
  for (TimePointMs t = start; t < start + 3s; t += 1ms) {
    const std::string text = format_utc_ms(t);
    ASSERT_EQ(text.size(), 24U) << text;
    EXPECT_EQ(parse_utc_ms(text), t) << text;
    EXPECT_EQ(parse_utc(text), floor<seconds>(t)) << text;
    EXPECT_LT(previous, text);
    previous = text;
  }
  EXPECT_EQ(format_utc_ms(start + 7ms), "2026-11-22T23:59:58.007Z");
  EXPECT_EQ(parse_utc_ms("2026-11-22T23:59:58.5Z"), start + 500ms);
  EXPECT_EQ(parse_utc_ms("2026-11-23T04:59:58.123456789+05:00"), start + 123ms);
  EXPECT_FALSE(parse_utc_ms("2026-11-22T23:59:58.Z"));
  EXPECT_FALSE(parse_utc_ms("2026-11-22T23:59:58.1234567890Z"));
  EXPECT_FALSE(parse_utc_ms("2026-11-22T23:59:58.12x"));
}

TEST(Clock, ASecondsClockGivesWholeMilliseconds) {
  const FixedClock fixed(sys_days{2026y / November / 22} + 10h);
  EXPECT_EQ(fixed.now_ms(), TimePointMs{fixed.now()});
}

TEST(Clock, RejectsBadTimes) {
  EXPECT_FALSE(parse_utc(""));
  EXPECT_FALSE(parse_utc("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-11-22T24:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-11-22T10:00:00+5"));
  EXPECT_FALSE(parse_utc("22.11.2026 10:00:00"));
}

TEST(Clock, ParsesUtcOffsets) {
  EXPECT_EQ(parse_utc_offset("+05:00"), minutes{300});
  EXPECT_EQ(parse_utc_offset("-03:30"), minutes{-210});
  EXPECT_EQ(parse_utc_offset("UTC+5"), minutes{300});
  EXPECT_EQ(parse_utc_offset("Z"), minutes{0});
  EXPECT_FALSE(parse_utc_offset("05:00"));
  EXPECT_FALSE(parse_utc_offset("+15:00"));
  EXPECT_FALSE(parse_utc_offset("+05:0"));
  EXPECT_FALSE(parse_utc_offset("Asia/Almaty"));
}

TEST(Clock, ConvertsPageLocalTimeToUtc) {
  // Almaty 00:30 on Nov 22 is 19:30 UTC on Nov 21.
  EXPECT_EQ(format_utc(*local_to_utc("2026-11-22T00:30:00", minutes{300})), "2026-11-21T19:30:00Z");
  EXPECT_FALSE(local_to_utc("2026-11-22T00:30:00Z", minutes{300}));
  EXPECT_FALSE(local_to_utc("yesterday", minutes{0}));
}

TEST(Clock, FixedClockAdvances) {
  FixedClock clock(sys_days{2026y / January / 1});
  clock.advance(10min);
  EXPECT_EQ(format_utc(clock.now()), "2026-01-01T00:10:00Z");
}

}  // namespace
}  // namespace kz
