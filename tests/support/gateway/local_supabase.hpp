#pragma once

// A local Supabase: a throwaway PostgreSQL cluster with the project's migrations plus the
// PostgREST-compatible gateway in front of it, with an anon and a service_role key.
//
//   kz::test::LocalSupabase supabase;                 // both started, about a second
//   run_kzupload("--url", supabase.url(), "--key", supabase.service_key());
//   supabase.database().query("SELECT count(*) FROM accounts");
//   supabase.faults().add({kz::test::FaultKind::kServiceUnavailable, 2});
//   supabase.requests().entries();
//
// Start it from the main thread (or one that outlives it): see PostgresCluster.

#include <chrono>
#include <memory>
#include <string>

#include "support/gateway/gateway.hpp"
#include "support/postgres/postgres_cluster.hpp"

namespace kz::test {

// Supabase's local development secret (`supabase start` uses the same one).
inline constexpr const char* kLocalJwtSecret =
    "super-secret-jwt-token-with-at-least-32-characters-long";

struct LocalSupabaseOptions {
  PostgresClusterOptions database;  // default: the project's sql/ migrations
  std::string jwt_secret = kLocalJwtSecret;
  int gateway_port = 0;  // 0: a free port
};

class LocalSupabase {
 public:
  explicit LocalSupabase(LocalSupabaseOptions options = {});
  ~LocalSupabase();
  LocalSupabase(const LocalSupabase&) = delete;
  LocalSupabase& operator=(const LocalSupabase&) = delete;

  std::string url() const { return gateway_->url(); }  // SUPABASE_URL, http://127.0.0.1:<port>
  const std::string& service_key() const { return service_key_; }
  const std::string& anon_key() const { return anon_key_; }
  const std::string& jwt_secret() const { return jwt_secret_; }
  std::string db_conninfo() const { return database_->admin_conninfo(); }  // superuser, libpq
  std::string db_url() const { return database_->admin_url(); }            // for psql

  PostgresCluster& database() { return *database_; }
  Gateway& gateway() { return *gateway_; }
  FaultInjector& faults() { return gateway_->faults(); }
  RequestLog& requests() { return gateway_->requests(); }

  // Wall time from construction until both were ready.
  std::chrono::milliseconds startup_time() const { return startup_time_; }

 private:
  std::string jwt_secret_;
  std::string anon_key_;
  std::string service_key_;
  std::unique_ptr<PostgresCluster> database_;
  std::unique_ptr<Gateway> gateway_;
  std::chrono::milliseconds startup_time_{0};
};

}  // namespace kz::test
