#pragma once

// kzupload --check: the connection test the setup guide did with a hand-made curl.

#include <ostream>
#include <string>

#include "common/error.hpp"
#include "common/http.hpp"
#include "upload/supabase_key.hpp"

namespace kz {

struct CheckSettings {
  std::string supabase_url;  // SUPABASE_URL as given; empty when not set
  std::string service_key;   // empty when not set; never printed
  HttpOptions http;          // per request; max_retries applies to 429/5xx/network
};

// Runs the steps in order, one line each on `out` ("✓ ..." or "✗ ... -> <the fix>"):
// 1. the URL answers without a redirect (a 3xx names the URL to use), 2. the key is a service
// key (identify_key) and is accepted (401/403: refused), 3. each table kzupload writes exists
// with its columns (GET ?select=<columns>&limit=0), 4. each table's unique key exists (POST []
// with on_conflict). Stops after a failed step 1 or 2. Returns ExitCode::ok, or the code of the
// first failure: usage (a setting is missing), upload_rejected (a refusal), upload_transient
// (network, 5xx). Nothing is written to any table.
ExitCode check_connection(const CheckSettings& settings, HttpTransport& transport,
                          const Sleeper& sleeper, std::ostream& out);

// For main: SUPABASE_URL and the key ($SUPABASE_SERVICE_KEY, or key_file when not empty) from
// the environment, then check_connection over libcurl. Throws kz::Error(usage) for an
// unreadable key file.
ExitCode run_connection_check(const std::string& key_file, const HttpOptions& http,
                              std::ostream& out);

}  // namespace kz
