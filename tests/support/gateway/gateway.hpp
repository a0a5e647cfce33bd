#pragma once

// A PostgREST-compatible HTTP gateway in front of a real PostgreSQL: what kzupload talks to in
// tests and in the demo. The behaviour follows ../shared/postgrest.md (Supabase's API gateway
// key check, PostgREST's JWT check, POST bulk insert/upsert, GET/HEAD reads, error bodies and
// the SQLSTATE -> HTTP status table).
//
//   kz::test::Gateway gateway({.db_conninfo = cluster.authenticator_conninfo(),
//                              .jwt_secret = secret,
//                              .api_keys = {anon_key, service_key}});
//   gateway.url();                                     // "http://127.0.0.1:<port>"
//   gateway.faults().add({kz::test::FaultKind::kServiceUnavailable, 2});
//   gateway.requests().entries();                      // what the gateway saw
//
// Routes: /rest/v1/<table> (GET, HEAD, POST; other methods 405 PGRST117). Admin routes for
// scripts and other processes, no key needed:
//   POST   /_admin/faults         {"kind":"service_unavailable|too_many_requests|
//                                  statement_timeout|drop_connection|drop_response",
//                                  "count":1,"retry_after":1}  or  {"delay_ms":500,"count":-1}
//   DELETE /_admin/faults         clear pending faults and the delay
//   GET    /_admin/requests       the request log as a JSON array; DELETE clears it
//   POST   /_admin/reload_schema  forget cached table definitions (after ALTER TABLE)

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "support/gateway/faults.hpp"

namespace kz::test {

struct GatewayOptions {
  std::string db_conninfo;  // libpq connection string of the "authenticator" login role
  std::string jwt_secret;   // HS256 secret that signs the API keys and bearer tokens
  // Accepted apikey values. Empty: the anon and service_role keys make_jwt() signs with the
  // secret and an expiry in 2100 (see default_api_key()).
  std::vector<std::string> api_keys;
  int port = 0;                    // 0: a free port on 127.0.0.1
  int max_rows = 1000;             // Supabase's cap on rows per GET
  int db_retry_after_seconds = 1;  // Retry-After of a 503 caused by the database
  std::size_t pool_size = 8;       // database connections
};

// The key Gateway accepts by default for `role` ("anon" or "service_role").
std::string default_api_key(const std::string& role, const std::string& jwt_secret);

class Gateway {
 public:
  // Binds 127.0.0.1 and serves until destruction; throws std::runtime_error when it cannot bind.
  explicit Gateway(GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  int port() const;
  std::string url() const;  // "http://127.0.0.1:<port>", Supabase's project URL

  FaultInjector& faults();
  RequestLog& requests();
  void reload_schema();

  // Stops serving (wakes delayed requests); idempotent, also done by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kz::test
