#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

#include "common/error.hpp"
#include "common/http.hpp"

namespace kz {

struct PostgrestConfig {
  std::string base_url;                            // the Supabase project URL; /rest/v1 is added
  std::string service_key;                         // sent as apikey and bearer token, never logged
  HttpOptions http;                                // total_timeout: one request, retries included
  std::chrono::steady_clock::time_point deadline;  // of the whole run
};

enum class Resolution { merge_duplicates, ignore_duplicates };

// How one upsert request ended. try_upsert reports every answer here instead of throwing.
struct UpsertOutcome {
  enum class Kind {
    ok,           // PostgREST's own success: its status, Content-Range total, empty or JSON body
    transient,    // network, retryable status after retries, the run's deadline, or an answer
                  // that is not PostgREST's: the rows stay pending (ExitCode::upload_transient)
    rejected,     // refused as a whole (key, schema, a redirect, any other 4xx): splitting the
                  // batch cannot help (ExitCode::upload_rejected)
    row_refused,  // a row is refused (SQLSTATE class 22, 23 or 54, whatever the status):
                  // split the batch to find it (ExitCode::upload_rejected)
    too_large,    // HTTP 413: the body is over a limit of the server or a proxy; halve the
                  // batch (ExitCode::upload_rejected once a single row is refused)
  };
  Kind kind = Kind::ok;
  std::string message;  // unless ok: one line, secret-free, with advice where it is clear

  bool ok() const { return kind == Kind::ok; }
  ExitCode code() const {
    return kind == Kind::ok          ? ExitCode::ok
           : kind == Kind::transient ? ExitCode::upload_transient
                                     : ExitCode::upload_rejected;
  }
};

// Bulk upserts through PostgREST (POST /rest/v1/<table>?on_conflict=..., Prefer:
// resolution=...,return=minimal,count=exact). A success is only PostgREST's own (see
// not_postgrest_success in postgrest_answer.hpp); a 3xx is never followed. Transient failures
// (network, 408, 429, 5xx) are retried within the request timeout and the run's deadline; a 5xx
// that refuses a row (SQLSTATE class 22, 23, 54) is not retried. Every message quoting the
// server is redacted (the key whole or in part) before it is cut. Source: ../shared/postgrest.md.
class PostgrestClient {
 public:
  // dry_run: print each request (key redacted) there instead of sending it.
  PostgrestClient(PostgrestConfig config, HttpTransport& transport, Sleeper sleeper,
                  std::ostream* dry_run = nullptr);

  // Throws kz::Error with outcome.code() and outcome.message unless the outcome is ok.
  void upsert(const std::string& table, const std::string& on_conflict, const std::string& body,
              std::size_t rows, Resolution resolution = Resolution::merge_duplicates);

  // One request (retries of transient failures included); never throws for an answer.
  UpsertOutcome try_upsert(const std::string& table, const std::string& on_conflict,
                           const std::string& body, std::size_t rows,
                           Resolution resolution = Resolution::merge_duplicates);

  int requests() const { return requests_; }  // HTTP attempts, retries included

 private:
  PostgrestConfig config_;
  HttpTransport& transport_;
  Sleeper sleeper_;
  std::ostream* dry_run_;
  int requests_ = 0;
};

// "https://x.supabase.co/", ".../rest/v1" -> "https://x.supabase.co"; throws
// ExitCode::usage for anything that is not an http(s) URL.
std::string normalize_supabase_url(const std::string& url);

// The one-line message for a rejected request (exposed for tests).
// The key (when given) is redacted from the body before it is cut.
std::string describe_rejection(const std::string& what, long status, const std::string& body,
                               const std::string& key = "");

}  // namespace kz
