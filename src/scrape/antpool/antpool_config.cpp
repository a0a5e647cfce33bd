#include "scrape/antpool/antpool_config.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "common/error.hpp"
#include "common/url_text.hpp"
#include "scrape/antpool/tier_schedule.hpp"

namespace kz {

using nlohmann::json;

std::optional<std::string> antpool_base_url(const std::string& url) {
  const bool http = url.starts_with("https://") || url.starts_with("http://");
  const auto host = url.find("://") + 3;
  if (!http || url.size() <= host || url.find_first_of(" \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  return url.ends_with("/") ? url : url + "/";
}

AntpoolSettings read_antpool_settings(const json& object, const std::string& pointer,
                                      const ConfigReader& reader,
                                      std::vector<std::string>& warnings) {
  static const std::set<std::string> known = {"url",
                                              "budget_calls",
                                              "budget_window_s",
                                              "workers_interval_min",
                                              "daily_after",
                                              "worker_page_size",
                                              "payment_page_size",
                                              "offline_interval_min",
                                              "call_log_retain_days"};
  if (!object.is_object()) reader.fail(pointer, "\"antpool\" must be an object");
  reader.only_keys(object, pointer, known, "\"antpool\"");
  AntpoolSettings settings;
  if (object.contains("url")) {
    const std::string url = reader.text(object, pointer, "url", true, "\"antpool\"");
    const auto base = antpool_base_url(url);
    if (!base)
      reader.fail(pointer + "/url", "'" + redacted_url(url) + "' is not an http(s):// URL");
    settings.url = *base;
  }
  std::optional<int> value;
  reader.number(object, pointer, "budget_calls", value, 1, 600);
  if (value) {
    settings.budget_calls = *value;
    if (*value > 550) {
      warnings.push_back("antpool budget_calls " + std::to_string(*value) +
                         " leaves little room under Antpool's 600 calls per 10 minutes per IP"
                         " (other tools on this IP count too)");
    }
  }
  value.reset();
  reader.number(object, pointer, "budget_window_s", value, 60, 86400);
  if (value) settings.budget_window = std::chrono::seconds(*value);
  value.reset();
  reader.number(object, pointer, "workers_interval_min", value, 1, 10080);
  if (value) settings.workers_interval = std::chrono::minutes(*value);
  value.reset();
  reader.number(object, pointer, "offline_interval_min", value, 1, 10080);
  if (value) settings.offline_interval = std::chrono::minutes(*value);
  value.reset();
  reader.number(object, pointer, "worker_page_size", value, 1, 500);
  if (value) settings.worker_page_size = *value;
  value.reset();
  reader.number(object, pointer, "payment_page_size", value, 1, 500);
  if (value) settings.payment_page_size = *value;
  value.reset();
  reader.number(object, pointer, "call_log_retain_days", value, 1, 3650);
  if (value) settings.call_log_retain_days = *value;
  if (object.contains("daily_after")) {
    settings.daily_after = reader.text(object, pointer, "daily_after", true, "\"antpool\"");
    if (!parse_daily_after(settings.daily_after)) {
      reader.fail(pointer + "/daily_after",
                  "'" + settings.daily_after + "' is not a local time \"HH:MM\" (00:00 to 23:59)");
    }
  }
  return settings;
}

ScrapeConfig parse_scrape_config(const std::string& text, const std::string& source_name) {
  ScrapeConfig config;
  config.pools = parse_pool_config(
      text, source_name, [&](const json& value, const std::string& pointer, const ConfigReader& r) {
        config.antpool = read_antpool_settings(value, pointer, r, config.warnings);
      });
  return config;
}

ScrapeConfig load_scrape_config(const std::string& path) {
  ScrapeConfig config;
  config.pools = load_pool_config(
      path, [&](const json& value, const std::string& pointer, const ConfigReader& r) {
        config.antpool = read_antpool_settings(value, pointer, r, config.warnings);
      });
  return config;
}

}  // namespace kz
