#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/config_reader.hpp"
#include "common/pool_config.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// The pools file as kzscrape reads it: every pool (both sources) and the
// top-level "antpool" settings (defaults when absent).
struct ScrapeConfig {
  std::vector<PoolConfig> pools;
  AntpoolSettings antpool;
  std::vector<std::string> warnings;  // to log once: settings that work but are risky
};

// Reads and validates a whole pools file (load_pool_config) with its "antpool" object:
//   {"url": "https://antpool.com/api/", "budget_calls": 550, "budget_window_s": 600,
//    "workers_interval_min": 60, "offline_interval_min": 30, "daily_after": "02:00",
//    "worker_page_size": 50, "payment_page_size": 50, "call_log_retain_days": 7}
// every key optional. Ranges: budget_calls 1..600 (above 550 a warning: other tools on
// the IP count too), budget_window_s 60..86400, intervals 1..10080 minutes, page sizes
// 1..500, call_log_retain_days 1..3650, daily_after "HH:MM" 00:00..23:59, url http(s).
// Errors: kz::Error(usage) "<file>:<line>:<column>: <message>".
ScrapeConfig load_scrape_config(const std::string& path);
ScrapeConfig parse_scrape_config(const std::string& text, const std::string& source_name);

// The "antpool" object at `pointer` (see load_scrape_config); warnings appended.
AntpoolSettings read_antpool_settings(const nlohmann::json& object, const std::string& pointer,
                                      const ConfigReader& reader,
                                      std::vector<std::string>& warnings);

// An Antpool base URL as the collector uses it (<url><endpoint>.htm): http(s)://
// without white space, a '/' appended when missing; nullopt when not such a URL.
std::optional<std::string> antpool_base_url(const std::string& url);


}  // namespace kz
