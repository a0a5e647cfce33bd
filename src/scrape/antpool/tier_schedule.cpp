#include "scrape/antpool/tier_schedule.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>

namespace kz {

namespace {

constexpr std::chrono::seconds kEarlyRunSlack{60};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<TimePoint> last_run(Cache& cache, int64_t pool_id, Tier tier) {
  try {
    SQLite::Statement select(cache.db(),
                             "SELECT last_run_at FROM api_tier_run WHERE pool_id = ? AND tier = ?");
    select.bind(1, pool_id);
    select.bind(2, static_cast<int>(tier));
    if (!select.executeStep()) return std::nullopt;
    const std::string text = select.getColumn(0).getString();
    const auto at = parse_utc(text);
    if (!at) {
      throw Error(ExitCode::cache_failed, "cache " + cache.path() + ": api_tier_run of pool " +
                                              std::to_string(pool_id) +
                                              " holds an unreadable time \"" + text + "\"");
    }
    return at;
  } catch (...) {
    cache.rethrow_as_cache_error("reading the Antpool tier runs");
  }
}

// Today's `after` (minutes past local midnight) in the host's zone, as UTC. A time a DST
// change skips is read as mktime normalises it (the same wall time on the other side).
TimePoint local_today_at(TimePoint now, std::chrono::minutes after) {
  tzset();
  const std::time_t now_t = static_cast<std::time_t>(now.time_since_epoch().count());
  std::tm local{};
  localtime_r(&now_t, &local);
  local.tm_hour = static_cast<int>(after.count() / 60);
  local.tm_min = static_cast<int>(after.count() % 60);
  local.tm_sec = 0;
  local.tm_isdst = -1;
  const std::time_t at = std::mktime(&local);
  return TimePoint{std::chrono::seconds{at}};
}

}  // namespace

std::optional<std::chrono::minutes> parse_daily_after(std::string_view text) {
  const bool shaped = text.size() == 5 && is_digit(text[0]) && is_digit(text[1]) &&
                      text[2] == ':' && is_digit(text[3]) && is_digit(text[4]);
  const int hours = shaped ? (text[0] - '0') * 10 + (text[1] - '0') : -1;
  const int minutes = shaped ? (text[3] - '0') * 10 + (text[4] - '0') : -1;
  if (!shaped || hours > 23 || minutes > 59) return std::nullopt;
  return std::chrono::minutes{hours * 60 + minutes};
}

namespace {

std::chrono::minutes checked_daily_after(const std::string& text) {
  const auto minutes = parse_daily_after(text);
  if (!minutes) {
    throw Error(ExitCode::usage,
                "antpool daily_after must be a local time \"HH:MM\" from "
                "00:00 to 23:59, not \"" +
                    text + "\"");
  }
  return *minutes;
}

}  // namespace

TierSchedule::TierSchedule(Cache& cache, const AntpoolSettings& settings)
    : cache_(cache), settings_(settings), daily_after_(checked_daily_after(settings.daily_after)) {}

bool TierSchedule::due(int64_t pool_id, Tier tier, TimePoint now) {
  switch (tier) {
    case Tier::overview:
      return true;
    case Tier::workers:
    case Tier::offline: {
      const auto last = last_run(cache_, pool_id, tier);
      if (!last) return true;
      const std::chrono::seconds interval =
          tier == Tier::workers ? settings_.workers_interval : settings_.offline_interval;
      return now - *last >= interval - std::min(kEarlyRunSlack, interval / 2);
    }
    case Tier::daily: {
      // An account never read in full (just added) gets its balance and history at once;
      // from then on, the first run at or after the local time of each day.
      const auto last = last_run(cache_, pool_id, tier);
      if (!last) return true;
      const TimePoint today_at = local_today_at(now, daily_after_);
      return now >= today_at && *last < today_at;
    }
  }
  return false;
}

void TierSchedule::mark_run(int64_t pool_id, Tier tier, TimePoint now) {
  try {
    SQLite::Statement upsert(cache_.db(),
                             "INSERT INTO api_tier_run(pool_id, tier, last_run_at) VALUES(?, ?, ?)"
                             " ON CONFLICT(pool_id, tier) DO UPDATE SET"
                             " last_run_at = excluded.last_run_at");
    upsert.bind(1, pool_id);
    upsert.bind(2, static_cast<int>(tier));
    upsert.bind(3, format_utc(now));
    upsert.exec();
  } catch (...) {
    cache_.rethrow_as_cache_error("recording an Antpool tier run");
  }
}

}  // namespace kz
