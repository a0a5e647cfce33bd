#include "notify/notify_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "notify_config_fixture.hpp"

namespace kz::test {
namespace {

using std::chrono::seconds;

class NotifyConfig : public NotifyConfigTest {};

TEST_F(NotifyConfig, ReadsEveryTypeWithItsSecretsAndTheDefaults) {
  std::vector<ConfigObject> destinations;
  for (const auto& type : types()) destinations.push_back(destination(type, "to-" + type));
  const NotifySettings s = parse(config_text({}, {}, &destinations).text);
  ASSERT_EQ(s.destinations.size(), types().size());
  for (size_t i = 0; i < types().size(); ++i) {
    EXPECT_EQ(s.destinations[i].name, "to-" + types()[i]);
    EXPECT_EQ(s.destinations[i].type, types()[i]);
    EXPECT_TRUE(s.destinations[i].routing.pools.empty());
    EXPECT_TRUE(s.destinations[i].routing.alert_types.empty());
    EXPECT_EQ(s.destinations[i].routing.min_severity, "low");
  }
  const Destination& telegram = s.destinations[0];
  EXPECT_EQ(telegram.chat_id, "-1001234567890");
  EXPECT_EQ(telegram.api_url, "https://api.telegram.org");
  EXPECT_EQ(telegram.secrets.token, "123456:AAE-telegram_Token");
  EXPECT_EQ(s.destinations[1].secrets.hook_url,
            "https://hooks.slack.com/services/T00/B00/slackpart");
  EXPECT_EQ(s.destinations[2].secrets.hook_url, env_["DISCORD_HOOK"]);
  EXPECT_EQ(s.destinations[3].secrets.hook_url, "http://127.0.0.1:9/hook?key=webhookpart");
  EXPECT_EQ(s.destinations[3].secrets.signing_secret, "signing secret part");
  const Destination& ntfy = s.destinations[4];
  EXPECT_EQ(ntfy.url, "http://127.0.0.1:8080");  // without its trailing '/'
  EXPECT_EQ(ntfy.topic, "kzpool-alerts");
  EXPECT_EQ(ntfy.secrets.token, "tk_ntfytokenpart");
  const Destination& email = s.destinations[5];
  EXPECT_EQ(email.smtp_url, "smtps://127.0.0.1:4650");
  EXPECT_EQ(email.from, "kzpool@example.com");
  EXPECT_EQ(email.to, (std::vector<std::string>{"ops@example.com", "night@example.kz"}));
  EXPECT_EQ(email.user, "kzpool");
  EXPECT_EQ(email.secrets.password, "smtp password part");

  EXPECT_EQ(s.min_duration, (std::map<std::string, seconds>{{"offline_workers", seconds{60}},
                                                            {"worker_offline", seconds{60}}}));
  EXPECT_EQ(s.max_per_alert_per_hour, 4);
  EXPECT_FALSE(s.quiet_hours);
  EXPECT_FALSE(s.daily_summary_at);
  EXPECT_EQ(s.time_limit, seconds{45});
}

TEST_F(NotifyConfig, ReadsTheSettingsAndMergesMinimumDurationsOverTheDefault) {
  const std::vector<ConfigObject> destinations = {destination("slack", "s")};
  for (int minutes : {0, 1, 59, 60, 61, 719, 1380, 1439}) {
    const auto hh_mm = [](int m) {
      const std::string h = std::to_string(m / 60), n = std::to_string(m % 60);
      return (h.size() < 2 ? "0" + h : h) + ":" + (n.size() < 2 ? "0" + n : n);
    };
    const int to = (minutes + 481) % 1440;
    const std::string hhmm = hh_mm(minutes), later = hh_mm(to);
    const ConfigObject settings = {
        {"min_duration_s", "{\"hashrate_drop\": " + std::to_string(minutes * 7) + "}"},
        {"max_per_alert_per_hour", std::to_string(minutes % 100 + 1)},
        {"quiet_hours", "{\"from\": " + quoted(hhmm) + ", \"to\": " + quoted(later) + "}"},
        {"daily_summary_at", quoted(hhmm)},
        {"time_limit_s", std::to_string(minutes * 2 + 1)},
        {"summary_charts", std::to_string(minutes % 11)}};
    const NotifySettings s = parse(config_text({}, settings, &destinations).text);
    EXPECT_EQ(s.min_duration.at("worker_offline"), seconds{60});
    EXPECT_EQ(s.min_duration.at("hashrate_drop"), seconds{minutes * 7});
    EXPECT_EQ(s.max_per_alert_per_hour, minutes % 100 + 1);
    ASSERT_TRUE(s.quiet_hours);
    EXPECT_EQ(s.quiet_hours->from.minutes, minutes);
    EXPECT_EQ(s.quiet_hours->to.minutes, to);
    ASSERT_TRUE(s.daily_summary_at);
    EXPECT_EQ(s.daily_summary_at->minutes, minutes);
    EXPECT_EQ(s.time_limit, seconds{minutes * 2 + 1});
    EXPECT_EQ(s.summary_charts, minutes % 11);
  }
  EXPECT_EQ(parse(config_text({}, {}, &destinations).text).summary_charts, 3);
  const ConfigObject override_default = {{"min_duration_s", "{\"worker_offline\": 0}"}};
  EXPECT_EQ(parse(config_text({}, override_default, &destinations).text)
                .min_duration.at("worker_offline"),
            seconds{0});
}

TEST_F(NotifyConfig, ReadsRoutingAndTheForms) {
  std::vector<ConfigObject> destinations;
  const std::vector<std::string> chat_ids = {"7",
                                             "-100",
                                             "\"-1001234567890\"",
                                             "\"12\"",
                                             "\"@kz_alerts\"",
                                             "9007199254740993",
                                             "999999999999999999",
                                             "-999999999999999999"};
  for (size_t i = 0; i < chat_ids.size(); ++i) {
    auto d = with(destination("telegram", "tg." + std::to_string(i)), "chat_id", chat_ids[i]);
    d = with(with(d, "pools", "[\"KZPool_001\", \"antpool_001\"]"), "min_severity", "\"high\"");
    destinations.push_back(with(d, "alert_types", "[\"worker_offline\", \"scrape_failed\"]"));
  }
  destinations.push_back(
      with(without(destination("telegram", "env"), "token_file"), "token_env", "\"TG_TOKEN\""));
  destinations.push_back(
      with(destination("telegram", "own-api"), "api_url", "\"http://127.0.0.1:8081/tg/\""));
  destinations.push_back(with(destination("email", "one"), "to", "\"solo@example.com\""));
  destinations.push_back(without(without(destination("email", "anon"), "user"), "password_file"));
  destinations.push_back(without(destination("webhook", "unsigned"), "secret_file"));
  destinations.push_back(without(destination("ntfy", "open"), "token_file"));
  const NotifySettings s = parse(config_text({}, {}, &destinations).text);
  ASSERT_EQ(s.destinations.size(), destinations.size());
  for (size_t i = 0; i < chat_ids.size(); ++i) {
    const std::string raw = chat_ids[i];
    EXPECT_EQ(s.destinations[i].chat_id, raw[0] == '"' ? raw.substr(1, raw.size() - 2) : raw);
    EXPECT_EQ(s.destinations[i].routing.pools,
              (std::vector<std::string>{"KZPool_001", "antpool_001"}));
    EXPECT_EQ(s.destinations[i].routing.alert_types,
              (std::vector<std::string>{"worker_offline", "scrape_failed"}));
    EXPECT_EQ(s.destinations[i].routing.min_severity, "high");
  }
  size_t i = chat_ids.size();
  EXPECT_EQ(s.destinations[i++].secrets.token, "654321:envTokenPart");
  EXPECT_EQ(s.destinations[i++].api_url, "http://127.0.0.1:8081/tg");
  EXPECT_EQ(s.destinations[i++].to, std::vector<std::string>{"solo@example.com"});
  EXPECT_EQ(s.destinations[i].user, "");
  EXPECT_EQ(s.destinations[i++].secrets.password, "");
  EXPECT_EQ(s.destinations[i++].secrets.signing_secret, "");
  EXPECT_EQ(s.destinations[i++].secrets.token, "");
}

TEST_F(NotifyConfig, OtherTopLevelKeysOfThePoolsFileAreIgnored) {
  const std::vector<ConfigObject> destinations = {destination("discord", "d")};
  const ConfigObject top = {
      {"pools", "[{\"account_name\": \"KZPool_001\", \"observer_url\": \"http://x/1\"}]"},
      {"antpool", "{\"budget_calls\": 9999}"},
      {"anything", "[1, 2, {\"else\": null}]"}};
  EXPECT_EQ(parse(config_text(top, {}, &destinations).text).destinations.at(0).name, "d");
}

TEST_F(NotifyConfig, AFileWithoutANotifyObjectIsAUsageErrorNamingTheFile) {
  for (const std::string text :
       {"{}", "[]", "{\"pools\": []}", "[{\"notify\": {}}]", "{\"Notify\": {}}", "42"}) {
    EXPECT_EQ(error_of(text), "pools.json: no \"notify\" object (see the README, kznotify)")
        << text;
  }
}

TEST_F(NotifyConfig, LoadsAFileAndNamesItInErrors) {
  const std::vector<ConfigObject> destinations = {destination("ntfy", "phone")};
  const auto path = (dir_ / "notify.json").string();
  std::ofstream(path) << config_text({}, {}, &destinations).text;
  EXPECT_EQ(load_notify_config(path).destinations.at(0).topic, "kzpool-alerts");

  std::ofstream(path) << "{\"pools\": []}";
  try {
    load_notify_config(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(std::string(e.what()), path + ": no \"notify\" object (see the README, kznotify)");
  }
  const auto missing = (dir_ / "absent.json").string();
  try {
    load_notify_config(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_EQ(std::string(e.what()), "cannot read config file " + missing);
  }
}

TEST_F(NotifyConfig, LoadReadsTokenVariablesFromTheEnvironment) {
  const std::string variable = "KZ_NOTIFY_CONFIG_TEST_TOKEN_" + std::to_string(::getpid());
  ::setenv(variable.c_str(), "42:fromTheEnvironment", 1);
  const std::vector<ConfigObject> destinations = {
      with(without(destination("telegram", "t"), "token_file"), "token_env", quoted(variable))};
  const auto path = (dir_ / "notify.json").string();
  std::ofstream(path) << config_text({}, {}, &destinations).text;
  EXPECT_EQ(load_notify_config(path).destinations.at(0).secrets.token, "42:fromTheEnvironment");
  ::unsetenv(variable.c_str());
  try {
    load_notify_config(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(variable + " (token_env) is not set"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kz::test
