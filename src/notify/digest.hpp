#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace kz {

// What one message to one destination says (issue 13): the transitions of a run, grouped; the
// alerts open when a destination is new; the daily summary; or a test. Channels render it in
// their own format (message_format.hpp) under their own size limit.
enum class DigestKind { transitions, open_now, daily_summary, test };

// One transition of one alert, or one open alert (open_now).
struct DigestEntry {
  std::string kind;          // "opened", "raised", "resolved"; "open" in an open_now digest
  std::string account_name;  // the pool, e.g. "KZPool_001"
  std::string source;        // "btcpool" or "antpool"
  std::string alert_type;    // offline_workers, worker_offline, hashrate_drop, zero_hashrate, ...
  std::string subject;       // "" for the pool, else the worker name (any characters)
  std::string severity;      // "low", "medium", "high"
  std::string previous_severity;  // "raised" only
  std::string message;            // the alert's own text, e.g. "3 of 60 workers offline"
  TimePoint opened_at{};          // UTC
  TimePoint at{};                 // the transition's time (UTC)
  // "resolved" only: how long the alert lasted (at - opened_at).
  std::optional<std::chrono::seconds> lasted;
};

// One pool's line of the daily summary (local day before the summary's date).
struct PoolSummary {
  std::string account_name;
  std::string source;
  std::optional<double> average_hashrate_hs;  // over the day's snapshots (H/s)
  std::optional<double> uptime_pct;           // worker samples online / all, 0..100
  std::optional<int> fewest_workers_online;
  std::optional<int> most_workers_online;
  std::optional<int64_t> income_sat;        // the day's income (satoshis)
  int incidents = 0;                        // alerts opened that day
  std::vector<std::string> incident_lines;  // "worker_offline rig-07: 42 min", at most a few
};

struct Digest {
  DigestKind kind = DigestKind::transitions;
  TimePoint at{};                    // when it is sent (UTC)
  std::string summary_date;          // daily_summary: the local date it covers, "YYYY-MM-DD"
  std::vector<DigestEntry> entries;  // transitions, open_now
  std::vector<PoolSummary> pools;    // daily_summary
  std::string note;                  // test: the text; otherwise optional, e.g. "2 held back"
};

}  // namespace kz
