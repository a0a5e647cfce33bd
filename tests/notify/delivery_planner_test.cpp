// plan_deliveries: which pending deliveries go in this run's message, wait, or are never sent.
#include "notify/delivery_planner.hpp"

#include <gtest/gtest.h>

#include <random>

namespace kz::test {
namespace {

using namespace std::chrono_literals;
using State = DeliveryVerdict::State;

const TimePoint kT0{std::chrono::sys_days{std::chrono::December / 1 / 2026}};

// An alert of pool KZPool_001 and its events; ids grow with each event.
struct AlertScript {
  explicit AlertScript(int64_t id) : alert_id(id) {}
  int64_t alert_id;
  std::string type = "worker_offline";
  std::string subject = "rig-1";
  TimePoint opened_at = kT0;
  TimePoint last_seen_at = kT0;
  std::optional<TimePoint> resolved_at;
  std::optional<std::string> told;
  bool earlier_rows = false;
};

PendingDelivery event(const AlertScript& alert, int64_t event_id, const std::string& kind,
                      const std::string& severity) {
  PendingDelivery d;
  d.event_id = event_id;
  d.kind = kind;
  d.severity = severity;
  d.message = kind + " " + severity;
  d.at = kind == "resolved" ? alert.resolved_at.value_or(kT0) : alert.opened_at;
  d.alert_id = alert.alert_id;
  d.account_name = "KZPool_001";
  d.source = "btcpool";
  d.alert_type = alert.type;
  d.subject = alert.subject;
  d.opened_at = alert.opened_at;
  d.last_seen_at = alert.last_seen_at;
  d.resolved_at = alert.resolved_at;
  d.told_severity = alert.told;
  d.earlier_rows = alert.earlier_rows || kind == "resolved" || kind == "raised";
  return d;
}

PlanContext context_at(TimePoint now) {
  PlanContext context;
  context.now = now;
  context.min_duration = {{"worker_offline", 60s}};
  context.max_per_alert_per_hour = 4;
  context.muted = [](const std::string&, const std::string&) { return false; };
  return context;
}

std::vector<std::string> states(const std::vector<DeliveryVerdict>& verdicts) {
  std::vector<std::string> out;
  for (const DeliveryVerdict& v : verdicts) {
    out.push_back(std::to_string(v.event_id) + ":" +
                  (v.state == State::ready  ? "ready"
                   : v.state == State::held ? "held"
                                            : "dropped") +
                  (v.reason.empty() ? "" : " " + v.reason));
  }
  return out;
}

TEST(DeliveryPlanner, MinimumDurationHoldsThenSendsOrDropsWithItsResolution) {
  for (int seconds = 0; seconds <= 180; seconds += 5) {
    for (bool resolved : {false, true}) {
      for (int minimum : {0, 60, 120}) {
        AlertScript alert{1};
        alert.last_seen_at = kT0 + std::chrono::seconds{seconds};
        if (resolved) alert.resolved_at = alert.last_seen_at + 600s;
        std::vector<PendingDelivery> pending = {event(alert, 7, "opened", "medium")};
        pending[0].earlier_rows = false;
        if (resolved) pending.push_back(event(alert, 9, "resolved", "medium"));
        PlanContext context = context_at(kT0 + 1h);
        context.min_duration["worker_offline"] = std::chrono::seconds{minimum};
        const auto verdicts = plan_deliveries(pending, context);
        ASSERT_EQ(verdicts.size(), pending.size());
        const bool long_enough = seconds >= minimum;
        for (const DeliveryVerdict& v : verdicts) {
          SCOPED_TRACE(std::to_string(seconds) + " s, minimum " + std::to_string(minimum));
          if (long_enough) {
            EXPECT_EQ(v.state, State::ready);
          } else if (resolved) {
            EXPECT_EQ(v.state, State::dropped);
            EXPECT_EQ(v.reason, "shorter than " + std::to_string(minimum) + " s");
          } else {
            EXPECT_EQ(v.state, State::held);
            EXPECT_EQ(v.reason, "min duration");
          }
        }
      }
    }
  }
}

TEST(DeliveryPlanner, RaisesGoOnlyAboveWhatTheDestinationKnows) {
  const std::vector<std::string> severities = {"low", "medium", "high"};
  for (const std::string& told : severities) {
    for (const std::string& raised : severities) {
      AlertScript alert{1};
      alert.last_seen_at = kT0 + 1h;
      alert.told = told;
      const auto verdicts =
          plan_deliveries({event(alert, 3, "raised", raised)}, context_at(kT0 + 1h));
      ASSERT_EQ(verdicts.size(), 1u);
      if (severity_rank(raised) > severity_rank(told)) {
        EXPECT_EQ(verdicts[0].state, State::ready);
        EXPECT_EQ(verdicts[0].previous_severity, told);
      } else {
        EXPECT_EQ(states(verdicts), std::vector<std::string>{"3:dropped not higher"});
      }
    }
  }
}

TEST(DeliveryPlanner, UntoldAlertsGetNoRaiseOrResolutionUnlessTheirOpeningGoesNow) {
  AlertScript alert{1};
  alert.last_seen_at = kT0 + 10min;
  alert.resolved_at = kT0 + 20min;
  // Told nothing, and its opening is not in the batch (dropped or sent before it was added).
  EXPECT_EQ(states(plan_deliveries(
                {event(alert, 4, "raised", "high"), event(alert, 5, "resolved", "high")},
                context_at(kT0 + 1h))),
            (std::vector<std::string>{"4:dropped not told", "5:dropped not told"}));
  // Its opening goes in the same batch: all three go, the raise says what it was before.
  auto opened = event(alert, 2, "opened", "low");
  opened.earlier_rows = false;
  const auto verdicts = plan_deliveries(
      {event(alert, 5, "resolved", "high"), opened, event(alert, 4, "raised", "high")},
      context_at(kT0 + 1h));
  EXPECT_EQ(states(verdicts), (std::vector<std::string>{"2:ready", "4:ready", "5:ready"}));
  EXPECT_EQ(verdicts[1].previous_severity, "low");
  // A raise with no earlier row (its opening was below the destination's min_severity) is the
  // first the destination hears: it goes, and so does the resolution after it.
  auto first = event(alert, 4, "raised", "high");
  first.earlier_rows = false;
  EXPECT_EQ(
      states(plan_deliveries({first, event(alert, 5, "resolved", "high")}, context_at(kT0 + 1h))),
      (std::vector<std::string>{"4:ready", "5:ready"}));
}

TEST(DeliveryPlanner, MutesHoldAndDropAPairHeldTogether) {
  for (const std::string& muted_subject : {std::string("rig-1"), std::string("rig-2")}) {
    PlanContext context = context_at(kT0 + 1h);
    context.muted = [&](const std::string& pool, const std::string& subject) {
      return pool == "KZPool_001" && subject == muted_subject;
    };
    AlertScript open{1};
    open.last_seen_at = kT0 + 30min;
    AlertScript told{2};
    told.subject = "rig-1";
    told.told = "medium";
    told.resolved_at = kT0 + 40min;
    told.last_seen_at = kT0 + 30min;
    AlertScript pair{3};
    pair.last_seen_at = kT0 + 30min;
    pair.resolved_at = kT0 + 40min;
    auto opened = event(open, 1, "opened", "medium");
    opened.earlier_rows = false;
    auto pair_opened = event(pair, 3, "opened", "medium");
    pair_opened.earlier_rows = false;
    const auto verdicts = plan_deliveries({opened, event(told, 2, "resolved", "medium"),
                                           pair_opened, event(pair, 4, "resolved", "medium")},
                                          context);
    if (muted_subject == "rig-1") {
      EXPECT_EQ(states(verdicts), (std::vector<std::string>{"1:held muted", "2:held muted",
                                                            "3:dropped muted", "4:dropped muted"}));
    } else {
      EXPECT_EQ(states(verdicts),
                (std::vector<std::string>{"1:ready", "2:ready", "3:ready", "4:ready"}));
    }
  }
}

TEST(DeliveryPlanner, FlappingCapCountsMessagesOfTheLastHourPerAlertKey) {
  for (int sent = 0; sent <= 6; ++sent) {
    for (int cap : {1, 2, 4}) {
      PlanContext context = context_at(kT0 + 1h);
      context.max_per_alert_per_hour = cap;
      context.sent_last_hour[{"KZPool_001", "worker_offline", "rig-1"}] = sent;
      context.sent_last_hour[{"KZPool_001", "worker_offline", "rig-9"}] = 100;
      AlertScript pair{1};
      pair.last_seen_at = kT0 + 30min;
      pair.resolved_at = kT0 + 40min;
      AlertScript open{2};
      open.last_seen_at = kT0 + 50min;
      AlertScript other{3};
      other.subject = "rig-2";
      other.last_seen_at = kT0 + 50min;
      std::vector<PendingDelivery> pending = {
          event(pair, 1, "opened", "high"), event(pair, 2, "resolved", "high"),
          event(open, 3, "opened", "high"), event(other, 4, "opened", "high")};
      for (auto* d : {&pending[0], &pending[2], &pending[3]}) d->earlier_rows = false;
      const auto verdicts = plan_deliveries(pending, context);
      SCOPED_TRACE(std::to_string(sent) + " sent, cap " + std::to_string(cap));
      if (sent >= cap) {
        EXPECT_EQ(states(verdicts),
                  (std::vector<std::string>{"1:dropped flapping", "2:dropped flapping",
                                            "3:held flapping", "4:ready"}));
      } else {
        EXPECT_EQ(states(verdicts),
                  (std::vector<std::string>{"1:ready", "2:ready", "3:ready", "4:ready"}));
      }
    }
  }
}

TEST(DeliveryPlanner, QuietHoursHoldAllButHighAndKeepAnAlertTogether) {
  PlanContext context = context_at(kT0 + 1h);
  context.quiet_hours = true;
  AlertScript low{1};
  low.last_seen_at = kT0 + 30min;
  AlertScript raised{2};
  raised.subject = "rig-2";
  raised.last_seen_at = kT0 + 30min;
  AlertScript pair{3};
  pair.subject = "rig-3";
  pair.last_seen_at = kT0 + 30min;
  pair.resolved_at = kT0 + 40min;
  std::vector<PendingDelivery> pending = {
      event(low, 1, "opened", "medium"), event(raised, 2, "opened", "low"),
      event(raised, 3, "raised", "high"), event(pair, 4, "opened", "low"),
      event(pair, 5, "resolved", "low")};
  for (auto* d : {&pending[0], &pending[1], &pending[3]}) d->earlier_rows = false;
  EXPECT_EQ(states(plan_deliveries(pending, context)),
            (std::vector<std::string>{"1:held quiet hours", "2:ready", "3:ready",
                                      "4:held quiet hours", "5:held quiet hours"}));
  context.quiet_hours = false;
  for (const DeliveryVerdict& v : plan_deliveries(pending, context)) {
    EXPECT_EQ(v.state, State::ready);
  }
}

// Generated: every verdict is one of the documented ones, one per delivery, in event order, and
// nothing of an alert goes while an earlier delivery of it is held.
TEST(DeliveryPlanner, GeneratedBatchesKeepEachAlertInOrder) {
  std::mt19937 random(13);
  const std::vector<std::string> severities = {"low", "medium", "high"};
  for (int round = 0; round < 300; ++round) {
    std::vector<PendingDelivery> pending;
    int64_t next_id = 1;
    for (int64_t alert_id = 1; alert_id <= 4; ++alert_id) {
      AlertScript alert{alert_id};
      alert.subject = "rig-" + std::to_string(random() % 3);
      alert.last_seen_at = kT0 + std::chrono::seconds{random() % 200};
      if (random() % 2) alert.resolved_at = alert.last_seen_at + 600s;
      if (random() % 3 == 0) alert.told = severities[random() % 3];
      if (!alert.told && random() % 2) {
        pending.push_back(event(alert, next_id++, "opened", severities[random() % 3]));
        pending.back().earlier_rows = false;
      }
      for (auto raises = static_cast<unsigned>(random() % 3); raises > 0; --raises) {
        pending.push_back(event(alert, next_id++, "raised", severities[random() % 3]));
      }
      if (alert.resolved_at) pending.push_back(event(alert, next_id++, "resolved", "medium"));
    }
    std::shuffle(pending.begin(), pending.end(), random);
    PlanContext context = context_at(kT0 + 1h);
    context.quiet_hours = random() % 2;
    context.sent_last_hour[{"KZPool_001", "worker_offline", "rig-0"}] = 4;
    context.muted = [](const std::string&, const std::string& subject) {
      return subject == "rig-1";
    };
    const auto verdicts = plan_deliveries(pending, context);
    ASSERT_EQ(verdicts.size(), pending.size());
    std::map<int64_t, const PendingDelivery*> by_id;
    for (const auto& d : pending) by_id[d.event_id] = &d;
    std::map<int64_t, bool> alert_held;
    for (size_t i = 0; i < verdicts.size(); ++i) {
      if (i > 0) {
        EXPECT_LT(verdicts[i - 1].event_id, verdicts[i].event_id);
      }
      const PendingDelivery& d = *by_id.at(verdicts[i].event_id);
      if (verdicts[i].state == State::held) alert_held[d.alert_id] = true;
      if (verdicts[i].state == State::ready) {
        EXPECT_FALSE(alert_held[d.alert_id]);
        EXPECT_NE(d.subject, "rig-1") << "muted";
        EXPECT_NE(d.subject, "rig-0") << "flapping";
      }
    }
  }
}

TEST(DeliveryPlanner, QuietHoursMatchAWalkAroundTheClock) {
  for (int from = 0; from < 1440; from += 97) {
    for (int to = 0; to < 1440; to += 89) {
      std::vector<bool> quiet(1440, false);
      for (int m = from; from != to && m != to; m = (m + 1) % 1440) quiet[m] = true;
      for (int minute = 0; minute < 1440; ++minute) {
        ASSERT_EQ(in_quiet_hours({{from}, {to}}, minute), quiet[minute])
            << from << " " << to << " " << minute;
      }
    }
  }
}

TEST(DeliveryPlanner, RoutingByPoolTypeAndSeverity) {
  Routing routing;
  EXPECT_TRUE(routed(routing, "any", "any", "low"));
  routing.pools = {"KZPool_001"};
  routing.alert_types = {"worker_offline", "hashrate_drop"};
  routing.min_severity = "medium";
  for (const std::string pool : {"KZPool_001", "KZPool_002"}) {
    for (const std::string type : {"worker_offline", "hashrate_drop", "zero_hashrate"}) {
      for (const std::string severity : {"low", "medium", "high"}) {
        EXPECT_EQ(routed(routing, pool, type, severity),
                  pool == "KZPool_001" && type != "zero_hashrate" && severity != "low");
      }
    }
  }
}

}  // namespace
}  // namespace kz::test
