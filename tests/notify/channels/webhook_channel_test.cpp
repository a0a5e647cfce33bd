#include "notify/channels/webhook_channel.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "notify/channels/hook_test_kit.hpp"
#include "notify/message_format.hpp"
#include "support/notify/hook_server.hpp"

namespace kz {
namespace {

using nlohmann::json;
using test::HookFailure;
using test::HookServer;

void expect_event(const json& event, const DigestEntry& entry) {
  EXPECT_EQ(event.at("state"), entry.kind);
  EXPECT_EQ(event.at("alert_type"), entry.alert_type);
  EXPECT_EQ(event.at("severity"), entry.severity);
  EXPECT_EQ(event.contains("previous_severity"), entry.kind == "raised");
  if (entry.kind == "raised") {
    EXPECT_EQ(event.at("previous_severity"), entry.previous_severity);
  }
  EXPECT_EQ(event.at("pool"), entry.account_name);
  EXPECT_EQ(event.at("source"), entry.source);
  EXPECT_EQ(event.at("subject"), entry.subject);
  EXPECT_EQ(event.at("message"), entry.message);
  EXPECT_EQ(parse_utc(event.at("opened_at").get<std::string>()), entry.opened_at);
  EXPECT_EQ(parse_utc(event.at("at").get<std::string>()), entry.at);
  ASSERT_EQ(event.contains("lasted_s"), entry.lasted.has_value());
  if (entry.lasted) {
    EXPECT_EQ(event.at("lasted_s").get<long long>(), entry.lasted->count());
  }
}

TEST(WebhookDocument, CarriesEveryEntryAndTheTextAsReceivedByAHook) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1321);
  const std::string url = hooks.add_generic(test::generated_secret(rng));
  WebhookChannel channel(test::hook_destination("webhook", url), transport, test::local_options());
  for (int round = 0; round < 10; ++round) {
    Digest digest = test::generated_digest(rng, round * 5);
    if (round % 3 == 1) {
      digest.kind = DigestKind::open_now;
      for (DigestEntry& entry : digest.entries) {
        entry.kind = "open";
        entry.previous_severity.clear();
        entry.lasted.reset();
      }
    }
    ASSERT_EQ(channel.send(digest).outcome, DeliveryResult::Outcome::delivered);
    const auto got = hooks.delivered(url);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(round + 1));
    EXPECT_TRUE(got.back().header("X-Kzpool-Signature").empty()) << "no secret, no signature";
    const json document = json::parse(got.back().body);
    EXPECT_EQ(document.at("kind"), round % 3 == 1 ? "open_now" : "transitions");
    EXPECT_EQ(parse_utc(document.at("sent_at").get<std::string>()), digest.at);
    EXPECT_EQ(document.at("text"), render_text(digest, TextStyle::plain, kWebhookTextLimit));
    EXPECT_TRUE(document.at("pools").empty());
    const json& events = document.at("events");
    ASSERT_EQ(events.size(), digest.entries.size());
    for (std::size_t i = 0; i < events.size(); ++i) expect_event(events[i], digest.entries[i]);
  }
}

TEST(WebhookDocument, DailySummaryAndTestKinds) {
  std::mt19937 rng(1322);
  Digest summary;
  summary.kind = DigestKind::daily_summary;
  summary.at = TimePoint{std::chrono::seconds{1'795'000'000}};
  summary.summary_date = "2026-11-21";
  for (int i = 0; i < 4; ++i) {
    PoolSummary pool;
    pool.account_name = "KZPool_" + std::to_string(i);
    pool.source = "btcpool";
    if (i % 2 == 0) {
      pool.average_hashrate_hs = std::uniform_real_distribution<double>(1e12, 1e18)(rng);
      pool.uptime_pct = std::uniform_real_distribution<double>(0, 100)(rng);
      pool.fewest_workers_online = i;
      pool.most_workers_online = i + 10;
      pool.income_sat = std::uniform_int_distribution<int64_t>(0, 5'000'000'000)(rng);
    }
    pool.incidents = i;
    pool.incident_lines.assign(static_cast<std::size_t>(i),
                               "worker_offline " + test::generated_worker(rng));
    summary.pools.push_back(pool);
  }
  const json document = webhook_document(summary);
  EXPECT_EQ(document.at("kind"), "daily_summary");
  EXPECT_EQ(document.at("summary_date"), "2026-11-21");
  ASSERT_EQ(document.at("pools").size(), summary.pools.size());
  for (std::size_t i = 0; i < summary.pools.size(); ++i) {
    const json& pool = document.at("pools")[i];
    const PoolSummary& want = summary.pools[i];
    EXPECT_EQ(pool.at("pool"), want.account_name);
    EXPECT_EQ(pool.contains("income_sat"), want.income_sat.has_value());
    if (want.income_sat) {
      EXPECT_EQ(pool.at("income_sat").get<int64_t>(), *want.income_sat);
    }
    if (want.average_hashrate_hs) {
      EXPECT_EQ(pool.at("average_hashrate_hs").get<double>(), *want.average_hashrate_hs);
    }
    EXPECT_EQ(pool.at("incidents"), want.incidents);
    EXPECT_EQ(pool.at("incident_lines").get<std::vector<std::string>>(), want.incident_lines);
  }
  Digest test_digest;
  test_digest.kind = DigestKind::test;
  test_digest.note = "kzpool test message";
  const json test_document = webhook_document(test_digest);
  EXPECT_EQ(test_document.at("kind"), "test");
  EXPECT_EQ(test_document.at("note"), "kzpool test message");
  EXPECT_FALSE(test_document.contains("summary_date"));
}

TEST(WebhookSignature, MatchesRfc4231AndIsLowerCaseHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookChannel, AReceiverWithTheSecretVerifiesEverySignedBody) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1323);
  for (int round = 0; round < 8; ++round) {
    const std::string secret =
        test::generated_secret(rng, 16 + static_cast<std::size_t>(round) * 4);
    const std::string url = hooks.add_generic(test::generated_secret(rng), secret);
    Destination destination = test::hook_destination("webhook", url);
    destination.secrets.signing_secret = secret;
    WebhookChannel channel(destination, transport, test::local_options());
    ASSERT_EQ(channel.send(test::generated_digest(rng, round + 1)).outcome,
              DeliveryResult::Outcome::delivered);
    const auto got = hooks.delivered(url);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(got[0].signature_valid);
    EXPECT_TRUE(*got[0].signature_valid);
  }
}

TEST(WebhookChannel, AWrongSecretIsRefusedByTheReceiverAndNeitherSecretIsShown) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1324);
  for (const bool signs : {true, false}) {
    const std::string token = test::generated_secret(rng);
    const std::string receiver_secret = test::generated_secret(rng);
    const std::string sender_secret = test::generated_secret(rng);
    const std::string url = hooks.add_generic(token, receiver_secret);
    Destination destination = test::hook_destination("webhook", url);
    if (signs) destination.secrets.signing_secret = sender_secret;
    WebhookChannel channel(destination, transport, test::local_options());
    const DeliveryResult result = channel.send(test::generated_digest(rng, 2));
    EXPECT_EQ(result.outcome, DeliveryResult::Outcome::refused);
    EXPECT_EQ(result.error, "webhook ops-webhook: HTTP 401");
    EXPECT_EQ(hooks.requests().back().signature_valid, false);
  }
}

TEST(WebhookChannel, StatusesMapToOutcomes) {
  HookServer hooks;
  CurlTransport transport(test::local_options());
  std::mt19937 rng(1325);
  const std::string url = hooks.add_generic(test::generated_secret(rng));
  WebhookChannel channel(test::hook_destination("webhook", url), transport, test::local_options());
  const std::vector<std::pair<int, DeliveryResult::Outcome>> cases = {
      {200, DeliveryResult::Outcome::delivered}, {201, DeliveryResult::Outcome::delivered},
      {202, DeliveryResult::Outcome::delivered}, {204, DeliveryResult::Outcome::delivered},
      {401, DeliveryResult::Outcome::refused},   {403, DeliveryResult::Outcome::refused},
      {404, DeliveryResult::Outcome::refused},   {410, DeliveryResult::Outcome::refused},
      {408, DeliveryResult::Outcome::transient}, {429, DeliveryResult::Outcome::transient},
      {500, DeliveryResult::Outcome::transient}, {502, DeliveryResult::Outcome::transient},
      {503, DeliveryResult::Outcome::transient}};
  for (const auto& [status, outcome] : cases) {
    hooks.fail_next(url, HookFailure{status, 1, 7, false, ""});
    const DeliveryResult result = channel.send(test::generated_digest(rng, 1));
    EXPECT_EQ(result.outcome, outcome) << status;
    EXPECT_EQ(result.retry_after.has_value(), status == 429) << status;
    if (status == 429) {
      EXPECT_EQ(result.retry_after->count(), 7);
    }
  }
}

}  // namespace
}  // namespace kz
