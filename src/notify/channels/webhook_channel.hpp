#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/http.hpp"
#include "notify/channel.hpp"
#include "notify/channels/hook_post.hpp"
#include "notify/notify_config.hpp"

namespace kz {

// The generic webhook's document (issue 13), one per message, for n8n, Zapier or a service of
// the operator's own. Times are UTC ISO-8601 ("2026-11-22T10:40:00Z"); keys of absent values
// are left out.
//   {"kind": "transitions" | "open_now" | "daily_summary" | "test",
//    "sent_at": time,
//    "summary_date": "YYYY-MM-DD"   (daily_summary only),
//    "note": text                   (when the digest has one; a test's text),
//    "events": [{"state": "opened" | "raised" | "resolved" | "open",
//                "alert_type", "severity", "previous_severity" (raised only),
//                "pool" (account name), "source" ("btcpool" | "antpool"),
//                "subject" ("" for the pool, else the worker), "message",
//                "opened_at", "at", "lasted_s" (resolved only, integer seconds)}],
//    "pools": [{"pool", "source", "average_hashrate_hs", "uptime_pct",
//               "fewest_workers_online", "most_workers_online", "income_sat" (integer),
//               "incidents", "incident_lines": [text]}],
//    "text": the same message as plain text (render_text, plain, kWebhookTextLimit)}
nlohmann::json webhook_document(const Digest& digest);

// The plain text's limit in the document.
constexpr std::size_t kWebhookTextLimit = 65536;

// The signature header's name and value: "sha256=" and the lower-case hex HMAC-SHA256 of the
// exact request body with the shared secret (OpenSSL).
inline constexpr const char* kWebhookSignatureHeader = "X-Kzpool-Signature";
std::string webhook_signature(const std::string& secret, const std::string& body);

// The generic webhook: POST webhook_document() as JSON to destination.secrets.hook_url, signed
// when destination.secrets.signing_secret is set. 2xx: delivered; 401/403/404/410 and other 4xx,
// or a redirect: refused; 408, 429 (with Retry-After), 5xx and transport failures: transient.
// Error lines never contain the URL or the secret.
class WebhookChannel : public Channel {
 public:
  WebhookChannel(const Destination& destination, HttpTransport& transport, HttpOptions options);
  DeliveryResult send(const Digest& digest) override;

 private:
  std::string url_;
  std::string secret_;
  HookPost post_;
};

}  // namespace kz
