// Bad values of the "notify" object: chat ids, URLs, addresses, times, numbers and secrets,
// each at the line:column the test recorded while writing the text.

#include <gtest/gtest.h>

#include "notify_config_fixture.hpp"

namespace kz::test {
namespace {

class NotifyConfigValues : public NotifyConfigTest {
 protected:
  void expect_field_error(const ConfigObject& destination, const std::string& key,
                          const std::string& message, size_t offset = 0) {
    const std::vector<ConfigObject> list = {destination};
    expect_error(config_text({}, {}, &list), "d0/" + key, message, offset);
  }
  void expect_setting_error(const std::string& key, const std::string& value,
                            const std::string& message, size_t offset = 0) {
    const std::vector<ConfigObject> list = {destination("slack", "s")};
    expect_error(config_text({}, {{key, value}}, &list), "notify/" + key, message, offset);
  }
};

TEST_F(NotifyConfigValues, ChatIdsMustBeNonZeroWholeNumbersOrChannelNames) {
  for (const std::string bad : {"true",
                                "1.5",
                                "0",
                                "-0",
                                "1e3",
                                "null",
                                "[]",
                                "{}",
                                "\"\"",
                                "\"0\"",
                                "\"0123\"",
                                "\"- 5\"",
                                "\"12a\"",
                                "\"@abc\"",
                                "\"@1abcde\"",
                                "\"@with space\"",
                                "\"@has-dash\"",
                                "\"channelname\"",
                                "18446744073709551615",
                                "1000000000000000000",
                                "-1000000000000000000",
                                "-9223372036854775808",
                                "\"1234567890123456789\""}) {
    expect_field_error(with(destination("telegram", "t"), "chat_id", bad), "chat_id",
                       "'chat_id' must be a chat id (a whole number such as -1001234567890) or "
                       "\"@channelname\"");
  }
}

TEST_F(NotifyConfigValues, UrlsMustBeHttpOrHttpsAndAreNotShownInErrors) {
  for (const std::string url :
       {"ftp://host/x", "api.telegram.org", "http://", "https:///path", "https://host/a b",
        "file:///etc/passwd", "HTTP//host", "gopher://user:pw@host/?token=abc"}) {
    expect_field_error(with(destination("telegram", "t"), "api_url", quoted(url)), "api_url",
                       "'api_url' is not an http(s):// URL");
    expect_field_error(with(destination("ntfy", "n"), "url", quoted(url)), "url",
                       "'url' is not an http(s):// URL");
  }
  for (const std::string url : {"https://api.telegram.org/bot", "http://127.0.0.1:1/bot12:ab/"}) {
    expect_field_error(with(destination("telegram", "t"), "api_url", quoted(url)), "api_url",
                       "'api_url' is the Bot API server only (such as https://api.telegram.org): "
                       "the token goes in 'token_file' or 'token_env'");
  }
  for (const std::string url : {"http://h:25", "smtp://", "smtps//h", "smtp:/h", "smtp://h x"}) {
    expect_field_error(with(destination("email", "e"), "smtp_url", quoted(url)), "smtp_url",
                       "'smtp_url' is not an smtp:// or smtps:// URL");
  }
  expect_field_error(with(destination("email", "e"), "smtp_url", "\"smtp://u:pw@h:25\""),
                     "smtp_url",
                     "'smtp_url' must not hold a user or password: give 'user' and "
                     "'password_file'");
}

TEST_F(NotifyConfigValues, TopicsAndAddressesAreChecked) {
  for (const std::string& topic :
       std::vector<std::string>{"has space", "a/b", "a.b", "ü", std::string(65, 'x')}) {
    expect_field_error(with(destination("ntfy", "n"), "topic", quoted(topic)), "topic",
                       "'topic' must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
  }
  for (const std::string address :
       {"nobody", "a@b@c", "Ops <ops@x.kz>", "@x.kz", "x@", "a b@x.kz", "a,b@x.kz"}) {
    expect_field_error(with(destination("email", "e"), "from", quoted(address)), "from",
                       "'" + address + "' is not an e-mail address like a@example.com");
    expect_field_error(with(destination("email", "e"), "to", quoted(address)), "to",
                       "'" + address + "' is not an e-mail address like a@example.com");
    const std::string list = "[\"ok@x.kz\", " + quoted(address) + "]";
    expect_field_error(with(destination("email", "e"), "to", list), "to",
                       "each entry of 'to' must be an e-mail address like a@example.com",
                       list.find(", ") + 2);
  }
  for (const std::string to : {"42", "[]", "{}", "null"}) {
    expect_field_error(with(destination("email", "e"), "to", to), "to",
                       "'to' must be an e-mail address or a list of them");
  }
  expect_field_error(without(destination("email", "e"), "password_file"), "user",
                     "'user' needs 'password_file' beside it");
  expect_field_error(without(destination("email", "e"), "user"), "password_file",
                     "'password_file' needs 'user' beside it");
}

TEST_F(NotifyConfigValues, TimesMustBeHhMm) {
  for (const std::string time : {"24:00", "7:00", "07:60", "0700", "07:00 ", " 07:00", "7:5",
                                 "07-00", "-1:00", "23:5a", "12:00:00", "99:99"}) {
    const std::string message = "'" + time + "' is not a local time \"HH:MM\" (00:00 to 23:59)";
    expect_setting_error("daily_summary_at", quoted(time), message);
    const std::string from = "{\"from\": " + quoted(time) + ", \"to\": \"07:00\"}";
    expect_setting_error("quiet_hours", from, message, from.find(": ") + 2);
    const std::string to = "{\"from\": \"22:00\", \"to\": " + quoted(time) + "}";
    expect_setting_error("quiet_hours", to, message, to.rfind(": ") + 2);
  }
  expect_setting_error("daily_summary_at", "700", "'daily_summary_at' must be a string");
  expect_setting_error("quiet_hours", "\"22:00-07:00\"",
                       "'quiet_hours' must be {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}");
  expect_setting_error("quiet_hours", "{\"from\": \"22:00\"}", "missing 'to' in 'quiet_hours'");
  expect_setting_error("quiet_hours", "{\"to\": \"22:00\"}", "missing 'from' in 'quiet_hours'");
  const std::string same = "{\"from\": \"22:00\", \"to\": \"22:00\"}";
  expect_setting_error("quiet_hours", same,
                       "'quiet_hours' ends when it starts: give two different times",
                       same.rfind(": ") + 2);
}

TEST_F(NotifyConfigValues, NumbersMustBeWholeAndInRange) {
  const std::vector<std::tuple<std::string, int, int>> ranges = {
      {"max_per_alert_per_hour", 1, 100}, {"time_limit_s", 1, 3600}, {"summary_charts", 0, 10}};
  for (const auto& [key, min, max] : ranges) {
    const std::string range =
        "'" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max);
    for (int bad : {min - 1, max + 1, -5, 1000000}) {
      expect_setting_error(key, std::to_string(bad), range);
    }
    for (const std::string bad : {"2.5", "\"4\"", "true", "null"}) {
      expect_setting_error(key, bad, "'" + key + "' must be a whole number");
    }
  }
  for (const std::string bad : {"-1", "604801"}) {
    const std::string raw = "{\"scrape_failed\": " + bad + "}";
    expect_setting_error("min_duration_s", raw, "'scrape_failed' must be between 0 and 604800",
                         raw.find(": ") + 2);
  }
  for (const std::string bad : {"1.5", "\"60\""}) {
    const std::string raw = "{\"worker_offline\": " + bad + "}";
    expect_setting_error("min_duration_s", raw, "'worker_offline' must be a whole number",
                         raw.find(": ") + 2);
  }
  expect_setting_error("min_duration_s", "[60]",
                       "'min_duration_s' must be an object of alert type -> seconds");
}

TEST_F(NotifyConfigValues, SecretsComeFromExactlyOneReadableSource) {
  const auto tg = [&] { return without(destination("telegram", "t"), "token_file"); };
  expect_field_error(with(destination("telegram", "t"), "token_env", "\"TG_TOKEN\""), "token_env",
                     "destination 1 has both 'token_file' and 'token_env': give one");
  expect_field_error(with(destination("discord", "d"), "url_file", slack_url_), "url_env",
                     "destination 1 has both 'url_file' and 'url_env': give one");
  for (const std::string name : {"1ABC", "A-B", "A B", "$TOKEN", "TOKEN="}) {
    expect_field_error(with(tg(), "token_env", quoted(name)), "token_env",
                       "'token_env' must name an environment variable (letters, digits, _)");
  }
  expect_field_error(
      with(tg(), "token_env", "\"KZ_UNSET_VAR\""), "token_env",
      "the environment variable KZ_UNSET_VAR (token_env) is not set (under the cron wrapper, "
      "name it in NOTIFY_ENV_PASS)");
  for (const std::string blank : {"", " ", "\n\t"}) {
    env_["KZ_BLANK"] = blank;
    expect_field_error(with(tg(), "token_env", "\"KZ_BLANK\""), "token_env",
                       "the environment variable KZ_BLANK (token_env) is empty");
  }
  const std::string missing = quoted((dir_ / "absent").string());
  expect_field_error(with(tg(), "token_file", missing), "token_file",
                     "cannot read the file given to 'token_file' (No such file or directory); it "
                     "takes the path of a file holding the key, not the key");
  expect_field_error(with(destination("webhook", "w"), "secret_file", secret_file("e", " \n")),
                     "secret_file", "the file given to 'secret_file' is empty");
  for (const auto mode : {0644, 0640, 0604, 0660, 0700 | 0004, 0620}) {
    const std::string file = secret_file("shared", "1234:abc");
    std::filesystem::permissions(dir_ / "shared", static_cast<std::filesystem::perms>(mode));
    expect_field_error(with(tg(), "token_file", file), "token_file",
                       "the file given to 'token_file' is open to group or others: chmod 600 it");
  }
  for (const auto mode : {0600, 0400, 0700}) {
    const std::string file = secret_file("private", "1234:abc");
    std::filesystem::permissions(dir_ / "private", static_cast<std::filesystem::perms>(mode));
    const std::vector<ConfigObject> list = {with(tg(), "token_file", file)};
    EXPECT_EQ(parse(config_text({}, {}, &list).text).destinations.at(0).secrets.token, "1234:abc");
  }
  if (::geteuid() == 0) {  // only root can give a file away
    const std::string file = secret_file("foreign", "1234:abc");
    ASSERT_EQ(::chown((dir_ / "foreign").c_str(), 4321, 4321), 0);
    expect_field_error(with(tg(), "token_file", file), "token_file",
                       "the file given to 'token_file' belongs to uid 4321, not to the user "
                       "running kznotify (uid 0)");
  }
  for (const std::string url : {"ftp://x/y", "hooks.slack.com/services/x", "https:// x"}) {
    expect_field_error(with(destination("slack", "s"), "url_file", secret_file("u", url)),
                       "url_file", "the URL in url_file is not an http(s):// URL");
    env_["BAD_HOOK"] = url;
    expect_field_error(with(destination("discord", "d"), "url_env", "\"BAD_HOOK\""), "url_env",
                       "the URL in $BAD_HOOK is not an http(s):// URL");
  }
  for (const std::string token : {"12:ab/cd", "12:ab?x", "12 ab", "12:ab\ncd", "a#b", "a%2f"}) {
    expect_field_error(with(tg(), "token_file", secret_file("t", token)), "token_file",
                       "the token in token_file is not a bot token (it holds white space or one "
                       "of / ? # % @)");
  }
  expect_field_error(with(destination("ntfy", "n"), "token_file", secret_file("t", "tk a")),
                     "token_file", "the token in token_file holds white space");
}

}  // namespace
}  // namespace kz::test
