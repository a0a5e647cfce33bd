#pragma once

// An Antpool user API for tests (../shared/antpool-api.md, kept in tests/data/antpool/ for
// reference), on 127.0.0.1 with an ephemeral port, following the spec and not our client:
// POST <url()><endpoint>.htm, form body (GET query, or POST with the query in the URL, accepted
// too) with key, nonce, signature.
// - It checks each signature (HMAC-SHA256 of user_id + key + nonce, upper-case hex, computed
//   here independently) and that every key's nonces strictly increase: a bad signature is
//   {"code":-7,"message":"Signature error"} (lower-case hex too), an unknown or missing key -6
//   "API Key not exist", a nonce that is not 1-18 decimal digits or not above the key's last
//   accepted one -18 "Nonce error", a userId the key may not read -10 "User error", a coin or
//   coinType other than BTC -24, a bad paging or filter parameter -2. A nonce is used up once
//   its signature checks out (even if the request then fails with -10/-24/-2); a request
//   refused with -6/-7/-18 uses nothing up.
// - It answers accountOverview.htm, userWorkerList.htm (data.result paging, "116.34 TH/s"
//   strings), paymentHistoryV2.htm (type=recv and type=payout, paging in data; pageEnable=0
//   gives all rows), account.htm, hashrate.htm (MH/s) and poolStats.htm (MH/s; the pool is
//   every account set here) in the documented shapes and units, from the accounts set here;
//   a page past the end comes back as page 1 (the quirk, both paged endpoints). pageSize
//   defaults to 10 and is capped (kAntpoolWorkerListMaxPageSize, kAntpoolPaymentMaxPageSize):
//   the answer's pageSize says the size served. Any other path is an HTML 404 page.
// - Faults: an override may replace any answer (error envelopes, an HTML 503 page, ...).
// - Rate limit: it counts every request by its own clock (`now`, injectable so that a
//   simulated day runs on a fake clock), per client address (on 127.0.0.1: one counter); a
//   client's 601st request inside any 10 minutes gets HTTP 403 with an HTML body, as do all its
//   requests while banned (ban_length, default 30 min). Refused requests do not count toward
//   the limit, but requests() and max_requests_in_window() see every request.
// Thread-safe: httplib serves on its own threads; the override runs outside the server's lock.
//
//   kz::test::AntpoolServer antpool([&] { return clock.now_ms(); });
//   antpool.add_key({"siteA", "k123", "s456", {"siteA_sub01"}});
//   antpool.set_workers("siteA_sub01", {antpool_worker("siteA_sub01.r1", 118.42e12, true)});

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace kz::test {

// The largest pageSize served (a larger one is served as this); the spec knows none for the
// worker list (PC used 50, X2 asked 2000) and says "50 max" for paymentHistoryV2 (X4).
inline constexpr int kAntpoolWorkerListMaxPageSize = 200;
inline constexpr int kAntpoolPaymentMaxPageSize = 50;

// A key pair and the accounts it may read (its own user_id always).
struct AntpoolKey {
  std::string user_id;
  std::string key;
  std::string secret;
  std::vector<std::string> sub_accounts;
};

// A worker as the server holds it; rendered per endpoint in that endpoint's unit.
struct AntpoolWorker {
  std::string name;            // workerId
  double hashrate_10m_hs = 0;  // "hsLast10min" as "<value> <unit>"
  double hashrate_1h_hs = 0;
  double hashrate_1d_hs = 0;
  int status = 1;  // 1 online, 2 offline, 3 invalid
  std::string reject_ratio = "0.00%";
  int64_t share_last_time_ms = 0;
};

// One type=recv day (amounts as decimal strings, "0.01811230") or type=payout row.
struct AntpoolRecvDay {
  std::string timestamp;  // "2024-04-30 00:00:00"
  double hashrate_hs = 0;
  std::string pps = "0", pplns = "0", fpps_block = "0", fpps_fee = "0";
};
struct AntpoolPayout {
  std::string timestamp;
  std::string wallet_address;
  std::string tx_id;
  std::string amount;
};

// What one request was, as the server saw it.
struct AntpoolRequest {
  std::string endpoint;                       // "accountOverview.htm"
  std::map<std::string, std::string> params;  // the form (or query) fields
  std::optional<std::string> user_id;         // the signer, when the key was known
  TimePointMs at;                             // by the server's clock
  int http_status = 200;
  std::optional<int> code;  // the envelope's code, when one was sent
};

struct AntpoolReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class AntpoolServer {
 public:
  // `now` is the server's clock (default: the system clock). Starts serving; throws when it cannot.
  explicit AntpoolServer(std::function<TimePointMs()> now = {});
  ~AntpoolServer();
  AntpoolServer(const AntpoolServer&) = delete;
  AntpoolServer& operator=(const AntpoolServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>/api/"

  // Adds (or replaces) a key; it accepts any first nonce, then only higher ones.
  void add_key(AntpoolKey key);
  // The data of an account (a user_id or a sub-account of one).
  void set_workers(const std::string& account, std::vector<AntpoolWorker> workers);
  void set_recv(const std::string& account, std::vector<AntpoolRecvDay> days);       // newest first
  void set_payouts(const std::string& account, std::vector<AntpoolPayout> payouts);  // newest first
  // Amounts of accountOverview.htm / account.htm (decimal strings); counts come from the workers.
  void set_amounts(const std::string& account, std::string unpaid, std::string total,
                   std::string yesterday, std::string paid_out = "0");

  // Called first for each request (after the rate limit, before the signature check); an
  // answer replaces the normal one.
  void set_override(std::function<std::optional<AntpoolReply>(const AntpoolRequest&)> override);
  // The rate limit: `calls` per `window` per client, then banned for `ban_length` (defaults 600,
  // 600 s, 1800 s). A window is (t - window, t].
  void set_rate_limit(int calls, std::chrono::seconds window, std::chrono::seconds ban_length);

  // Every request, refused ones too, in the order answered; params keep key and nonce but not
  // the signature.
  std::vector<AntpoolRequest> requests() const;
  int request_count(const std::string& endpoint) const;
  // The most requests the server saw inside any rolling window of `window`, by its clock.
  int max_requests_in_window(std::chrono::seconds window = std::chrono::seconds{600}) const;
  bool banned() const;  // true once the rate limit was broken

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A worker with the same hashrate over 10 min, 1 h and 1 d.
AntpoolWorker antpool_worker(std::string name, double hashrate_hs, bool online);

// {"code":code,"message":message} (no data), as Antpool answers errors, with HTTP 200.
AntpoolReply antpool_error(int code, const std::string& message);
// The HTML page a CDN serves instead of the API, with `status` (503).
AntpoolReply antpool_html_page(int status);

}  // namespace kz::test
