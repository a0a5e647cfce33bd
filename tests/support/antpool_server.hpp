#pragma once

// An Antpool user API for tests (../shared/antpool-api.md, kept in tests/data/antpool/ for
// reference), on 127.0.0.1 with an ephemeral port, following the spec and not our client:
// POST <url()><endpoint>.htm, form body (GET query accepted too) with key, nonce, signature.
// - It checks each signature (HMAC-SHA256 of user_id + key + nonce, upper-case hex, computed
//   here independently) and that every key's nonces strictly increase: a bad signature is
//   {"code":-7,"message":"Signature error"}, an unknown key -6, a reused nonce -18, a userId
//   the key may not read -10.
// - It answers accountOverview.htm, userWorkerList.htm (data.result paging, "116.34 TH/s"
//   strings), paymentHistoryV2.htm (type=recv and type=payout, paging in data), account.htm,
//   hashrate.htm (MH/s) and poolStats.htm in the documented shapes and units, from the accounts
//   set here; a page past the end comes back as page 1 (the quirk).
// - Faults: an override may replace any answer (error envelopes, an HTML 503 page, ...).
// - Rate limit: it counts every request by its own clock (`now`, injectable so that a
//   simulated day runs on a fake clock); a client's 601st request inside any 10 minutes gets
//   HTTP 403 with an HTML body, as do all its requests while banned (ban_length).
//
//   kz::test::AntpoolServer antpool([&] { return clock.now_ms(); });
//   antpool.add_account({"siteA", "k123", "s456", {"siteA_sub01"}});
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
  // The rate limit: `calls` per `window` per client, then banned for `ban_length`.
  void set_rate_limit(int calls, std::chrono::seconds window, std::chrono::seconds ban_length);

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
