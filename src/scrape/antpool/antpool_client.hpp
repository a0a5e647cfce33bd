#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/http.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// What one call is, for its budget slot and the call log.
struct CallRequest {
  std::string endpoint;      // "accountOverview.htm"
  std::string account_name;  // the account whose key signs it
  std::string key_id;        // sha256_hex of the API key: the nonce's sequence (never the key)
  Tier tier = Tier::overview;
};

// A reserved budget slot: the call's row in the call log and its nonce (epoch ms, strictly
// above every nonce given for the same key_id before, by any process on the cache).
struct CallSlot {
  int64_t call_id = 0;
  int64_t nonce = 0;
};

// How a call ended, for the call log.
struct CallOutcome {
  std::optional<int> http_status;  // none: no answer (network error)
  std::optional<int> api_code;     // the envelope's code, when the body was one
  int64_t duration_ms = 0;
  std::string error;  // "" on success; one line otherwise, never a secret
};

// Every Antpool request passes here first (call_budget.hpp is the cache's). reserve() gives
// nullopt when the budget has no slot left now.
class CallGate {
 public:
  virtual ~CallGate() = default;
  virtual std::optional<CallSlot> reserve(const CallRequest& request) = 0;
  virtual void record(const CallSlot& slot, const CallOutcome& outcome) = 0;
};

// Thrown when the gate has no slot for a call: the work that needed it is deferred, and what
// was fetched for it so far is dropped. Exit code fetch_failed if it ever reaches main().
class BudgetExhausted : public Error {
 public:
  explicit BudgetExhausted(const std::string& message) : Error(ExitCode::fetch_failed, message) {}
};

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Antpool's user API (../shared/antpool-api.md §1-3): POST <url><endpoint> with a form body
// key, nonce, signature and `params`; answers {"code":0,"message":"ok","data":...}.
// Each attempt reserves its own slot and nonce from the gate and is logged through it.
// Throws:
//  - BudgetExhausted: no slot (before any attempt, or before a retry);
//  - kz::Error(api_key_rejected) for code -6, -7, -8, -9, -10, with a hint per code;
//  - kz::Error(api_error) for any other non-zero code, quoting the message;
//  - kz::Error(fetch_failed) after the retries of transient failures (network error, HTTP
//    status other than 200, a body that is not the JSON envelope, e.g. a CDN's HTML page);
//  - kz::Error(api_paging) from fetch_pages() on inconsistent pages.
// Messages name the endpoint and the account, never the key, secret, nonce or signature.
class AntpoolClient {
 public:
  // `http.max_retries` and `http.backoff_*` drive the retries of transient failures: the n-th
  // retry waits backoff_base * 2^(n-1), at most backoff_max, through `sleeper`; no retry once
  // termination_signal() is set. Each attempt may take http.total_timeout.
  AntpoolClient(std::string base_url, HttpTransport& transport, HttpOptions http, Sleeper sleeper,
                CallGate& gate);

  // The "data" member of one call's answer, numbers as their exact text (parse_json_exact).
  // userId=<target> is added when account.sub_account differs from account.user_id.
  nlohmann::json call(const AntpoolAccount& account, const std::string& endpoint,
                      const FormParams& params, Tier tier);

  // Every row of a paged endpoint: pages 1..totalPage of `page_size`, with pageEnable=1 where
  // the endpoint takes it. `rows_at` is the JSON pointer of the paging object in "data"
  // ("/result" for userWorkerList.htm, "" for paymentHistoryV2.htm), which holds page,
  // totalPage, totalRecord and rows. Stops early when `enough(rows_so_far)` says so (e.g. the
  // rows reached what the cache holds). A page whose `page` differs from the one asked for, or a
  // totalRecord/totalPage that changes between pages, is kz::Error(api_paging).
  std::vector<nlohmann::json> fetch_pages(
      const AntpoolAccount& account, const std::string& endpoint, const FormParams& params,
      const std::string& rows_at, int page_size, Tier tier,
      const std::function<bool(const std::vector<nlohmann::json>&)>& enough = {});

 private:
  std::string base_url_;
  HttpTransport& transport_;
  HttpOptions http_;
  Sleeper sleeper_;
  CallGate& gate_;
};

}  // namespace kz
