#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kz {

// A destination's secrets, read when the config is loaded and never printed (issue 13): the
// Telegram token, a Slack/Discord/webhook URL, the webhook's signing secret, the ntfy token,
// the SMTP password. Empty when the destination has none.
struct DestinationSecrets {
  std::string token;           // telegram (token_file/token_env), ntfy (token_file)
  std::string hook_url;        // slack, discord, webhook (url_file/url_env)
  std::string signing_secret;  // webhook (secret_file): HMAC-SHA256 of the body
  std::string password;        // email (password_file)
};

// Which transitions a destination gets: all when a list is empty.
struct Routing {
  std::vector<std::string> pools;        // account names ("KZPool_001", "antpool_001")
  std::vector<std::string> alert_types;  // offline_workers, worker_offline, hashrate_drop, ...
  std::string min_severity = "low";      // low, medium or high
};

// One entry of "notify": {"destinations": [...]} (issue 13, README "Notifications").
struct Destination {
  std::string name;  // unique; the key of its delivery state in the cache
  std::string type;  // telegram, slack, discord, webhook, ntfy, email
  // telegram
  std::string chat_id;  // an integer or "@channel", as configured
  std::string api_url = "https://api.telegram.org";
  // ntfy
  std::string url;  // the ntfy server, e.g. https://ntfy.sh
  std::string topic;
  // email
  std::string smtp_url;  // smtp://host:587 (STARTTLS) or smtps://host:465
  std::string from;
  std::vector<std::string> to;
  std::string user;
  Routing routing;
  DestinationSecrets secrets;
};

// A local time of day, "HH:MM" in the host's zone.
struct LocalTime {
  int minutes = 0;  // since local midnight, 0..1439
};

struct QuietHours {
  LocalTime from;  // e.g. 22:00
  LocalTime to;    // e.g. 07:00 (the next morning when before `from`)
};

// The whole "notify" object, with its defaults.
struct NotifySettings {
  std::vector<Destination> destinations;
  // An opening is sent once the alert has been open this long, measured from opened_at to the
  // last run that still saw it (last_seen_at); shorter ones are never sent. Per alert type;
  // types not listed: 0 (at once). Default: worker_offline and offline_workers 60 s, i.e. seen
  // in two runs (a reboot is not an incident).
  std::map<std::string, std::chrono::seconds> min_duration{
      {"worker_offline", std::chrono::seconds{60}}, {"offline_workers", std::chrono::seconds{60}}};
  int max_per_alert_per_hour = 4;  // messages about one alert (pool, type, subject) per hour
  std::optional<QuietHours> quiet_hours;
  std::optional<LocalTime> daily_summary_at;  // absent: no daily summary
  // Charts (hashrate over the last 24 h) sent after the daily summary to destinations that take
  // images (Telegram), one per pool, the pools with the most alert time first; 0: none.
  int summary_charts = 3;
  // A run's sending, 429 waits included; under the cron wrapper's NOTIFY_TIME_LIMIT (60 s).
  std::chrono::seconds time_limit{45};
};

// Reads the "notify" object of a pools file, or of a file holding only "notify".
// `text` is the file's JSON; `source_name` names it in errors
// "<source>:<line>:<column>: <message>" (kz::Error usage, exit 2): unknown keys, a missing
// or unknown type, a repeated name, a bad chat_id, URL, time or severity, a secret given both
// as file and env, or neither. Secret files are read with read_secret_file and refused when
// open to group or others or owned by another user; environment variables are read through
// `getenv`, and an unset or empty one names the variable, never a value. No error shows a
// secret or a URL's value. api_url and the ntfy url are kept without a trailing '/'.
NotifySettings parse_notify_config(const std::string& text, const std::string& source_name,
                                   const std::function<const char*(const char*)>& getenv);

// parse_notify_config on the file at `path` (kz::Error usage when it cannot be read, or when it
// has no "notify" object).
NotifySettings load_notify_config(const std::string& path);

}  // namespace kz
