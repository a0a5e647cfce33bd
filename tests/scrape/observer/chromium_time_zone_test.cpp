// Issue 9, kind 6: Chromium runs in the page's zone, with a fixed locale and none of
// kzscrape's environment.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/child_process.hpp"
#include "common/error.hpp"
#include "scrape/observer/page_renderer.hpp"
#include "support/page_server.hpp"

namespace kz {
namespace {

using namespace std::chrono_literals;

// "+0530" for 330 minutes, as date +%z writes it.
std::string numeric_offset(int minutes) {
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  return text;
}

// The offset system tzdata gives `zone` at unix time `at`, read by /usr/bin/date.
std::string tzdata_offset(const std::string& zone, int64_t at) {
  ChildOptions options;
  options.environment = std::vector<std::string>{"TZ=" + zone};
  const ChildResult r =
      run_child({"/usr/bin/date", "-d", "@" + std::to_string(at), "+%z"}, options);
  return r.out.substr(0, r.out.find('\n'));
}

// Every offset --page-tz accepts, minute by minute: each either has a zone that tzdata
// confirms in January and in July (so no summer time), or none; all whole hours from -12 to
// +14 have one.
TEST(ChromiumTimeZone, EveryZoneHasItsOffsetAllYear) {
  int zones = 0;
  for (int minutes = -14 * 60 - 59; minutes <= 14 * 60 + 59; ++minutes) {
    const auto zone = chromium_time_zone(std::chrono::minutes(minutes));
    if (minutes % 60 == 0 && minutes >= -12 * 60 && minutes <= 14 * 60) {
      EXPECT_TRUE(zone) << minutes;
    }
    if (!zone) continue;
    ++zones;
    // 2026-01-15 and 2026-07-15, 12:00 UTC.
    for (int64_t at : {1768478400LL, 1784116800LL}) {
      EXPECT_EQ(tzdata_offset(*zone, at), numeric_offset(minutes)) << *zone << " at " << at;
    }
  }
  EXPECT_GE(zones, 27 + 5);  // the whole hours and the common half hours
  EXPECT_EQ(chromium_time_zone(5h), "Etc/GMT-5");
  EXPECT_EQ(chromium_time_zone(-3h), "Etc/GMT+3");
  EXPECT_EQ(chromium_time_zone(330min), "Asia/Kolkata");
}

TEST(ChromiumTimeZone, TheEnvironmentIsOnlyPathHomeZoneAndLocale) {
  ::setenv("SUPABASE_SERVICE_KEY", "secret-must-not-reach-chromium", 1);
  const auto env = ChromiumRenderer::environment("/tmp/profile", 5h);
  ::unsetenv("SUPABASE_SERVICE_KEY");
  ASSERT_EQ(env.size(), 5u);
  EXPECT_TRUE(env[0].starts_with("PATH=/"));
  EXPECT_EQ(std::vector(env.begin() + 1, env.end()),
            (std::vector<std::string>{"HOME=/tmp/profile", "TZ=Etc/GMT-5", "LANG=C.UTF-8",
                                      "LC_ALL=C.UTF-8"}));
}

TEST(ChromiumTimeZone, AnOffsetWithoutAZoneIsAUsageErrorNamingIt) {
  try {
    ChromiumRenderer::environment("/tmp/profile", std::chrono::minutes(-(3 * 60 + 30)));
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("UTC-03:30"), std::string::npos) << e.what();
  }
}

// The browser's own view: the page prints its zone offset in January and July and its
// language, for a few offsets on both sides of UTC.
TEST(ChromiumTimeZone, ChromiumRendersInTheGivenOffset) {
  test::PageServer server;
  server.set("/z", {test::Step::ok(
                       "<html><body><p id=z></p><script>"
                       "document.getElementById('z').textContent = "
                       "[new Date(Date.UTC(2026,0,15)).getTimezoneOffset(),"
                       " new Date(Date.UTC(2026,6,15)).getTimezoneOffset(), navigator.language,"
                       " new Date(Date.UTC(2026,10,22,5,33,25)).getHours()].join(' ');"
                       "</script></body></html>")});
  const auto profiles =
      std::filesystem::temp_directory_path() / ("kz_zone_" + std::to_string(::getpid()));
  std::filesystem::create_directories(profiles);
  ChromiumOptions options;
  options.profile_parent = profiles;
  ChromiumRenderer chromium(options);
  for (int minutes : {5 * 60 + 45, -(9 * 60 + 30), -12 * 60}) {
    const std::string dom = chromium.render(server.url("/z"), 30s, std::chrono::minutes(minutes));
    const int hour = ((5 * 60 + 33 + minutes) % (24 * 60) + 24 * 60) % (24 * 60) / 60;
    const std::string expected = std::to_string(-minutes) + " " + std::to_string(-minutes) +
                                 " en-US " + std::to_string(hour);
    EXPECT_NE(dom.find("<p id=\"z\">" + expected + "</p>"), std::string::npos)
        << minutes << ": " << dom;
  }
  std::filesystem::remove_all(profiles);
}

}  // namespace
}  // namespace kz
