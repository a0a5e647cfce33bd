// Structural errors of the "notify" object, each generated over every destination type and
// position, each with the line:column the test recorded while writing the text.

#include <gtest/gtest.h>

#include "notify_config_fixture.hpp"

namespace kz::test {
namespace {

class NotifyConfigErrors : public NotifyConfigTest {
 protected:
  // `broken` as destination `index` among valid ones of other types.
  std::vector<ConfigObject> around(const ConfigObject& broken, size_t index) const {
    std::vector<ConfigObject> list;
    for (size_t i = 0; i < index; ++i)
      list.push_back(destination(types()[i], "ok" + std::to_string(i)));
    list.push_back(broken);
    list.push_back(destination("ntfy", "last"));
    return list;
  }
  static std::string where(size_t index) { return "destination " + std::to_string(index + 1); }
  static std::string d(size_t index) { return "d" + std::to_string(index); }
};

// Every type's required fields, and the secret pairs, missing one at a time.
TEST_F(NotifyConfigErrors, EveryRequiredFieldMissingIsNamedAtItsDestination) {
  const std::map<std::string, std::vector<std::pair<std::string, std::string>>> required = {
      {"telegram", {{"chat_id", "missing 'chat_id'"}, {"token_file", "needs"}}},
      {"slack", {{"url_file", "needs"}}},
      {"discord", {{"url_env", "needs"}}},
      {"webhook", {{"url_file", "needs"}}},
      {"ntfy", {{"url", "missing 'url'"}, {"topic", "missing 'topic'"}}},
      {"email",
       {{"smtp_url", "missing 'smtp_url'"}, {"from", "missing 'from'"}, {"to", "missing 'to'"}}}};
  const std::map<std::string, std::string> pair = {{"telegram", "'token_file' or 'token_env'"},
                                                   {"slack", "'url_file' or 'url_env'"},
                                                   {"discord", "'url_file' or 'url_env'"},
                                                   {"webhook", "'url_file' or 'url_env'"}};
  for (size_t index = 0; index < 3; ++index) {
    for (const auto& type : types()) {
      auto fields = required.at(type);
      fields.emplace_back("name", "missing 'name'");
      fields.emplace_back("type", "missing 'type'");
      for (const auto& [key, what] : fields) {
        const auto list = around(without(destination(type, "x"), key), index);
        const std::string message = what == "needs" ? where(index) + " needs " + pair.at(type)
                                                    : what + " in " + where(index);
        expect_error(config_text({}, {}, &list), d(index), message);
      }
    }
  }
}

TEST_F(NotifyConfigErrors, WrongTypesAreNamedAtTheValue) {
  for (const auto& type : types()) {
    const ConfigObject base = destination(type, "x");
    std::vector<std::string> keys = {"name", "type", "min_severity"};
    for (const auto& [key, value] : base) {
      if (value.starts_with("\"") && key != "name" && key != "type") keys.push_back(key);
    }
    for (const auto& key : keys) {
      for (const std::string bad : {"42", "true", "null", "{}", "[\"a\"]", "-1.5"}) {
        const std::vector<ConfigObject> list = {with(base, key, bad)};
        expect_error(config_text({}, {}, &list), "d0/" + key, "'" + key + "' must be a string");
      }
    }
    for (const std::string key : {"pools", "alert_types"}) {
      for (const std::string bad : {"\"worker_offline\"", "42", "{}", "null"}) {
        const std::vector<ConfigObject> list = {with(base, key, bad)};
        expect_error(config_text({}, {}, &list), "d0/" + key,
                     "'" + key + "' must be a list of " +
                         (key == std::string("pools") ? "account names" : "alert types"));
      }
      for (const std::string bad : {"42", "\"\"", "null", "[]"}) {
        const std::string raw = "[\"worker_offline\", " + bad + "]";
        const std::vector<ConfigObject> list = {with(base, key, raw)};
        expect_error(config_text({}, {}, &list), "d0/" + key,
                     "each entry of '" + key + "' must be a non-empty string", raw.find(bad));
      }
    }
  }
}

TEST_F(NotifyConfigErrors, UnknownKeysAreRefusedAtEveryLevel) {
  const std::vector<ConfigObject> one = {destination("slack", "s")};
  for (const std::string key : {"bogus", "destination", "Destinations", "quiet", "min_duration"}) {
    expect_error(config_text({}, {{key, "1"}}, &one), "notify/" + key,
                 "unknown key '" + key + "' in \"notify\"");
  }
  for (size_t index = 0; index < 3; ++index) {
    for (const auto& type : types()) {
      for (const std::string key : {"bogus", "Name", "chat", "token", "secret", "url_files"}) {
        const auto list = around(with(destination(type, "x"), key, "\"v\""), index);
        expect_error(config_text({}, {}, &list), d(index) + "/" + key,
                     "unknown key '" + key + "' in " + where(index));
      }
      // A key of another type names the type it was written in.
      for (const std::string key : {"chat_id", "url_file", "secret_file", "topic", "smtp_url"}) {
        const ConfigObject base = destination(type, "x");
        if (std::any_of(base.begin(), base.end(), [&](const auto& f) { return f.first == key; }) ||
            (key == std::string("url_file") && type == "discord")) {
          continue;
        }
        const auto list = around(with(base, key, "\"v\""), index);
        expect_error(
            config_text({}, {}, &list), d(index) + "/" + key,
            "'" + key + "' does not belong in " + where(index) + " (type \"" + type + "\")");
      }
    }
  }
  for (const std::string key : {"tz", "From", "until"}) {
    const std::string raw = "{\"from\": \"22:00\", \"to\": \"07:00\", \"" + key + "\": 1}";
    expect_error(config_text({}, {{"quiet_hours", raw}}, &one), "notify/quiet_hours",
                 "unknown key '" + key + "' in 'quiet_hours'", raw.find(": 1") + 2);
  }
  for (const std::string type : {"offline", "Worker_offline", "hashrate"}) {
    const std::string raw = "{\"worker_offline\": 60, \"" + type + "\": 5}";
    expect_error(config_text({}, {{"min_duration_s", raw}}, &one), "notify/min_duration_s",
                 "unknown alert type '" + type +
                     "' in 'min_duration_s' (known: offline_workers, worker_offline, "
                     "hashrate_drop, zero_hashrate, scrape_failed)",
                 raw.find(": 5") + 2);
  }
}

TEST_F(NotifyConfigErrors, ARepeatedNameIsRefusedAtItsSecondUse) {
  for (const auto& first : types()) {
    for (const auto& second : types()) {
      for (size_t gap = 0; gap < 2; ++gap) {
        std::vector<ConfigObject> list = {destination(first, "ops.phone-1")};
        if (gap) list.push_back(destination("discord", "between"));
        list.push_back(destination(second, "ops.phone-1"));
        expect_error(config_text({}, {}, &list), d(list.size() - 1) + "/name",
                     "duplicate destination name 'ops.phone-1'");
      }
    }
  }
}

TEST_F(NotifyConfigErrors, BadNamesTypesAndSeveritiesAreNamedAtTheValue) {
  for (const auto& type : types()) {
    for (const std::string name : {"has space", "a/b", "a:b", "ключ", "x\\ty", "@x"}) {
      const std::vector<ConfigObject> list = {with(destination(type, "x"), "name", quoted(name))};
      expect_error(config_text({}, {}, &list), "d0/name",
                   "'name' must be made of A-Z, a-z, 0-9, _, . and -");
    }
    for (const std::string severity : {"critical", "LOW", "Medium", "warn"}) {
      const std::vector<ConfigObject> list = {
          with(destination(type, "x"), "min_severity", quoted(severity))};
      expect_error(config_text({}, {}, &list), "d0/min_severity",
                   "'min_severity' must be \"low\", \"medium\" or \"high\"");
    }
    const std::vector<ConfigObject> empty = {with(destination(type, "x"), "name", "\"\"")};
    expect_error(config_text({}, {}, &empty), "d0/name", "'name' is empty");
    for (const std::string alert : {"offline", "WORKER_OFFLINE", "hashrate-drop"}) {
      const std::string raw = "[\"zero_hashrate\", \"" + alert + "\"]";
      const std::vector<ConfigObject> list = {with(destination(type, "x"), "alert_types", raw)};
      expect_error(config_text({}, {}, &list), "d0/alert_types",
                   "unknown alert type '" + alert +
                       "' (known: offline_workers, worker_offline, hashrate_drop, zero_hashrate, "
                       "scrape_failed)",
                   raw.find(", ") + 2);
    }
  }
  for (const std::string type : {"sms", "Telegram", "mail", "webhooks"}) {
    const std::vector<ConfigObject> list = {with(destination("slack", "x"), "type", quoted(type))};
    expect_error(
        config_text({}, {}, &list), "d0/type",
        "unknown type '" + type + "' (expected telegram, slack, discord, webhook, ntfy or email)");
  }
}

TEST_F(NotifyConfigErrors, TheDestinationsListAndTheNotifyObjectMustHaveTheirShape) {
  expect_error(config_text({}, {{"time_limit_s", "30"}}, nullptr), "notify",
               "missing 'destinations' in \"notify\"");
  expect_error(config_text({}, {{"destinations", "[]"}}, nullptr), "notify/destinations",
               "the list of destinations is empty");
  for (const std::string bad : {"{}", "\"slack\"", "7"}) {
    expect_error(config_text({}, {{"destinations", bad}}, nullptr), "notify/destinations",
                 "'destinations' must be a list");
  }
  for (const std::string bad : {"7", "\"slack\"", "[]", "null"}) {
    const std::string raw = "[" + bad + "]";
    expect_error(config_text({}, {{"destinations", raw}}, nullptr), "notify/destinations",
                 "destination 1 must be an object", 1);
  }
  EXPECT_EQ(error_of("{\n  \"pools\": [],\n  \"notify\": [1]\n}"),
            "pools.json:3:13: \"notify\" must be an object");
  EXPECT_TRUE(error_of("{\"notify\": {\"destinations\": [}}").starts_with("pools.json:1:"));
  EXPECT_EQ(error_of("{\"notify\": {\"destinations\": [\n  {\"name\": \"a\", \"name\": \"b\"}]}}"),
            "pools.json:2:25: duplicate key 'name'");
}

}  // namespace
}  // namespace kz::test
