// No secret value (token, hook URL, signing secret, password) appears in any error of the
// "notify" config, whatever is wrong and wherever the secret was put by mistake.

#include <gtest/gtest.h>

#include "notify_config_fixture.hpp"

namespace kz::test {
namespace {

class NotifyConfigSecrets : public NotifyConfigTest {
 protected:
  // Every secret of these tests holds this word; no error may.
  static constexpr const char* mark = "S3CRET";

  std::string secret(const std::string& kind) {
    return std::string(mark) + "-" + kind + "-" + std::to_string(++count_);
  }
  // Destinations whose secrets (from files and from the environment) are all marked.
  std::vector<ConfigObject> marked_destinations() {
    env_["MARKED_TOKEN"] = "1234:" + secret("token");
    env_["MARKED_HOOK"] = "https://hooks.example.com/" + secret("hook");
    std::vector<ConfigObject> list;
    list.push_back(with(destination("telegram", "t1"), "token_file",
                        secret_file("t1", "1234:" + secret("token"))));
    list.push_back(with(without(destination("telegram", "t2"), "token_file"), "token_env",
                        "\"MARKED_TOKEN\""));
    list.push_back(with(destination("slack", "s"), "url_file",
                        secret_file("s", "https://hooks.slack.com/" + secret("hook"))));
    list.push_back(with(destination("discord", "d"), "url_env", "\"MARKED_HOOK\""));
    list.push_back(with(with(destination("webhook", "w"), "url_file",
                             secret_file("w", "http://127.0.0.1:1/h?k=" + secret("hook"))),
                        "secret_file", secret_file("ws", secret("signing"))));
    list.push_back(with(destination("ntfy", "n"), "token_file", secret_file("n", secret("ntfy"))));
    list.push_back(
        with(destination("email", "e"), "password_file", secret_file("e", secret("password"))));
    return list;
  }
  void expect_no_secret(const std::string& text) {
    const std::string error = error_of(text);
    EXPECT_NE(error, "no error") << text;
    EXPECT_EQ(error.find(mark), std::string::npos) << error;
    ++checked_;
  }
  int count_ = 0;
  int checked_ = 0;
};

TEST_F(NotifyConfigSecrets, NoSecretValueAppearsInAnyError) {
  // A mistake beside correctly given secrets, in every destination of the list.
  const std::vector<std::pair<std::string, std::string>> mistakes = {
      {"bogus", "1"},         {"name", "\"a b\""},        {"min_severity", "\"x\""},
      {"alert_types", "[1]"}, {"pools", "\"KZ\""},        {"type", "\"sms\""},
      {"name", "\"t1\""},     {"alert_types", "[\"x\"]"}, {"url_files", "\"x\""}};
  for (size_t at = 0; at < 7; ++at) {
    for (const auto& [key, value] : mistakes) {
      auto list = marked_destinations();
      if (key == "name" && value == "\"t1\"" && at == 0) continue;  // its own name
      list[at] = with(list[at], key, value);
      expect_no_secret(config_text({}, {}, &list).text);
    }
  }
  // Secrets that are wrong in themselves, from a file and from the environment.
  for (const std::string bad_url :
       {"ftp://x/", "hooks.slack.com/", "https:// x/", "https://x/ y"}) {
    const std::string url = bad_url + secret("hook");
    std::vector<ConfigObject> list = {
        with(destination("slack", "s"), "url_file", secret_file("bad", url))};
    expect_no_secret(config_text({}, {}, &list).text);
    env_["BAD_HOOK"] = url;
    list = {with(destination("discord", "d"), "url_env", "\"BAD_HOOK\"")};
    expect_no_secret(config_text({}, {}, &list).text);
  }
  for (const std::string bad : {"1:a/", "1:a b", "1:a?", "1:a\nb", "1:a@"}) {
    const std::vector<ConfigObject> list = {with(destination("telegram", "t"), "token_file",
                                                 secret_file("bad", bad + secret("token")))};
    expect_no_secret(config_text({}, {}, &list).text);
  }
  const std::vector<ConfigObject> ntfy = {
      with(destination("ntfy", "n"), "token_file", secret_file("bad", "tk " + secret("ntfy")))};
  expect_no_secret(config_text({}, {}, &ntfy).text);

  // A secret written into the config where a path or a variable's name belongs, or as a key.
  const std::vector<std::tuple<std::string, std::string, std::string>> misplaced = {
      {"telegram", "token_file", "1234:" + secret("token")},
      {"telegram", "token_env", "1234:" + secret("token")},
      {"telegram", "token_env", secret("token")},
      {"slack", "url_file", "https://hooks.slack.com/services/" + secret("hook")},
      {"discord", "url_env", "https://discord.com/api/webhooks/" + secret("hook")},
      {"webhook", "secret_file", secret("signing")},
      {"ntfy", "token_file", "tk_" + secret("ntfy")},
      {"email", "password_file", secret("password")},
      {"email", "smtp_url", "smtp://kz:" + secret("password") + "@127.0.0.1:25"},
      {"email", "smtp_url", "ftp://kz:" + secret("password") + "@127.0.0.1:25"},
      {"telegram", "api_url", "ftp://x/bot1234:" + secret("token") + "?t=" + secret("token")},
      {"telegram", "chat_id", "1234:" + secret("token")},
      {"telegram", "api_url", "https://api.telegram.org/bot1234:" + secret("token")},
      {"ntfy", "url", "gopher://" + secret("ntfy") + "@x/"},
  };
  for (const auto& [type, key, value] : misplaced) {
    ConfigObject d = destination(type, "x");
    if (key == "token_env") d = without(d, "token_file");
    if (key == "url_env") d = without(d, "url_file");
    const std::vector<ConfigObject> list = {with(d, key, quoted(value))};
    expect_no_secret(config_text({}, {}, &list).text);
  }
  EXPECT_GT(checked_, 80);
}

TEST_F(NotifyConfigSecrets, MarkedSecretsAreReadWhenNothingIsWrong) {
  const auto list = marked_destinations();
  const NotifySettings s = parse(config_text({}, {}, &list).text);
  ASSERT_EQ(s.destinations.size(), 7u);
  for (const Destination& d : s.destinations) {
    const DestinationSecrets& x = d.secrets;
    EXPECT_NE((x.token + x.hook_url + x.signing_secret + x.password).find(mark), std::string::npos)
        << d.name;
  }
  EXPECT_EQ(s.destinations[1].secrets.token, env_["MARKED_TOKEN"]);
  EXPECT_EQ(s.destinations[3].secrets.hook_url, env_["MARKED_HOOK"]);
}

}  // namespace
}  // namespace kz::test
