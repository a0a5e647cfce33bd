#pragma once

// Issue 10's delivery cases: kzupload behind servers that lie (support/lying_proxy.hpp), each
// case ending with a clean run after which PostgreSQL must equal the cache.

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/lying_proxy.hpp"
#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {

class DeliveryTest : public StandInTest {
 protected:
  using Env = std::vector<std::pair<std::string, std::string>>;

  // kzupload pointed at `url` (a proxy) with the real service key.
  Env env_for(const std::string& url) {
    return {{"SUPABASE_URL", url}, {"SUPABASE_SERVICE_KEY", supabase().service_key()}};
  }
  Env direct_env() { return env_for(supabase().url()); }

  // What the cache still has to send, as "snapshots income alerts" counts.
  std::string pending_counts() {
    return std::to_string(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL")) +
           " " +
           std::to_string(
               cache_count("SELECT count(*) FROM income_day WHERE uploaded_revision < revision")) +
           " " +
           std::to_string(
               cache_count("SELECT count(*) FROM alert WHERE uploaded_revision < revision"));
  }

  // A clean run straight to the local Supabase, then the mirror check.
  void clean_run_mirrors(std::vector<std::string> args = {"--account", "KZPool_001"}) {
    const auto r = kzupload(std::move(args), direct_env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  }

  // A pools file (kzupload --config) listing `pools` as (account_name, observer_url).
  std::string write_pools(const std::vector<std::pair<std::string, std::string>>& pools) {
    const std::string path = (dir_ / "pools.json").string();
    std::ofstream file(path);
    file << "{\"pools\": [";
    for (std::size_t i = 0; i < pools.size(); ++i) {
      file << (i ? ",\n" : "\n") << R"({"account_name": ")" << pools[i].first
           << R"(", "observer_url": ")" << pools[i].second << "\"}";
    }
    file << "]}\n";
    return path;
  }

  // Waits (bounded) until the proxy has received a request whose target starts with `prefix`;
  // false when the run that should send it ended first.
  static bool wait_for_request(const LyingProxy& proxy, const std::string& prefix,
                               const std::atomic<bool>& run_ended) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < give_up) {
      const bool ended = run_ended;
      for (const ProxiedRequest& r : proxy.requests()) {
        if (r.target.starts_with(prefix)) return true;
      }
      if (ended) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Every 8-character run of `secret` that occurs in `text` (none is the only right answer).
  static std::vector<std::string> secret_runs(const std::string& text, const std::string& secret) {
    std::vector<std::string> found;
    for (std::size_t i = 0; i + 8 <= secret.size(); ++i) {
      if (text.find(secret.substr(i, 8)) != std::string::npos) found.push_back(secret.substr(i, 8));
    }
    return found;
  }

  static int error_lines(const std::string& err) {
    int n = 0;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) n += line.starts_with("kzupload: error: ");
    return n;
  }
};

}  // namespace kz::test
