#pragma once

// Fault injection and the request log of the gateway. Both are thread-safe and act on requests
// to /rest/v1 only; they can be changed while a client runs (no restart), from C++ or through
// the admin endpoints (see gateway.hpp).

#include <chrono>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kz::test {

enum class FaultKind {
  kServiceUnavailable,  // 503 with Retry-After, PostgREST's PGRST000 body; nothing executed
  kTooManyRequests,     // 429 with Retry-After, the gateway's rate-limit body; nothing executed
  kStatementTimeout,    // 500 with PostgreSQL's 57014 body; nothing executed
  kDropConnection,      // read the request, close the connection without answering; not executed
  kDropResponse,        // execute the request (e.g. commit the rows), then close without answering
};

std::string_view to_string(FaultKind kind);  // "service_unavailable", "too_many_requests", ...
std::optional<FaultKind> fault_kind_from_string(std::string_view name);

struct Fault {
  FaultKind kind = FaultKind::kServiceUnavailable;
  int count = 1;                // how many consecutive requests it hits
  int retry_after_seconds = 1;  // Retry-After of 503 and 429
};

class FaultInjector {
 public:
  // Queues `fault` behind the faults still pending: add({503, 2}); add({429, 1}) makes the next
  // three requests answer 503, 503, 429, and the ones after that succeed.
  void add(Fault fault);
  // Holds each of the next `count` requests (-1: every request until clear()) for `delay`
  // before handling it (and before any fault).
  void set_delay(std::chrono::milliseconds delay, int count = -1);
  void clear();         // pending faults and the delay
  int pending() const;  // requests that will still be hit by a queued fault

  struct Decision {
    std::optional<Fault> fault;
    std::chrono::milliseconds delay{0};
  };
  Decision next();  // consumes one request's worth of faults and delay

 private:
  mutable std::mutex mutex_;
  std::deque<Fault> queue_;
  std::chrono::milliseconds delay_{0};
  int delayed_requests_ = 0;  // -1: unlimited
};

// One request as the gateway saw it. Never holds the apikey or the Authorization header: the
// apikey query parameter is removed from `query`.
struct LoggedRequest {
  std::string method;
  std::string path;    // e.g. /rest/v1/accounts
  std::string query;   // decoded "k=v&k2=v2" without apikey, "" when none
  std::string prefer;  // the Prefer header(s), joined with ", "
  int status = 0;      // 0 when the connection was dropped without an answer
  int rows = -1;       // POST: objects in the body; GET/HEAD: rows returned; -1 unknown
  std::string fault;   // to_string(FaultKind) of the injected fault, "" when none
};

nlohmann::json to_json(const LoggedRequest& request);

class RequestLog {
 public:
  void add(LoggedRequest request);
  std::vector<LoggedRequest> entries() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<LoggedRequest> entries_;
};

}  // namespace kz::test
