#pragma once

// A forwarding HTTP proxy for tests that lies on request: it listens on 127.0.0.1 on an
// ephemeral port and forwards every request to an upstream (the local Supabase gateway), or
// answers in its place the way a misconfigured endpoint or proxy would.
//
//   kz::test::LyingProxy proxy(supabase.url());
//   proxy.set(ProxyBehaviour::redirect(301, other.url("")));   // every /rest/v1 request
//   ... point kzupload at proxy.url("") ...
//   proxy.requests();   // what reached it, headers included
//
// Requests under "/moved/..." are always forwarded with that prefix removed, so a redirect to
// the same origin (`redirect(status, proxy.url("/moved"))`) leads somewhere that works. All
// members are thread-safe; the behaviour can change while a client is running.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/http.hpp"  // kz::Headers

namespace kz::test {

struct ProxyBehaviour {
  enum class Kind {
    kPass,         // forward to the upstream
    kRedirect,     // `status` with Location: location_base + the request's path and query
    kWelcomePage,  // 200 text/html, a web server's welcome page
    kNoContent,    // a bare 204: no body, no Content-Range
    kLimitBody,    // 413 with a ~1 KB HTML page when the body exceeds `limit` bytes, else pass
    kEchoKey,      // `status` with a body that quotes the apikey header after `offset` bytes
  };
  Kind kind = Kind::kPass;
  int status = 200;
  std::string location_base;  // kRedirect: e.g. "http://127.0.0.1:4711" or ".../moved"
  std::size_t limit = 0;      // kLimitBody, bytes
  std::size_t offset = 0;     // kEchoKey, bytes of body before the key
  // Before answering or forwarding (a slow server); applies to requests whose path contains
  // delay_path (all when empty).
  std::chrono::milliseconds delay{0};
  std::string delay_path;

  static ProxyBehaviour pass() { return {}; }
  static ProxyBehaviour redirect(int status, std::string location_base);
  static ProxyBehaviour welcome_page();
  static ProxyBehaviour no_content();
  static ProxyBehaviour limit_body(std::size_t bytes);
  static ProxyBehaviour echo_key(std::size_t offset, int status = 401);
  // Forward, but hold requests whose path contains `path` ("" for all) for `delay` first.
  static ProxyBehaviour slow(std::chrono::milliseconds delay, std::string path = "");
};

// One request as it reached the proxy.
struct ProxiedRequest {
  std::string method;
  std::string target;         // path and query, as sent
  Headers headers;            // names lower-cased
  std::size_t body_size = 0;  // bytes
  int status = 0;             // what the proxy answered
};

class LyingProxy {
 public:
  // Binds and starts serving; `upstream` is an origin such as "http://127.0.0.1:41877".
  // Throws std::runtime_error when it cannot bind.
  explicit LyingProxy(std::string upstream);
  ~LyingProxy();  // stops promptly (cuts delays short) and joins its threads
  LyingProxy(const LyingProxy&) = delete;
  LyingProxy& operator=(const LyingProxy&) = delete;

  // "http://127.0.0.1:<port>" + path.
  std::string url(const std::string& path = "") const;
  void set(ProxyBehaviour behaviour);
  // Every request received since construction or clear(), in arrival order (recorded before
  // any delay, so a test can see a request that is still being held).
  std::vector<ProxiedRequest> requests() const;
  void clear();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether any recorded request carried a credential header (apikey, authorization,
// x-api-key).
bool carries_credentials(const ProxiedRequest& request);

}  // namespace kz::test
