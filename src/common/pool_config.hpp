#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kz {

// Per-pool overrides of the alert thresholds (same names as kzscrape's options).
struct ThresholdSettings {
  std::optional<int> offline_high_count;
  std::optional<double> offline_high_percent;
  std::optional<double> drop_medium_percent;
  std::optional<double> drop_high_percent;
  std::optional<double> drop_resolve_percent;
  std::optional<int> baseline_minutes;
  std::optional<int> baseline_min_snapshots;
  std::optional<int> failed_runs;
};

// The keys of a pool with "source": "antpool" (issue 12). The credentials come
// from credentials_file (a JSON file {"key": ..., "secret": ...}, mode 0600)
// or from the two environment variables key_env and secret_env: exactly one form.
struct AntpoolPoolConfig {
  std::string user_id;                     // the Antpool account name that owns the key
  std::optional<std::string> sub_account;  // the sub-account read, when not user_id itself
  std::string credentials_file;            // "" with key_env/secret_env
  std::string key_env;                     // names of environment variables, "" with a file
  std::string secret_env;
};

struct PoolConfig {
  std::string account_name;
  // btcpool: the observer link. antpool: "antpool://<account_name>" (antpool_identity()), the
  // pool's identity in the cache, the same as AntpoolAccount::identity().
  std::string observer_url;
  std::string source = "btcpool";            // "btcpool" (observer page) or "antpool" (Antpool API)
  std::optional<AntpoolPoolConfig> antpool;  // set exactly when source is "antpool"
  std::string client;
  std::string company;
  std::string country;
  std::string site;
  std::optional<std::string> page_tz;  // "+05:00"
  bool enabled = true;
  ThresholdSettings thresholds;
};

class ConfigReader;

// Reads the top-level "antpool" object (its value and JSON pointer), reporting
// problems through `reader`. Without one the object is only checked to be an
// object (kzupload does not need its settings).
using ConfigSectionReader = std::function<void(
    const nlohmann::json& value, const std::string& pointer, const ConfigReader& reader)>;

// Reads a pools file:
//   {"pools": [{"account_name": "KZPool_001", "observer_url": "https://...",
//               "client": "...", "company": "...", "country": "...", "site": "...",
//               "page_tz": "+05:00", "enabled": true, "thresholds": {"failed_runs": 3}}]}
// (a bare array of pools is accepted too). Antpool pools:
//   {"antpool": {"budget_calls": 500}, "pools": [{"account_name": "antpool_001",
//     "source": "antpool", "user_id": "U", "sub_account": "S",
//     "credentials_file": "/etc/kzpool/antpool_001.json"}]}
// (or "key_env"/"secret_env" instead of "credentials_file"); an Antpool pool has
// no observer_url, a btcpool pool none of the Antpool keys. Account names are
// unique across sources. Everything is validated before any
// work: JSON syntax, unknown keys, types, duplicate account names or URLs, bad
// URLs and zones. The first problem is a kz::Error(usage) naming the file, line
// and column: "pools.json:7:22: unknown key 'acount_name' in pool 2".
std::vector<PoolConfig> load_pool_config(const std::string& path,
                                         const ConfigSectionReader& antpool_section = {});
std::vector<PoolConfig> parse_pool_config(const std::string& text, const std::string& source_name,
                                          const ConfigSectionReader& antpool_section = {});

// Only the enabled pools, or the one named `account` (an error if absent).
std::vector<PoolConfig> select_pools(const std::vector<PoolConfig>& pools,
                                     const std::optional<std::string>& account,
                                     const std::string& source_name);

}  // namespace kz
