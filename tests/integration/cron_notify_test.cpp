// Issue 13: the cron wrapper's notify stage (NOTIFY_CONFIG), right after kzscrape, also after a
// failed scrape, with its own band 80 + N when only it failed, and its token passed by name.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "integration/cron_fixture.hpp"
#include "support/notify/telegram_server.hpp"

namespace kz::test {
namespace {

class CronNotify : public CronScript {
 protected:
  static constexpr const char* kToken = "5550001:cron-notify_TOKEN-secret";
  static constexpr const char* kChat = "4242";

  Settings notify_env() {
    Settings s = env(supabase().service_key());
    const std::string bins = std::filesystem::path(KZNOTIFY_PATH).parent_path().string();
    for (auto& [name, value] : s) {
      if (name == "PATH") value = bins + ":" + value;
    }
    const std::string config = (dir_ / "notify.json").string();
    std::ofstream(config) << nlohmann::json{{"notify",
                                             {{"destinations",
                                               {{{"name", "ops"},
                                                 {"type", "telegram"},
                                                 {"chat_id", kChat},
                                                 {"token_env", "KZ_TEST_TELEGRAM_TOKEN"},
                                                 {"api_url", telegram_.api_url()}}}}}}}
                                 .dump();
    set(s, "NOTIFY_CONFIG", config);
    set(s, "NOTIFY_ENV_PASS", "KZ_TEST_TELEGRAM_TOKEN");
    set(s, "KZ_TEST_TELEGRAM_TOKEN", kToken);
    return s;
  }

  TelegramServer telegram_{{kToken}};
};

TEST_F(CronNotify, AScrapeFailedAlertIsSentAfterFailedScrapes) {
  const Settings s = notify_env();
  ASSERT_EQ(cron_with(s).exit_code, 0) << log();
  EXPECT_NE(log().find("kznotify: ok"), std::string::npos) << log();
  server_.set("/observer", {Step::respond(502)});
  for (int run = 0; run < 3; ++run) EXPECT_EQ(cron_with(s).exit_code, 23) << log();
  const auto messages = telegram_.messages_to(kChat);
  ASSERT_FALSE(messages.empty()) << log();
  EXPECT_NE(messages.back().plain_text.find("KZPool_001"), std::string::npos);
  int scrape_failed = 0;
  for (const auto& m : messages) scrape_failed += m.plain_text.find("scrape") != std::string::npos;
  EXPECT_EQ(scrape_failed, 1) << "opened once, sent once";
  EXPECT_EQ(log().find(kToken), std::string::npos);
}

TEST_F(CronNotify, OnlyTheNotifyStageFailingHasItsOwnBand) {
  telegram_.set_chat_not_found(kChat);
  const auto run = cron_with(notify_env());
  EXPECT_EQ(run.exit_code, 93) << log();  // 80 + kznotify's notify_refused
  EXPECT_NE(log().find("kznotify: failed with exit code 13"), std::string::npos) << log();
  EXPECT_NE(log().find("chat not found"), std::string::npos) << log();
  EXPECT_NE(log().find("kzupload: ok"), std::string::npos) << "the upload still ran";
  EXPECT_EQ(log().find(kToken), std::string::npos);
}

TEST_F(CronNotify, WithoutTheTokenVariablePassedTheStageSaysWhich) {
  Settings s = notify_env();
  set(s, "NOTIFY_ENV_PASS", "");
  EXPECT_EQ(cron_with(s).exit_code, 82) << log();  // 80 + usage
  EXPECT_NE(log().find("KZ_TEST_TELEGRAM_TOKEN"), std::string::npos) << log();
  EXPECT_EQ(log().find(kToken), std::string::npos);
}

}  // namespace
}  // namespace kz::test
