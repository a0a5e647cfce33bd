#include "common/pool_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/json_positions.hpp"
#include "common/url_text.hpp"

namespace kz {
namespace {

using nlohmann::json;

class ConfigReader {
 public:
  ConfigReader(const std::string& text, std::string source)
      : source_(std::move(source)), layout_(json_layout(text)) {
    if (!layout_.duplicate_keys.empty()) {
      const auto& [pointer, at] = layout_.duplicate_keys.front();
      fail_at(at, "duplicate key '" + pointer.substr(pointer.rfind('/') + 1) + "'");
    }
  }

  [[noreturn]] void fail_at(TextPosition at, const std::string& message) const {
    throw Error(ExitCode::usage, source_ + ":" + std::to_string(at.line) + ":" +
                                     std::to_string(at.column) + ": " + message);
  }

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    auto found = layout_.positions.find(pointer);
    fail_at(found == layout_.positions.end() ? TextPosition{} : found->second, message);
  }

  std::string text(const json& pool, const std::string& pointer, const char* key, bool required,
                   const std::string& where) {
    if (!pool.contains(key)) {
      if (required) fail(pointer, "missing '" + std::string(key) + "' in " + where);
      return "";
    }
    const json& value = pool.at(key);
    if (!value.is_string())
      fail(pointer + "/" + key, "'" + std::string(key) + "' must be a string");
    std::string result = value.get<std::string>();
    if (required && result.empty())
      fail(pointer + "/" + key, "'" + std::string(key) + "' is empty");
    return result;
  }

  template <typename T>
  void number(const json& object, const std::string& pointer, const char* key,
              std::optional<T>& out, double min, double max) {
    if (!object.contains(key)) return;
    const json& value = object.at(key);
    const bool integral = std::is_integral_v<T>;
    if (!value.is_number() || (integral && !value.is_number_integer())) {
      fail(pointer + "/" + key,
           "'" + std::string(key) + "' must be " + (integral ? "a whole number" : "a number"));
    }
    const double number = value.get<double>();
    if (number < min || number > max) {
      std::ostringstream range;
      range << "'" << key << "' must be between " << min << " and " << max;
      fail(pointer + "/" + key, range.str());
    }
    out = value.get<T>();
  }

  ThresholdSettings thresholds(const json& object, const std::string& pointer) {
    static const std::set<std::string> known = {"offline_high_count",     "offline_high_percent",
                                                "drop_medium_percent",    "drop_high_percent",
                                                "drop_resolve_percent",   "baseline_minutes",
                                                "baseline_min_snapshots", "failed_runs"};
    if (!object.is_object()) fail(pointer, "'thresholds' must be an object");
    for (const auto& [key, value] : object.items()) {
      if (!known.contains(key)) fail(pointer + "/" + key, "unknown threshold '" + key + "'");
    }
    ThresholdSettings t;
    number(object, pointer, "offline_high_count", t.offline_high_count, 0, 1e6);
    number(object, pointer, "offline_high_percent", t.offline_high_percent, 0, 100);
    number(object, pointer, "drop_medium_percent", t.drop_medium_percent, 0, 100);
    number(object, pointer, "drop_high_percent", t.drop_high_percent, 0, 100);
    number(object, pointer, "drop_resolve_percent", t.drop_resolve_percent, 0, 100);
    number(object, pointer, "baseline_minutes", t.baseline_minutes, 1, 7 * 24 * 60);
    number(object, pointer, "baseline_min_snapshots", t.baseline_min_snapshots, 1, 1000);
    number(object, pointer, "failed_runs", t.failed_runs, 1, 1000);
    return t;
  }

  PoolConfig pool(const json& object, const std::string& pointer, size_t index) {
    const std::string where = "pool " + std::to_string(index + 1);
    if (!object.is_object()) fail(pointer, where + " must be an object");
    static const std::set<std::string> known = {"account_name", "observer_url", "client",
                                                "company",      "country",      "site",
                                                "page_tz",      "enabled",      "thresholds"};
    for (const auto& [key, value] : object.items()) {
      if (!known.contains(key)) fail(pointer + "/" + key, "unknown key '" + key + "' in " + where);
    }
    PoolConfig pool;
    pool.account_name = text(object, pointer, "account_name", true, where);
    pool.observer_url = text(object, pointer, "observer_url", true, where);
    const std::string& url = pool.observer_url;
    if (!has_fetchable_scheme(url)) {
      fail(pointer + "/observer_url",
           "'" + redacted_url(url) + "' is not an http(s):// or file:// URL");
    }
    if (url.find_first_of(" \t\r\n") != std::string::npos) {
      fail(pointer + "/observer_url", "the URL contains white space");
    }
    pool.client = text(object, pointer, "client", false, where);
    pool.company = text(object, pointer, "company", false, where);
    pool.country = text(object, pointer, "country", false, where);
    pool.site = text(object, pointer, "site", false, where);
    if (object.contains("page_tz")) {
      pool.page_tz = text(object, pointer, "page_tz", false, where);
      if (!parse_utc_offset(*pool.page_tz)) {
        fail(pointer + "/page_tz", "'" + *pool.page_tz + "' is not a UTC offset like +05:00");
      }
    }
    if (object.contains("enabled")) {
      if (!object.at("enabled").is_boolean())
        fail(pointer + "/enabled", "'enabled' must be true or false");
      pool.enabled = object.at("enabled").get<bool>();
    }
    if (object.contains("thresholds")) {
      pool.thresholds = thresholds(object.at("thresholds"), pointer + "/thresholds");
    }
    return pool;
  }

 private:
  std::string source_;
  JsonLayout layout_;
};

}  // namespace

std::vector<PoolConfig> parse_pool_config(const std::string& text, const std::string& source_name) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line and column.
    int line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n')
        line++, column = 1;
      else
        column++;
    }
    std::string what = e.what();
    if (auto colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw Error(ExitCode::usage, source_name + ":" + std::to_string(line) + ":" +
                                     std::to_string(column) + ": invalid JSON: " + what);
  }
  ConfigReader reader(text, source_name);
  std::string pools_pointer;
  const json* pools = &document;
  if (document.is_object()) {
    for (const auto& [key, value] : document.items()) {
      if (key != "pools") reader.fail("/" + key, "unknown key '" + key + "' (expected \"pools\")");
    }
    if (!document.contains("pools")) reader.fail("", "missing \"pools\"");
    pools = &document.at("pools");
    pools_pointer = "/pools";
  }
  if (!pools->is_array()) reader.fail(pools_pointer, "\"pools\" must be a list of pools");
  if (pools->empty()) reader.fail(pools_pointer, "the list of pools is empty");

  std::vector<PoolConfig> result;
  std::set<std::string> names, urls;
  for (size_t i = 0; i < pools->size(); ++i) {
    const std::string pointer = pools_pointer + "/" + std::to_string(i);
    PoolConfig pool = reader.pool(pools->at(i), pointer, i);
    if (!names.insert(pool.account_name).second) {
      reader.fail(pointer + "/account_name", "duplicate account_name '" + pool.account_name + "'");
    }
    if (!urls.insert(pool.observer_url).second) {
      reader.fail(pointer + "/observer_url",
                  "duplicate observer_url '" + redacted_url(pool.observer_url) + "'");
    }
    result.push_back(std::move(pool));
  }
  return result;
}

std::vector<PoolConfig> load_pool_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, "cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_pool_config(text.str(), path);
}

std::vector<PoolConfig> select_pools(const std::vector<PoolConfig>& pools,
                                     const std::optional<std::string>& account,
                                     const std::string& source_name) {
  std::vector<PoolConfig> selected;
  for (const PoolConfig& pool : pools) {
    if (account ? pool.account_name == *account : pool.enabled) selected.push_back(pool);
  }
  if (account && selected.empty()) {
    throw Error(ExitCode::usage, "no pool '" + *account + "' in " + source_name);
  }
  return selected;
}

}  // namespace kz
