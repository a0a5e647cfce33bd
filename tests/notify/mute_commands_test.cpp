#include "notify/mute_commands.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "notify/mute_store.hpp"
#include "summary_fixture.hpp"

namespace kz {
namespace {

using namespace std::chrono;

const TimePoint kNow = sys_days{2026y / December / 1} + 9h + 17min + 5s;

class MuteCommandsTest : public test::SummaryCacheTest {
 protected:
  // Parses `args` (after "kznotify") as kznotify's app would, then runs the command at `now`.
  int run(std::vector<std::string> args, TimePoint now = kNow) {
    CLI::App app{"kznotify"};
    MuteCommandOptions options;
    add_mute_commands(app, options);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    out_.str("");
    err_.str("");
    FixedClock clock(now);
    return run_mute_command(options, *cache_, clock, out_, err_);
  }
  // The usage error `args` give: one line.
  std::string usage_error(const std::vector<std::string>& args) {
    try {
      run(args);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      const std::string message = e.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      return message;
    }
    ADD_FAILURE() << "no error for " << ::testing::PrintToString(args);
    return "";
  }
  std::vector<Mute> active(TimePoint now = kNow) { return MuteStore(*cache_).active(now); }

  std::ostringstream out_, err_;
};

TEST_F(MuteCommandsTest, ForDurationsOfEveryUnitAndCombination) {
  add_pool("KZPool_001");
  std::mt19937 random(7);
  for (int i = 0; i < 40; ++i) {
    const int d = std::uniform_int_distribution<int>(0, 3)(random);
    const int h = std::uniform_int_distribution<int>(0, 30)(random);
    const int m = std::uniform_int_distribution<int>(0, 150)(random);
    const int s = std::uniform_int_distribution<int>(0, 90)(random);
    std::string text;
    if (d) text += std::to_string(d) + "d";
    if (h) text += std::to_string(h) + "h";
    if (m) text += std::to_string(m) + "m";
    if (s || text.empty()) text += std::to_string(s ? s : 1) + "s";
    const seconds expected = days{d} + hours{h} + minutes{m} + seconds{s ? s : 1};
    ASSERT_EQ(run({"mute", "--pool", "KZPool_001", "--for", text}), 0) << text;
    const auto mutes = active();
    const auto it = std::find_if(mutes.begin(), mutes.end(), [&](const Mute& mute) {
      return out_.str().starts_with("mute " + std::to_string(mute.id) + ":");
    });
    ASSERT_NE(it, mutes.end()) << out_.str();
    EXPECT_EQ(it->until, kNow + expected) << text;
    EXPECT_NE(out_.str().find(format_utc(kNow + expected)), std::string::npos) << out_.str();
    EXPECT_EQ(err_.str(), "");
  }
}

TEST_F(MuteCommandsTest, BadDurationsAreOneLineUsageErrors) {
  for (const std::string text : {"", "2", "h", "-1h", "1.5h", "2 h", "0m", "0d0h", "367d", "2x",
                                 "1h30", "h30m", "99999999999h", "2H", "1d 2h", "+2h"}) {
    const std::string message = usage_error({"mute", "--pool", "KZPool_001", "--for", text});
    EXPECT_NE(message.find("--for"), std::string::npos) << message;
  }
  EXPECT_TRUE(active().empty());
}

TEST_F(MuteCommandsTest, UntilInUtcWithAnyOffset) {
  std::mt19937 random(3);
  for (int i = 0; i < 30; ++i) {
    const int day = std::uniform_int_distribution<int>(2, 28)(random);
    const int hour = std::uniform_int_distribution<int>(0, 23)(random);
    const int minute = std::uniform_int_distribution<int>(0, 59)(random);
    const int offset = std::uniform_int_distribution<int>(-12 * 4, 14 * 4)(random) * 15;
    char text[64];
    const int oh = std::abs(offset) / 60, om = std::abs(offset) % 60;
    if (offset == 0) {
      std::snprintf(text, sizeof text, "2026-12-%02dT%02d:%02dZ", day, hour, minute);
    } else {
      std::snprintf(text, sizeof text, "2026-12-%02dT%02d:%02d%c%02d:%02d", day, hour, minute,
                    offset < 0 ? '-' : '+', oh, om);
    }
    const TimePoint expected =
        sys_days{2026y / December / day} + hours{hour} + minutes{minute} - minutes{offset};
    if (expected <= kNow) continue;
    ASSERT_EQ(run({"mute", "--pool", "P", "--until", text}), 0) << text;
    EXPECT_NE(out_.str().find(format_utc(expected)), std::string::npos) << text << out_.str();
  }
}

// Local wall times in zones given as POSIX TZ text; the expected instant is computed from the
// zone's known offset, not by the C library.
TEST_F(MuteCommandsTest, UntilInLocalTimeOfSeveralZones) {
  struct Case {
    const char* tz;
    const char* local;
    TimePoint utc;
  };
  const std::vector<Case> cases = {
      {"UTC0", "2026-12-01 18:00", sys_days{2026y / December / 1} + 18h},
      {"<+05>-5", "2026-12-01 18:00", sys_days{2026y / December / 1} + 13h},
      {"<+05>-5", "2026-12-02T00:30:15", sys_days{2026y / December / 1} + 19h + 30min + 15s},
      {"<+0530>-5:30", "2026-12-01 23:59", sys_days{2026y / December / 1} + 18h + 29min},
      {"<-0930>9:30", "2026-12-01 10:00", sys_days{2026y / December / 1} + 19h + 30min},
      {"EST5EDT,M3.2.0,M11.1.0", "2026-12-01 18:00", sys_days{2026y / December / 1} + 23h},
      {"EST5EDT,M3.2.0,M11.1.0", "2027-07-01 18:00", sys_days{2027y / July / 1} + 22h},
      // The day after the clocks went forward, and the hour after the fall-back hour.
      {"EST5EDT,M3.2.0,M11.1.0", "2027-03-14 03:00", sys_days{2027y / March / 14} + 7h},
      {"EST5EDT,M3.2.0,M11.1.0", "2027-11-07 02:00", sys_days{2027y / November / 7} + 7h},
  };
  for (const Case& c : cases) {
    use_zone(c.tz);
    cache_->db().exec("DELETE FROM notify_mute");
    ASSERT_EQ(run({"mute", "--pool", "P", "--worker", "rig-1", "--until", c.local}), 0);
    EXPECT_NE(out_.str().find(format_utc(c.utc)), std::string::npos)
        << c.tz << " " << c.local << ": " << out_.str();
    EXPECT_EQ(active().back().until, c.utc) << c.tz << " " << c.local;
    // The local end printed is the wall time typed.
    EXPECT_NE(out_.str().find(std::string(c.local).substr(11, 5)), std::string::npos) << out_.str();
  }
}

TEST_F(MuteCommandsTest, LocalTimesADstChangeSkipsOrRepeatsAreRefused) {
  use_zone("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_NE(usage_error({"mute", "--pool", "P", "--until", "2027-03-14 02:30"}).find("skips"),
            std::string::npos);
  EXPECT_NE(usage_error({"mute", "--pool", "P", "--until", "2027-11-07 01:30"}).find("twice"),
            std::string::npos);
  // The same instants in UTC are fine.
  EXPECT_EQ(run({"mute", "--pool", "P", "--until", "2027-11-07T05:30Z"}), 0);
}

TEST_F(MuteCommandsTest, BadOrPastTimesAndMissingOptionsAreUsageErrors) {
  for (const std::string text :
       {"tomorrow", "2026-13-01 10:00", "2026-02-30 10:00", "2026-12-01 25:00", "2026-12-01 10:60",
        "2026-12-01T18:00Q", "2026-12-01T18:00+25:00", "2026-12-01", "18:00", "2026-12-1 10:00",
        "2026-12-01 10:00:61"}) {
    EXPECT_NE(usage_error({"mute", "--pool", "P", "--until", text}).find("--until"),
              std::string::npos)
        << text;
  }
  // An end at or before now.
  usage_error({"mute", "--pool", "P", "--until", format_utc(kNow)});
  usage_error({"mute", "--pool", "P", "--until", "2026-11-30T10:00Z"});
  // No pool; neither --for nor --until.
  usage_error({"mute", "--for", "2h"});
  usage_error({"mute", "--pool", "P"});
  usage_error({"unmute"});
  EXPECT_TRUE(active().empty());
  EXPECT_THROW(run({"mute", "--pool", "P", "--for", "2h", "--until", "2026-12-02T00:00Z"}),
               CLI::ParseError);
  EXPECT_THROW(run({"unmute", "3", "--pool", "P"}), CLI::ParseError);
}

TEST_F(MuteCommandsTest, APoolOrWorkerNotInTheCacheWarnsButTheMuteIsKept) {
  add_pool("KZPool_001");
  cache_->db().exec(
      "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(1, 'rig-07', "
      "'2026-11-01T00:00:00.000Z')");
  ASSERT_EQ(run({"mute", "--pool", "KZPool_001", "--for", "2h"}), 0);
  EXPECT_EQ(err_.str(), "");
  ASSERT_EQ(run({"mute", "--pool", "KZPool_001", "--worker", "rig-07", "--for", "2h"}), 0);
  EXPECT_EQ(err_.str(), "");
  ASSERT_EQ(run({"mute", "--pool", "KZPool_001", "--worker", "rig-99", "--for", "2h"}), 0);
  EXPECT_NE(err_.str().find("warning: pool KZPool_001 has no worker rig-99"), std::string::npos);
  ASSERT_EQ(run({"mute", "--pool", "KZPool_404", "--for", "2h"}), 0);
  EXPECT_NE(err_.str().find("warning: pool KZPool_404 is not in the cache"), std::string::npos);
  EXPECT_EQ(active().size(), 4u);
  EXPECT_TRUE(MuteStore(*cache_).is_muted("KZPool_404", "", kNow));
}

TEST_F(MuteCommandsTest, MutesListsTheRunningOnesAndPrunesTheEnded) {
  use_zone("<+05>-5");
  ASSERT_EQ(run({"mutes"}), 0);
  EXPECT_EQ(out_.str(), "no mutes running\n");
  run({"mute", "--pool", "KZPool_001", "--for", "90m", "--reason", "firmware update"});
  run({"mute", "--pool", "KZPool_002", "--worker", "rig<7>", "--until", "2026-12-02 18:00"});
  ASSERT_EQ(run({"mutes"}), 0);
  std::istringstream lines(out_.str());
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 3u) << out_.str();
  EXPECT_TRUE(rows[0].starts_with("ID")) << rows[0];
  // Soonest end first: KZPool_001 ends at 10:47:05Z, 15:47 local (+05).
  for (const std::string part : {"KZPool_001", "(whole pool)", "2026-12-01 15:47 +05",
                                 "2026-12-01T10:47:05Z", "1 h 30 min", "firmware update"}) {
    EXPECT_NE(rows[1].find(part), std::string::npos) << part << " in " << rows[1];
  }
  for (const std::string part :
       {"KZPool_002", "rig<7>", "2026-12-02 18:00 +05", "2026-12-02T13:00:00Z", "1 d 3 h"}) {
    EXPECT_NE(rows[2].find(part), std::string::npos) << part << " in " << rows[2];
  }
  // The columns line up: every row has its until (UTC) at the same place.
  EXPECT_EQ(rows[1].find("2026-12-01T"), rows[2].find("2026-12-02T"));
  // 90 minutes later the first has ended and is gone from the cache.
  ASSERT_EQ(run({"mutes"}, kNow + 90min), 0);
  EXPECT_EQ(out_.str().find("KZPool_001"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("KZPool_002"), std::string::npos);
  SQLite::Statement count(cache_->db(), "SELECT count(*) FROM notify_mute");
  ASSERT_TRUE(count.executeStep());
  EXPECT_EQ(count.getColumn(0).getInt(), 1);
}

TEST_F(MuteCommandsTest, UnmuteByIdOrByPoolAndWorker) {
  run({"mute", "--pool", "KZPool_001", "--for", "2h"});
  const int64_t first = active().front().id;
  run({"mute", "--pool", "KZPool_001", "--worker", "rig-1", "--for", "3h"});
  run({"mute", "--pool", "KZPool_001", "--worker", "rig-2", "--for", "3h"});
  run({"mute", "--pool", "KZPool_002", "--worker", "rig-1", "--for", "3h"});
  ASSERT_EQ(run({"unmute", std::to_string(first)}), 0);
  EXPECT_NE(out_.str().find("mute " + std::to_string(first) + " removed"), std::string::npos);
  EXPECT_NE(usage_error({"unmute", std::to_string(first)}).find(std::to_string(first)),
            std::string::npos);
  ASSERT_EQ(run({"unmute", "--pool", "KZPool_001", "--worker", "rig-1"}), 0);
  EXPECT_NE(out_.str().find("1 mute of KZPool_001 worker rig-1"), std::string::npos);
  EXPECT_TRUE(MuteStore(*cache_).is_muted("KZPool_001", "rig-2", kNow));
  ASSERT_EQ(run({"unmute", "--pool", "KZPool_001"}), 0);
  EXPECT_FALSE(MuteStore(*cache_).is_muted("KZPool_001", "rig-2", kNow));
  usage_error({"unmute", "--pool", "KZPool_001"});
  ASSERT_EQ(active().size(), 1u);
  EXPECT_EQ(active()[0].account_name, "KZPool_002");
}

}  // namespace
}  // namespace kz
