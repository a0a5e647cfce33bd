#include "notify/notify_config_fields.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>

#include "common/error.hpp"

namespace kz {
namespace {

using nlohmann::json;

const std::set<std::string> common_keys = {"name", "type", "pools", "alert_types", "min_severity"};
const std::map<std::string, std::set<std::string>> type_keys = {
    {"telegram", {"chat_id", "token_file", "token_env", "api_url"}},
    {"slack", {"url_file", "url_env"}},
    {"discord", {"url_file", "url_env"}},
    {"webhook", {"url_file", "url_env", "secret_file"}},
    {"ntfy", {"url", "topic", "token_file"}},
    {"email", {"smtp_url", "from", "to", "user", "password_file"}},
};

bool all_of(const std::string& text, const char* allowed) {
  return text.find_first_not_of(allowed) == std::string::npos;
}

constexpr const char* digits = "0123456789";
constexpr const char* word = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

// Visible ASCII only: no white space or control characters that would end a URL or a header.
bool visible(const std::string& text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

// A chat id as the Bot API takes it: a non-zero whole number (of at most 18 digits: Telegram's
// ids fit in 52 bits), or "@" and a public username.
std::optional<std::string> chat_id_of(const json& value) {
  constexpr std::uint64_t too_big = 1'000'000'000'000'000'000;
  if (value.is_number_unsigned()) {
    const auto id = value.get<std::uint64_t>();
    return id == 0 || id >= too_big ? std::nullopt : std::optional(std::to_string(id));
  }
  if (value.is_number_integer()) {
    const auto id = value.get<std::int64_t>();
    const bool fits = id != 0 && id > -static_cast<std::int64_t>(too_big);
    return fits ? std::optional(std::to_string(id)) : std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  const std::string number = text.starts_with("-") ? text.substr(1) : text;
  if (!number.empty() && number.size() <= 18 && number[0] != '0' && all_of(number, digits)) {
    return text;
  }
  // Telegram usernames: 5 to 32 of a-z, 0-9 and _, starting with a letter.
  const std::string user = text.starts_with("@") ? text.substr(1) : "";
  if (user.size() >= 5 && user.size() <= 32 && std::isalpha(static_cast<unsigned char>(user[0])) &&
      all_of(user, word)) {
    return text;
  }
  return std::nullopt;
}

// An address as SMTP's MAIL FROM / RCPT TO take it: local@domain, nothing around it.
bool is_address(const std::string& text) {
  const auto at = text.find('@');
  return at != std::string::npos && at > 0 && at + 1 < text.size() &&
         text.find('@', at + 1) == std::string::npos && visible(text) &&
         text.find_first_of("<>()[],;:\"\\") == std::string::npos;
}

std::string http_url(const ConfigReader& reader, const json& object, const std::string& pointer,
                     const char* key, const std::string& where) {
  std::string url = reader.text(object, pointer, key, true, where);
  if (!is_http_url(url)) {
    // Not shown: a token pasted into it would be printed.
    reader.fail(pointer + "/" + key, "'" + std::string(key) + "' is not an http(s):// URL");
  }
  while (url.ends_with("/")) url.pop_back();  // the host is not empty
  return url;
}

void read_telegram(const ConfigReader& reader, const json& object, const std::string& pointer,
                   const std::string& where, const GetEnv& getenv, Destination& d) {
  if (!object.contains("chat_id")) reader.fail(pointer, "missing 'chat_id' in " + where);
  const auto chat_id = chat_id_of(object.at("chat_id"));
  if (!chat_id) {
    reader.fail(pointer + "/chat_id",
                "'chat_id' must be a chat id (a whole number such as -1001234567890) or "
                "\"@channelname\"");
  }
  d.chat_id = *chat_id;
  const Secret token =
      read_secret(reader, object, pointer, where, "token_file", "token_env", true, "token", getenv);
  // The token goes into the URL path (/bot<token>/sendMessage).
  if (!visible(token.value) || token.value.find_first_of("/?#%@") != std::string::npos) {
    reader.fail(pointer + (object.contains("token_file") ? "/token_file" : "/token_env"),
                token.origin + " is not a bot token (it holds white space or one of / ? # % @)");
  }
  d.secrets.token = token.value;
  if (object.contains("api_url")) {
    d.api_url = http_url(reader, object, pointer, "api_url", where);
    if (d.api_url.find("/bot") != std::string::npos) {
      reader.fail(pointer + "/api_url",
                  "'api_url' is the Bot API server only (such as https://api.telegram.org): the "
                  "token goes in 'token_file' or 'token_env'");
    }
  }
}

void read_hook(const ConfigReader& reader, const json& object, const std::string& pointer,
               const std::string& where, const GetEnv& getenv, Destination& d) {
  const Secret hook =
      read_secret(reader, object, pointer, where, "url_file", "url_env", true, "URL", getenv);
  if (!is_http_url(hook.value)) {
    reader.fail(pointer + (object.contains("url_file") ? "/url_file" : "/url_env"),
                hook.origin + " is not an http(s):// URL");
  }
  d.secrets.hook_url = hook.value;
  if (d.type == "webhook") {
    d.secrets.signing_secret =
        read_secret(reader, object, pointer, where, "secret_file", nullptr, false, "secret", getenv)
            .value;
  }
}

void read_ntfy(const ConfigReader& reader, const json& object, const std::string& pointer,
               const std::string& where, const GetEnv& getenv, Destination& d) {
  d.url = http_url(reader, object, pointer, "url", where);
  d.topic = reader.text(object, pointer, "topic", true, where);
  // ntfy's own rule for topic names.
  if (d.topic.size() > 64 ||
      !all_of(d.topic, "-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")) {
    reader.fail(pointer + "/topic", "'topic' must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
  }
  const Secret token =
      read_secret(reader, object, pointer, where, "token_file", nullptr, false, "token", getenv);
  if (!visible(token.value)) {
    reader.fail(pointer + "/token_file", token.origin + " holds white space");
  }
  d.secrets.token = token.value;
}

void read_email(const ConfigReader& reader, const json& object, const std::string& pointer,
                const std::string& where, const GetEnv& getenv, Destination& d) {
  d.smtp_url = reader.text(object, pointer, "smtp_url", true, where);
  const bool smtp = d.smtp_url.starts_with("smtp://") || d.smtp_url.starts_with("smtps://");
  const auto host = d.smtp_url.find("://") + 3;
  if (!smtp || d.smtp_url.size() <= host || !visible(d.smtp_url)) {
    reader.fail(pointer + "/smtp_url", "'smtp_url' is not an smtp:// or smtps:// URL");
  }
  if (d.smtp_url.find('@', host) != std::string::npos) {
    reader.fail(pointer + "/smtp_url",
                "'smtp_url' must not hold a user or password: give 'user' and 'password_file'");
  }
  d.from = reader.text(object, pointer, "from", true, where);
  if (!is_address(d.from)) {
    reader.fail(pointer + "/from", "'" + d.from + "' is not an e-mail address like a@example.com");
  }
  if (!object.contains("to")) reader.fail(pointer, "missing 'to' in " + where);
  const json& to = object.at("to");
  if (to.is_string()) {
    d.to.push_back(to.get<std::string>());
    if (!is_address(d.to.back())) {
      reader.fail(pointer + "/to",
                  "'" + d.to.back() + "' is not an e-mail address like a@example.com");
    }
  } else if (to.is_array() && !to.empty()) {
    for (size_t i = 0; i < to.size(); ++i) {
      const std::string at = pointer + "/to/" + std::to_string(i);
      if (!to[i].is_string() || !is_address(to[i].get<std::string>())) {
        reader.fail(at, "each entry of 'to' must be an e-mail address like a@example.com");
      }
      d.to.push_back(to[i].get<std::string>());
    }
  } else {
    reader.fail(pointer + "/to", "'to' must be an e-mail address or a list of them");
  }
  const bool user = object.contains("user"), password = object.contains("password_file");
  if (user && !password) reader.fail(pointer + "/user", "'user' needs 'password_file' beside it");
  if (password && !user) {
    reader.fail(pointer + "/password_file", "'password_file' needs 'user' beside it");
  }
  if (user) {
    d.user = reader.text(object, pointer, "user", true, where);
    d.secrets.password = read_secret(reader, object, pointer, where, "password_file", nullptr, true,
                                     "password", getenv)
                             .value;
  }
}

std::vector<std::string> string_list(const ConfigReader& reader, const json& object,
                                     const std::string& pointer, const char* key,
                                     const std::string& what) {
  std::vector<std::string> result;
  if (!object.contains(key)) return result;
  const json& list = object.at(key);
  const std::string at = pointer + "/" + key;
  if (!list.is_array()) reader.fail(at, "'" + std::string(key) + "' must be a list of " + what);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get<std::string>().empty()) {
      reader.fail(at + "/" + std::to_string(i),
                  "each entry of '" + std::string(key) + "' must be a non-empty string");
    }
    result.push_back(list[i].get<std::string>());
  }
  return result;
}

Routing read_routing(const ConfigReader& reader, const json& object, const std::string& pointer,
                     const std::string& where) {
  Routing routing;
  routing.pools = string_list(reader, object, pointer, "pools", "account names");
  routing.alert_types = string_list(reader, object, pointer, "alert_types", "alert types");
  for (size_t i = 0; i < routing.alert_types.size(); ++i) {
    const auto& known = known_alert_types();
    if (std::find(known.begin(), known.end(), routing.alert_types[i]) == known.end()) {
      std::string list;
      for (const auto& type : known) list += (list.empty() ? "" : ", ") + type;
      reader.fail(pointer + "/alert_types/" + std::to_string(i),
                  "unknown alert type '" + routing.alert_types[i] + "' (known: " + list + ")");
    }
  }
  if (object.contains("min_severity")) {
    routing.min_severity = reader.text(object, pointer, "min_severity", true, where);
    if (routing.min_severity != "low" && routing.min_severity != "medium" &&
        routing.min_severity != "high") {
      reader.fail(pointer + "/min_severity",
                  "'min_severity' must be \"low\", \"medium\" or \"high\"");
    }
  }
  return routing;
}

}  // namespace

Destination read_destination(const ConfigReader& reader, const json& object,
                             const std::string& pointer, size_t index, const GetEnv& getenv) {
  const std::string where = "destination " + std::to_string(index + 1);
  if (!object.is_object()) reader.fail(pointer, where + " must be an object");
  Destination d;
  d.type = reader.text(object, pointer, "type", true, where);
  const auto keys = type_keys.find(d.type);
  if (keys == type_keys.end()) {
    reader.fail(pointer + "/type", "unknown type '" + d.type +
                                       "' (expected telegram, slack, discord, webhook, ntfy or "
                                       "email)");
  }
  for (const auto& [key, value] : object.items()) {
    if (common_keys.contains(key) || keys->second.contains(key)) continue;
    for (const auto& [type, its_keys] : type_keys) {
      if (its_keys.contains(key)) {
        reader.fail(pointer + "/" + key,
                    "'" + key + "' does not belong in " + where + " (type \"" + d.type + "\")");
      }
    }
    reader.fail(pointer + "/" + key, "unknown key '" + key + "' in " + where);
  }
  d.name = reader.text(object, pointer, "name", true, where);
  if (!all_of(d.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")) {
    reader.fail(pointer + "/name", "'name' must be made of A-Z, a-z, 0-9, _, . and -");
  }
  if (d.type == "telegram") {
    read_telegram(reader, object, pointer, where, getenv, d);
  } else if (d.type == "ntfy") {
    read_ntfy(reader, object, pointer, where, getenv, d);
  } else if (d.type == "email") {
    read_email(reader, object, pointer, where, getenv, d);
  } else {
    read_hook(reader, object, pointer, where, getenv, d);
  }
  d.routing = read_routing(reader, object, pointer, where);
  return d;
}

}  // namespace kz
