#pragma once

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

struct PoolConfig {
  std::string account_name;
  std::string observer_url;
  std::string client;
  std::string company;
  std::string country;
  std::string site;
  std::optional<std::string> page_tz;  // "+05:00"
  bool enabled = true;
  ThresholdSettings thresholds;
};

// Reads a pools file:
//   {"pools": [{"account_name": "KZPool_001", "observer_url": "https://...",
//               "client": "...", "company": "...", "country": "...", "site": "...",
//               "page_tz": "+05:00", "enabled": true, "thresholds": {"failed_runs": 3}}]}
// (a bare array of pools is accepted too). Everything is validated before any
// work: JSON syntax, unknown keys, types, duplicate account names or URLs, bad
// URLs and zones. The first problem is a kz::Error(usage) naming the file, line
// and column: "pools.json:7:22: unknown key 'acount_name' in pool 2".
std::vector<PoolConfig> load_pool_config(const std::string& path);
std::vector<PoolConfig> parse_pool_config(const std::string& text, const std::string& source_name);

// Only the enabled pools, or the one named `account` (an error if absent).
std::vector<PoolConfig> select_pools(const std::vector<PoolConfig>& pools,
                                     const std::optional<std::string>& account,
                                     const std::string& source_name);

}  // namespace kz
