#include "common/pool_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/antpool_identity.hpp"
#include "common/clock.hpp"
#include "common/config_reader.hpp"
#include "common/error.hpp"
#include "common/url_text.hpp"

namespace kz {
namespace {

using nlohmann::json;

const std::set<std::string> common_keys = {"account_name", "source",  "client",
                                           "company",      "country", "site",
                                           "page_tz",      "enabled", "thresholds"};
const std::set<std::string> btcpool_keys = {"observer_url"};
const std::set<std::string> antpool_keys = {"user_id", "sub_account", "credentials_file", "key_env",
                                            "secret_env"};

ThresholdSettings read_thresholds(const ConfigReader& reader, const json& object,
                                  const std::string& pointer) {
  static const std::set<std::string> known = {
      "offline_high_count",   "offline_high_percent", "drop_medium_percent",    "drop_high_percent",
      "drop_resolve_percent", "baseline_minutes",     "baseline_min_snapshots", "failed_runs"};
  if (!object.is_object()) reader.fail(pointer, "'thresholds' must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) reader.fail(pointer + "/" + key, "unknown threshold '" + key + "'");
  }
  ThresholdSettings t;
  reader.number(object, pointer, "offline_high_count", t.offline_high_count, 0, 1e6);
  reader.number(object, pointer, "offline_high_percent", t.offline_high_percent, 0, 100);
  reader.number(object, pointer, "drop_medium_percent", t.drop_medium_percent, 0, 100);
  reader.number(object, pointer, "drop_high_percent", t.drop_high_percent, 0, 100);
  reader.number(object, pointer, "drop_resolve_percent", t.drop_resolve_percent, 0, 100);
  reader.number(object, pointer, "baseline_minutes", t.baseline_minutes, 1, 7 * 24 * 60);
  reader.number(object, pointer, "baseline_min_snapshots", t.baseline_min_snapshots, 1, 1000);
  reader.number(object, pointer, "failed_runs", t.failed_runs, 1, 1000);
  return t;
}

void read_observer_url(const ConfigReader& reader, const json& object, const std::string& pointer,
                       const std::string& where, PoolConfig& pool) {
  pool.observer_url = reader.text(object, pointer, "observer_url", true, where);
  const std::string& url = pool.observer_url;
  if (!has_fetchable_scheme(url)) {
    reader.fail(pointer + "/observer_url",
                "'" + redacted_url(url) + "' is not an http(s):// or file:// URL");
  }
  if (url.find_first_of(" \t\r\n") != std::string::npos) {
    reader.fail(pointer + "/observer_url", "the URL contains white space");
  }
}

// An Antpool account name as Antpool writes it: one word.
std::string antpool_name(const ConfigReader& reader, const json& object, const std::string& pointer,
                         const char* key, const std::string& where) {
  std::string name = reader.text(object, pointer, key, true, where);
  if (name.find_first_of("/ \t\r\n") != std::string::npos) {
    reader.fail(pointer + "/" + key, "'" + std::string(key) + "' must not hold '/' or spaces");
  }
  return name;
}

std::string env_name(const ConfigReader& reader, const json& object, const std::string& pointer,
                     const char* key, const std::string& where) {
  std::string name = reader.text(object, pointer, key, true, where);
  const bool valid = !std::isdigit(static_cast<unsigned char>(name[0])) &&
                     name.find_first_not_of(
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789_") == std::string::npos;
  if (!valid) {
    reader.fail(
        pointer + "/" + key,
        "'" + std::string(key) + "' must name an environment variable (letters, digits, _)");
  }
  return name;
}

void read_antpool(const ConfigReader& reader, const json& object, const std::string& pointer,
                  const std::string& where, PoolConfig& pool) {
  AntpoolPoolConfig antpool;
  antpool.user_id = antpool_name(reader, object, pointer, "user_id", where);
  if (object.contains("sub_account"))
    antpool.sub_account = antpool_name(reader, object, pointer, "sub_account", where);
  const bool file = object.contains("credentials_file");
  const bool key_env = object.contains("key_env"), secret_env = object.contains("secret_env");
  if (file && (key_env || secret_env)) {
    reader.fail(pointer + (key_env ? "/key_env" : "/secret_env"),
                where + " has both 'credentials_file' and 'key_env'/'secret_env': give one");
  }
  if (file) {
    antpool.credentials_file = reader.text(object, pointer, "credentials_file", true, where);
  } else if (key_env || secret_env) {
    if (!key_env) reader.fail(pointer + "/secret_env", "'secret_env' needs 'key_env' beside it");
    if (!secret_env) reader.fail(pointer + "/key_env", "'key_env' needs 'secret_env' beside it");
    antpool.key_env = env_name(reader, object, pointer, "key_env", where);
    antpool.secret_env = env_name(reader, object, pointer, "secret_env", where);
  } else {
    reader.fail(pointer, where + " needs 'credentials_file' or 'key_env' and 'secret_env'");
  }
  pool.observer_url = antpool_identity(pool.account_name);
  pool.antpool = std::move(antpool);
}

PoolConfig read_pool(const ConfigReader& reader, const json& object, const std::string& pointer,
                     size_t index) {
  const std::string where = "pool " + std::to_string(index + 1);
  if (!object.is_object()) reader.fail(pointer, where + " must be an object");
  PoolConfig pool;
  if (object.contains("source")) {
    pool.source = reader.text(object, pointer, "source", true, where);
    if (pool.source != "btcpool" && pool.source != "antpool") {
      reader.fail(pointer + "/source", "'source' must be \"btcpool\" or \"antpool\"");
    }
  }
  const bool antpool = pool.source == "antpool";
  for (const auto& [key, value] : object.items()) {
    if (common_keys.contains(key) || (antpool ? antpool_keys : btcpool_keys).contains(key))
      continue;
    if ((antpool ? btcpool_keys : antpool_keys).contains(key)) {
      reader.fail(pointer + "/" + key, "'" + key + "' does not belong in " + where + " (source \"" +
                                           pool.source + "\")");
    }
    reader.fail(pointer + "/" + key, "unknown key '" + key + "' in " + where);
  }
  pool.account_name = reader.text(object, pointer, "account_name", true, where);
  if (antpool)
    read_antpool(reader, object, pointer, where, pool);
  else
    read_observer_url(reader, object, pointer, where, pool);
  pool.client = reader.text(object, pointer, "client", false, where);
  pool.company = reader.text(object, pointer, "company", false, where);
  pool.country = reader.text(object, pointer, "country", false, where);
  pool.site = reader.text(object, pointer, "site", false, where);
  if (object.contains("page_tz")) {
    pool.page_tz = reader.text(object, pointer, "page_tz", false, where);
    if (!parse_utc_offset(*pool.page_tz)) {
      reader.fail(pointer + "/page_tz", "'" + *pool.page_tz + "' is not a UTC offset like +05:00");
    }
  }
  if (object.contains("enabled")) {
    if (!object.at("enabled").is_boolean())
      reader.fail(pointer + "/enabled", "'enabled' must be true or false");
    pool.enabled = object.at("enabled").get<bool>();
  }
  if (object.contains("thresholds")) {
    pool.thresholds = read_thresholds(reader, object.at("thresholds"), pointer + "/thresholds");
  }
  return pool;
}

}  // namespace

std::vector<PoolConfig> parse_pool_config(const std::string& text, const std::string& source_name,
                                          const ConfigSectionReader& antpool_section) {
  const json document = parse_config_json(text, source_name);
  const ConfigReader reader(text, source_name);
  std::string pools_pointer;
  const json* pools = &document;
  if (document.is_object()) {
    for (const auto& [key, value] : document.items()) {
      // "notify" is kznotify's, validated by it (src/notify/notify_config.hpp).
      if (key != "pools" && key != "antpool" && key != "notify") {
        reader.fail("/" + key,
                    "unknown key '" + key + "' (expected \"pools\", \"antpool\" or \"notify\")");
      }
    }
    if (!document.contains("pools")) reader.fail("", "missing \"pools\"");
    pools = &document.at("pools");
    pools_pointer = "/pools";
  }
  if (!pools->is_array()) reader.fail(pools_pointer, "\"pools\" must be a list of pools");
  if (pools->empty()) reader.fail(pools_pointer, "the list of pools is empty");

  std::vector<PoolConfig> result;
  std::set<std::string> names, urls, antpool_accounts;
  for (size_t i = 0; i < pools->size(); ++i) {
    const std::string pointer = pools_pointer + "/" + std::to_string(i);
    PoolConfig pool = read_pool(reader, pools->at(i), pointer, i);
    if (!names.insert(pool.account_name).second) {
      reader.fail(pointer + "/account_name", "duplicate account_name '" + pool.account_name + "'");
    }
    if (pool.antpool) {
      // Two labels reading one Antpool account would store it twice.
      const AntpoolPoolConfig& antpool = *pool.antpool;
      const std::string target = antpool.sub_account.value_or(antpool.user_id);
      const std::string read = antpool.user_id + (target != antpool.user_id ? "/" + target : "");
      if (!antpool_accounts.insert(read).second) {
        reader.fail(pointer + (antpool.sub_account ? "/sub_account" : "/user_id"),
                    "duplicate Antpool account '" + read + "'");
      }
    }
    if (!urls.insert(pool.observer_url).second) {
      reader.fail(pointer + "/observer_url",
                  "duplicate observer_url '" + redacted_url(pool.observer_url) + "'");
    }
    result.push_back(std::move(pool));
  }
  if (document.is_object() && document.contains("antpool")) {
    const json& section = document.at("antpool");
    if (!section.is_object()) reader.fail("/antpool", "\"antpool\" must be an object");
    if (antpool_section) antpool_section(section, "/antpool", reader);
  }
  return result;
}

std::vector<PoolConfig> load_pool_config(const std::string& path,
                                         const ConfigSectionReader& antpool_section) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, "cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_pool_config(text.str(), path, antpool_section);
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
