#include "notify/channels/webhook_channel.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "common/clock.hpp"
#include "common/sha256.hpp"
#include "notify/message_format.hpp"

namespace kz {

namespace {

const char* kind_name(DigestKind kind) {
  switch (kind) {
    case DigestKind::transitions:
      return "transitions";
    case DigestKind::open_now:
      return "open_now";
    case DigestKind::daily_summary:
      return "daily_summary";
    case DigestKind::test:
      return "test";
  }
  return "transitions";
}

nlohmann::json event_of(const DigestEntry& entry) {
  nlohmann::json event{
      {"state", entry.kind}, {"alert_type", entry.alert_type}, {"severity", entry.severity}};
  if (!entry.previous_severity.empty()) event["previous_severity"] = entry.previous_severity;
  event["pool"] = entry.account_name;
  event["source"] = entry.source;
  event["subject"] = entry.subject;
  event["message"] = entry.message;
  event["opened_at"] = format_utc(entry.opened_at);
  event["at"] = format_utc(entry.at);
  if (entry.lasted) event["lasted_s"] = entry.lasted->count();
  return event;
}

nlohmann::json pool_of(const PoolSummary& pool) {
  nlohmann::json out{{"pool", pool.account_name}, {"source", pool.source}};
  if (pool.average_hashrate_hs) out["average_hashrate_hs"] = *pool.average_hashrate_hs;
  if (pool.uptime_pct) out["uptime_pct"] = *pool.uptime_pct;
  if (pool.fewest_workers_online) out["fewest_workers_online"] = *pool.fewest_workers_online;
  if (pool.most_workers_online) out["most_workers_online"] = *pool.most_workers_online;
  if (pool.income_sat) out["income_sat"] = *pool.income_sat;
  out["incidents"] = pool.incidents;
  out["incident_lines"] = pool.incident_lines;
  return out;
}

}  // namespace

nlohmann::json webhook_document(const Digest& digest) {
  nlohmann::json document{{"kind", kind_name(digest.kind)}, {"sent_at", format_utc(digest.at)}};
  if (digest.kind == DigestKind::daily_summary) document["summary_date"] = digest.summary_date;
  if (!digest.note.empty()) document["note"] = digest.note;
  nlohmann::json events = nlohmann::json::array();
  for (const DigestEntry& entry : digest.entries) events.push_back(event_of(entry));
  document["events"] = std::move(events);
  nlohmann::json pools = nlohmann::json::array();
  for (const PoolSummary& pool : digest.pools) pools.push_back(pool_of(pool));
  document["pools"] = std::move(pools);
  document["text"] = render_text(digest, TextStyle::plain, kWebhookTextLimit);
  return document;
}

std::string webhook_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return "sha256=" + to_hex(digest, length);
}

WebhookChannel::WebhookChannel(const Destination& destination, HttpTransport& transport,
                               HttpOptions options)
    : url_(destination.secrets.hook_url),
      secret_(destination.secrets.signing_secret),
      post_{"webhook " + destination.name,
            {destination.secrets.hook_url, destination.secrets.signing_secret},
            &transport,
            options.total_timeout} {}

DeliveryResult WebhookChannel::send(const Digest& digest) {
  HttpRequest request = hook_request(url_, json_body(webhook_document(digest)));
  if (!secret_.empty()) {
    try {
      request.headers.emplace_back(kWebhookSignatureHeader,
                                   webhook_signature(secret_, request.body));
    } catch (const std::exception& e) {
      return post_.failed(DeliveryResult::Outcome::transient, e.what());
    }
  }
  DeliveryResult result;
  const auto response = post_.post(request, result);
  if (!response) return result;
  const long status = response->status;
  if (status >= 200 && status < 300) {
    result.outcome = DeliveryResult::Outcome::delivered;
    return result;
  }
  return status_failure(post_, *response, "HTTP " + std::to_string(status),
                        outcome_of_status(status));
}

}  // namespace kz
