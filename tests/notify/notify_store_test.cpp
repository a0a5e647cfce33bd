// NotifyStore over a real cache filled by kzscrape's AlertStore.
#include "notify/notify_store.hpp"

#include "notify_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

class NotifyStoreTest : public NotifyCacheTest {
 protected:
  NotifyStore store() { return NotifyStore(*cache_); }
  const AlertKey rig_{"worker_offline", "rig <1> & co"};
  const AlertKey pool_{"hashrate_drop", ""};
};

TEST_F(NotifyStoreTest, ANewDestinationStartsAfterTheNewestEvent) {
  EXPECT_EQ(store().add_destination(destination("empty"), t0_).last_event_id, 0);
  for (int i = 0; i < 5; ++i) {
    scrape(1,
           {{AlertAction::open, {"worker_offline", "w" + std::to_string(i)}, Severity::low, "m"}},
           t0_ + std::chrono::minutes{i});
    const std::string name = "d" + std::to_string(i);
    const DestinationState added = store().add_destination(destination(name), t0_ + 1h);
    EXPECT_EQ(added.last_event_id, count("SELECT max(id) FROM alert_event"));
    const auto read = store().destination(name);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->last_event_id, added.last_event_id);
    EXPECT_FALSE(read->greeted_at);
    EXPECT_EQ(store().plan_events(name, {}), 0);
  }
  EXPECT_FALSE(store().destination("nobody"));
}

TEST_F(NotifyStoreTest, PlanningFollowsRoutingAndAdvances) {
  store().add_destination(destination("all"), t0_);
  Destination high = destination("high");
  high.routing.min_severity = "high";
  high.routing.pools = {"KZPool_001"};
  store().add_destination(high, t0_);
  scrape(1, {{AlertAction::open, rig_, Severity::low, "m"}}, t0_);
  scrape(2, {{AlertAction::open, pool_, Severity::high, "m"}}, t0_);
  scrape(1, {{AlertAction::update, rig_, Severity::high, "worse"}}, t0_ + 10min);
  scrape(1, {{AlertAction::update, rig_, Severity::low, "better"}}, t0_ + 20min);
  scrape(1, {{AlertAction::resolve, rig_, Severity::low, ""}}, t0_ + 30min);
  EXPECT_EQ(store().plan_events("all", {}), 4);
  EXPECT_EQ(store().plan_events("all", {}), 0);
  // min_severity high and pool 1 only: the low opening is routed out, the raise and the
  // resolution (whatever its severity) are not.
  EXPECT_EQ(store().plan_events("high", high.routing), 2);
  EXPECT_EQ(rows("SELECT e.kind FROM notify_delivery d JOIN alert_event e ON e.id = d.event_id"
                 " WHERE d.destination = 'high' ORDER BY e.id"),
            (std::vector<std::string>{"raised", "resolved"}));
  EXPECT_EQ(store().destination("high")->last_event_id, count("SELECT max(id) FROM alert_event"));
  const auto pending = store().pending("high");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_FALSE(pending[0].earlier_rows);  // the raise is the first the destination hears
  EXPECT_TRUE(pending[1].earlier_rows);
  EXPECT_EQ(pending[0].subject, "rig <1> & co");
  EXPECT_EQ(pending[0].account_name, "KZPool_001");
  EXPECT_EQ(pending[0].source, "btcpool");
  EXPECT_EQ(pending[1].resolved_at, t0_ + 30min);
  EXPECT_EQ(pending[1].last_seen_at, t0_ + 20min);
}

TEST_F(NotifyStoreTest, SentDeliveriesSetWhatWasToldAndCountAsMessages) {
  store().add_destination(destination("d"), t0_);
  scrape(1, {{AlertAction::open, rig_, Severity::medium, "m"}}, t0_);
  scrape(1, {{AlertAction::update, rig_, Severity::high, "worse"}}, t0_ + 10min);
  store().plan_events("d", {});
  auto pending = store().pending("d");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_FALSE(pending[0].told_severity);
  store().mark_sent("d", {pending[0]}, t0_ + 10min);
  pending = store().pending("d");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].told_severity, "medium");
  store().record_failure("d", pending, "HTTP 502", t0_ + 11min);
  EXPECT_EQ(store().pending("d")[0].attempts, 1);
  EXPECT_EQ(store().destination("d")->last_error, "HTTP 502");
  store().mark_sent("d", pending, t0_ + 20min);
  EXPECT_EQ(rows("SELECT severity FROM notify_told"), std::vector<std::string>{"high"});
  EXPECT_EQ(store().destination("d")->last_error, "");
  scrape(1, {{AlertAction::resolve, rig_, Severity::high, ""}}, t0_ + 30min);
  store().plan_events("d", {});
  store().mark_sent("d", store().pending("d"), t0_ + 30min);
  EXPECT_EQ(count("SELECT count(*) FROM notify_told"), 0);
  EXPECT_EQ(store().pending_count("d"), 0);
  // Three messages about the key, two deliveries in none: counted per message, after `since`.
  const AlertKeyText key{"KZPool_001", "worker_offline", "rig <1> & co"};
  EXPECT_EQ(store().messages_since("d", t0_)[key], 3);
  EXPECT_EQ(store().messages_since("d", t0_ + 10min)[key], 2);
  EXPECT_EQ(store().messages_since("d", t0_ + 30min).count(key), 0u);
}

TEST_F(NotifyStoreTest, VerdictsRefusalAndChatId) {
  store().add_destination(destination("d"), t0_);
  scrape(1,
         {{AlertAction::open, rig_, Severity::medium, "m"},
          {AlertAction::open, pool_, Severity::low, "m"}},
         t0_);
  store().plan_events("d", {});
  const auto pending = store().pending("d");
  ASSERT_EQ(pending.size(), 2u);
  store().apply_verdicts("d",
                         {{pending[0].event_id, DeliveryVerdict::State::held, "muted", ""},
                          {pending[1].event_id, DeliveryVerdict::State::dropped, "not told", ""}});
  EXPECT_EQ(rows("SELECT state, coalesce(hold, ''), coalesce(reason, '') FROM notify_delivery "
                 "ORDER BY event_id"),
            (std::vector<std::string>{"pending|muted|", "dropped||not told"}));
  store().apply_verdicts("d", {{pending[0].event_id, DeliveryVerdict::State::ready, "", ""}});
  EXPECT_EQ(rows("SELECT hold FROM notify_delivery WHERE state = 'pending'"),
            std::vector<std::string>{"NULL"});
  store().set_refused("d", t0_ + 1h, "chat not found", t0_);
  store().set_chat_id("d", "-100200");
  const auto state = store().destination("d");
  EXPECT_EQ(state->refused_until, t0_ + 1h);
  EXPECT_EQ(state->last_error, "chat not found");
  EXPECT_EQ(state->chat_id, "-100200");
}

TEST_F(NotifyStoreTest, OpenAlertsForTheGreetingAreRoutedAndToldOnDelivery) {
  scrape(1,
         {{AlertAction::open, rig_, Severity::medium, "m"},
          {AlertAction::open, pool_, Severity::low, "m"}},
         t0_);
  scrape(2, {{AlertAction::open, pool_, Severity::high, "m"}}, t0_);
  scrape(2, {{AlertAction::resolve, pool_, Severity::high, ""}}, t0_ + 10min);
  Routing routing;
  routing.min_severity = "medium";
  const auto open = store().open_alerts(routing);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "open");
  EXPECT_EQ(open[0].subject, rig_.subject);
  store().add_destination(destination("d"), t0_);
  store().mark_greeted("d", open, t0_ + 20min);
  EXPECT_EQ(store().destination("d")->greeted_at, t0_ + 20min);
  EXPECT_EQ(rows("SELECT alert_id || '|' || severity FROM notify_told"),
            std::vector<std::string>{std::to_string(open[0].alert_id) + "|medium"});
  EXPECT_EQ(store().open_alerts({}).size(), 2u);
}

}  // namespace
}  // namespace kz::test
