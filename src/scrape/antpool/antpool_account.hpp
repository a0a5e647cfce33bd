#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/antpool_identity.hpp"

namespace kz {

// An Antpool API key pair (../shared/antpool-api.md §2). Never logged, stored in the cache or
// put on a command line; only antpool_signature() reads the secret.
struct AntpoolCredentials {
  std::string key;
  std::string secret;
};

// One Antpool (sub-)account watched as a pool of the cache.
struct AntpoolAccount {
  std::string account_name;                // the cache's and Supabase's name: "antpool_001"
  std::string user_id;                     // the account name that owns the key (not the e-mail)
  std::optional<std::string> sub_account;  // sent as userId= when it differs from user_id
  AntpoolCredentials credentials;

  // The account whose data is read: sub_account, else user_id.
  const std::string& target() const { return sub_account ? *sub_account : user_id; }
  // The pool's identity in the cache (pool.observer_url): "antpool://<account_name>"
  // (antpool_identity()); user_id and sub_account may change under it.
  std::string identity() const { return antpool_identity(account_name); }
};

// The top-level "antpool" object of the pools file, with its defaults (issue 12).
struct AntpoolSettings {
  std::string url = "https://antpool.com/api/";  // <url><endpoint>.htm
  int budget_calls = 550;                        // at most this many calls ...
  std::chrono::seconds budget_window{600};       // ... in any rolling window this long
  std::chrono::minutes workers_interval{60};     // tier 2: the whole worker list
  std::chrono::minutes offline_interval{30};  // tier 3: offline workers of accounts with a problem
  std::string daily_after =
      "02:00";                   // tier 4: once a day, after this local time (host TZ), "HH:MM"
  int worker_page_size = 50;     // userWorkerList.htm rows per page
  int payment_page_size = 50;    // paymentHistoryV2.htm rows per page
  int call_log_retain_days = 7;  // api_call rows kept (tier 4 retention)
};

// The collector's four tiers, in the order a short budget serves them: 1, 3, 2, 4.
enum class Tier : int { overview = 1, workers = 2, offline = 3, daily = 4 };

}  // namespace kz
