#include "notify/notify_config.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/config_reader.hpp"
#include "common/error.hpp"
#include "notify/notify_config_fields.hpp"

namespace kz {

using nlohmann::json;

const std::vector<std::string>& known_alert_types() {
  static const std::vector<std::string> types = {"offline_workers", "worker_offline",
                                                 "hashrate_drop", "zero_hashrate", "scrape_failed"};
  return types;
}

std::optional<LocalTime> parse_local_time(const std::string& text) {
  const auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return LocalTime{hours * 60 + minutes};
}

bool is_http_url(const std::string& url) {
  const size_t scheme = url.starts_with("https://") ? 8 : url.starts_with("http://") ? 7 : 0;
  if (scheme == 0 || url.size() <= scheme || url.find_first_of("/?#", scheme) == scheme) {
    return false;
  }
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

namespace {

LocalTime local_time(const ConfigReader& reader, const json& object, const std::string& pointer,
                     const char* key, const std::string& where) {
  const std::string text = reader.text(object, pointer, key, true, where);
  const auto time = parse_local_time(text);
  if (!time) {
    reader.fail(pointer + "/" + key,
                "'" + text + "' is not a local time \"HH:MM\" (00:00 to 23:59)");
  }
  return *time;
}

void read_min_duration(const ConfigReader& reader, const json& object, const std::string& pointer,
                       NotifySettings& settings) {
  if (!object.is_object()) {
    reader.fail(pointer, "'min_duration_s' must be an object of alert type -> seconds");
  }
  const auto& known = known_alert_types();
  for (const auto& [type, value] : object.items()) {
    if (std::find(known.begin(), known.end(), type) == known.end()) {
      std::string list;
      for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
      reader.fail(pointer + "/" + type,
                  "unknown alert type '" + type + "' in 'min_duration_s' (known: " + list + ")");
    }
    std::optional<int> seconds;
    reader.number(object, pointer, type.c_str(), seconds, 0, 7 * 24 * 3600);
    settings.min_duration[type] = std::chrono::seconds(*seconds);
  }
}

void read_settings(const ConfigReader& reader, const json& notify, NotifySettings& settings) {
  const std::string pointer = "/notify";
  std::optional<int> value;
  reader.number(notify, pointer, "max_per_alert_per_hour", value, 1, 100);
  if (value) settings.max_per_alert_per_hour = *value;
  value.reset();
  reader.number(notify, pointer, "time_limit_s", value, 1, 3600);
  if (value) settings.time_limit = std::chrono::seconds(*value);
  value.reset();
  reader.number(notify, pointer, "summary_charts", value, 0, 10);
  if (value) settings.summary_charts = *value;
  if (notify.contains("min_duration_s")) {
    read_min_duration(reader, notify.at("min_duration_s"), pointer + "/min_duration_s", settings);
  }
  if (notify.contains("quiet_hours")) {
    const json& quiet = notify.at("quiet_hours");
    const std::string at = pointer + "/quiet_hours";
    const std::string where = "'quiet_hours'";
    if (!quiet.is_object())
      reader.fail(at, "'quiet_hours' must be {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}");
    reader.only_keys(quiet, at, {"from", "to"}, where);
    QuietHours hours{local_time(reader, quiet, at, "from", where),
                     local_time(reader, quiet, at, "to", where)};
    if (hours.from.minutes == hours.to.minutes) {
      reader.fail(at + "/to", "'quiet_hours' ends when it starts: give two different times");
    }
    settings.quiet_hours = hours;
  }
  if (notify.contains("daily_summary_at")) {
    settings.daily_summary_at =
        local_time(reader, notify, pointer, "daily_summary_at", "\"notify\"");
  }
}

}  // namespace

NotifySettings parse_notify_config(const std::string& text, const std::string& source_name,
                                   const std::function<const char*(const char*)>& getenv) {
  const json document = parse_config_json(text, source_name);
  const ConfigReader reader(text, source_name);
  if (!document.is_object() || !document.contains("notify")) {
    throw Error(ExitCode::usage, source_name + ": no \"notify\" object (see the README, kznotify)");
  }
  const json& notify = document.at("notify");
  if (!notify.is_object()) reader.fail("/notify", "\"notify\" must be an object");
  reader.only_keys(notify, "/notify",
                   {"destinations", "min_duration_s", "max_per_alert_per_hour", "quiet_hours",
                    "daily_summary_at", "summary_charts", "time_limit_s"},
                   "\"notify\"");
  NotifySettings settings;
  read_settings(reader, notify, settings);

  if (!notify.contains("destinations"))
    reader.fail("/notify", "missing 'destinations' in \"notify\"");
  const json& destinations = notify.at("destinations");
  const std::string pointer = "/notify/destinations";
  if (!destinations.is_array()) reader.fail(pointer, "'destinations' must be a list");
  if (destinations.empty()) reader.fail(pointer, "the list of destinations is empty");
  std::set<std::string> names;
  for (size_t i = 0; i < destinations.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    Destination destination = read_destination(reader, destinations[i], at, i, getenv);
    if (!names.insert(destination.name).second) {
      reader.fail(at + "/name", "duplicate destination name '" + destination.name + "'");
    }
    settings.destinations.push_back(std::move(destination));
  }
  return settings;
}

NotifySettings load_notify_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::usage, "cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_notify_config(text.str(), path, [](const char* name) { return std::getenv(name); });
}

}  // namespace kz
