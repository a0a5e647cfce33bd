#pragma once

// A temporary folder for secret files, a private environment, and one valid destination of
// each type, for the notify_config tests.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "common/error.hpp"
#include "notify/notify_config.hpp"
#include "notify_config_text.hpp"

namespace kz::test {

class NotifyConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kz_notify_config_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    telegram_token_ = secret_file("telegram.token", "123456:AAE-telegram_Token\n");
    slack_url_ = secret_file("slack.url", "https://hooks.slack.com/services/T00/B00/slackpart\n");
    webhook_url_ = secret_file("webhook.url", "http://127.0.0.1:9/hook?key=webhookpart");
    webhook_secret_ = secret_file("webhook.secret", "  signing secret part  \n");
    ntfy_token_ = secret_file("ntfy.token", "tk_ntfytokenpart");
    smtp_password_ = secret_file("smtp.password", "smtp password part\n");
    env_["DISCORD_HOOK"] = "https://discord.com/api/webhooks/1/discordpart";
    env_["TG_TOKEN"] = "654321:envTokenPart";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `content` to a file of the temporary folder; its path as a JSON string literal.
  std::string secret_file(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::filesystem::remove(path);
    std::ofstream(path, std::ios::binary) << content;
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return quoted(path.string());
  }

  NotifySettings parse(const std::string& text) {
    return parse_notify_config(text, "pools.json", [this](const char* name) -> const char* {
      const auto found = env_.find(name);
      return found == env_.end() ? nullptr : found->second.c_str();
    });
  }

  // The kz::Error text of parsing `text` ("no error" when it parsed); also checks the code.
  std::string error_of(const std::string& text) {
    try {
      parse(text);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
      return e.what();
    }
    return "no error";
  }

  // Expects parsing `config` to fail with `message` at the place `config.at[place]` names,
  // `offset` columns further (an element inside a value written on one line).
  void expect_error(const ConfigText& config, const std::string& place, const std::string& message,
                    size_t offset = 0) {
    ASSERT_TRUE(config.at.contains(place)) << place;
    const std::string& at = config.at.at(place);
    const auto colon = at.find(':');
    const std::string where =
        at.substr(0, colon + 1) + std::to_string(std::stoul(at.substr(colon + 1)) + offset);
    EXPECT_EQ(error_of(config.text), "pools.json:" + where + ": " + message) << config.text;
  }

  // One valid destination of `type` named `name`, its fields in the order they are written.
  ConfigObject destination(const std::string& type, const std::string& name) const {
    ConfigObject d = {{"name", quoted(name)}, {"type", quoted(type)}};
    if (type == "telegram") {
      d.emplace_back("chat_id", "-1001234567890");
      d.emplace_back("token_file", telegram_token_);
    } else if (type == "slack") {
      d.emplace_back("url_file", slack_url_);
    } else if (type == "discord") {
      d.emplace_back("url_env", "\"DISCORD_HOOK\"");
    } else if (type == "webhook") {
      d.emplace_back("url_file", webhook_url_);
      d.emplace_back("secret_file", webhook_secret_);
    } else if (type == "ntfy") {
      d.emplace_back("url", "\"http://127.0.0.1:8080/\"");
      d.emplace_back("topic", "\"kzpool-alerts\"");
      d.emplace_back("token_file", ntfy_token_);
    } else if (type == "email") {
      d.emplace_back("smtp_url", "\"smtps://127.0.0.1:4650\"");
      d.emplace_back("from", "\"kzpool@example.com\"");
      d.emplace_back("to", "[\"ops@example.com\", \"night@example.kz\"]");
      d.emplace_back("user", "\"kzpool\"");
      d.emplace_back("password_file", smtp_password_);
    }
    return d;
  }

  static const std::vector<std::string>& types() {
    static const std::vector<std::string> all = {"telegram", "slack", "discord",
                                                 "webhook",  "ntfy",  "email"};
    return all;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
  std::string telegram_token_, slack_url_, webhook_url_, webhook_secret_, ntfy_token_,
      smtp_password_;
};

}  // namespace kz::test
