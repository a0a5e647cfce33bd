#pragma once

// The pieces of the "notify" object that parse_notify_config puts together (notify_config.hpp).
// Every function fails through `reader` (kz::Error usage, "<source>:<line>:<column>: ...").

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "common/config_reader.hpp"
#include "notify/notify_config.hpp"

namespace kz {

using GetEnv = std::function<const char*(const char*)>;

// A secret and the words that name where it came from in errors ("the URL in $SLACK_URL"),
// which never include the value.
struct Secret {
  std::string value;
  std::string origin;
};

// The secret of `object` (at `pointer`, named `where` in errors) given by `file_key` (a file read
// with read_secret_file, surrounding white space dropped; it must belong to the user running
// kznotify and be closed to group and others) or `env_key` (an environment variable
// read through `getenv`; nullptr when the type has none), `thing` naming it ("token", "URL").
// Refused: both given, neither given when `required`, an invalid variable name, an unset or
// empty variable, an unreadable, empty or shared file. Empty when neither is given and it is
// optional.
Secret read_secret(const ConfigReader& reader, const nlohmann::json& object,
                   const std::string& pointer, const std::string& where, const char* file_key,
                   const char* env_key, bool required, const std::string& thing,
                   const GetEnv& getenv);

// The alert types kzscrape writes (src/scrape/alerts), in the order errors list them.
const std::vector<std::string>& known_alert_types();

// "HH:MM" with two digits each, 00:00 to 23:59; nullopt for anything else ("7:00", "24:00").
std::optional<LocalTime> parse_local_time(const std::string& text);

// Whether `url` is "http://" or "https://" followed by a host, with no white space or control
// characters.
bool is_http_url(const std::string& url);

// Destination `index` (0-based) of "destinations", at `pointer` ("/notify/destinations/0"):
// its fields by type, its routing and its secrets (files through read_secret_file, variables
// through `getenv`). Does not check that the name is unique among destinations.
Destination read_destination(const ConfigReader& reader, const nlohmann::json& object,
                             const std::string& pointer, size_t index, const GetEnv& getenv);

}  // namespace kz
