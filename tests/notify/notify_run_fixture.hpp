#pragma once

// run_notify over a real cache with recording channels, a fixed clock and a sleeper that moves
// it; the host zone is UTC so that quiet hours read as the times below.
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "notify/notify_run.hpp"
#include "notify_fixture.hpp"
#include "recording_channel.hpp"

namespace kz::test {

class NotifyRunTest : public NotifyCacheTest {
 protected:
  void SetUp() override {
    NotifyCacheTest::SetUp();
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    settings_.destinations = {destination("ops")};
    settings_.min_duration = {};
    settings_.max_per_alert_per_hour = 1000;
  }

  std::vector<DestinationOutcome> run(bool dry_run = false) {
    std::ostringstream out;
    NotifyRunOptions options;
    options.dry_run = dry_run;
    auto outcomes = run_notify(*cache_, settings_, channels_.factory(), clock_, sleeper_.sleeper(),
                               options, out);
    printed_ = out.str();
    return outcomes;
  }

  // "opened KZPool_001/worker_offline/rig-1 medium", one per entry of every delivered digest.
  static std::vector<std::string> entries(const std::vector<Digest>& digests) {
    std::vector<std::string> out;
    for (const Digest& digest : digests) {
      for (const DigestEntry& e : digest.entries) {
        out.push_back(e.kind + " " + e.account_name + "/" + e.alert_type + "/" + e.subject + " " +
                      e.severity);
      }
    }
    return out;
  }
  std::vector<std::string> delivered(const std::string& name = "ops") {
    return entries(channels_.log(name).delivered);
  }
  // The cache's events in the same form, oldest first.
  std::vector<std::string> events(const std::string& where = "1") {
    return rows(
        "SELECT e.kind || ' ' || p.account_name || '/' || a.alert_type || '/' || a.subject || ' ' "
        "||"
        " e.severity FROM alert_event e JOIN alert a ON a.id = e.alert_id JOIN pool p ON p.id ="
        " a.pool_id WHERE " +
        where + " ORDER BY e.id");
  }

  FixedClock clock_{TimePoint{std::chrono::sys_days{std::chrono::December / 1 / 2026}}};
  AdvancingSleeper sleeper_{clock_, {}};
  RecordingChannels channels_;
  NotifySettings settings_;
  std::string printed_;
};

}  // namespace kz::test
