#pragma once

// Cron-like sequences of real kzscrape runs against a generated observer page, each followed by
// the real kznotify against a local Telegram Bot API (tests/support/notify/telegram_server.hpp).

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "integration/kzscrape_fixture.hpp"
#include "support/notify/telegram_server.hpp"
#include "support/page_generator.hpp"

namespace kz::test {

class KznotifyScenario : public KzscrapeTest {
 protected:
  static constexpr const char* kToken = "7001234567:AAE-scenario_Secret-token";
  static constexpr const char* kChat = "-100777";

  void SetUp() override {
    KzscrapeTest::SetUp();
    token_file_ = (dir_ / "telegram.token").string();
    std::ofstream(token_file_) << kToken << "\n";
    ::chmod(token_file_.c_str(), 0600);
    model_ = make_model(12, 7, 3);
    for (WorkerRow& w : model_.workers) set_online(w.name, true);
    notify_ = {{"destinations",
                {{{"name", "ops"},
                  {"type", "telegram"},
                  {"chat_id", kChat},
                  {"token_file", token_file_},
                  {"api_url", telegram_.api_url()}}}},
               {"min_duration_s", {{"worker_offline", 1}, {"offline_workers", 0}}}};
  }
  void set_online(const std::string& name, bool online) {
    int64_t on = 0;
    for (WorkerRow& w : model_.workers) {
      if (w.name == name) {
        w.status = online ? WorkerStatus::online : WorkerStatus::offline;
        const double rate = online ? 100e12 : 0;
        w.hashrate_10m_hs = w.hashrate_1h_hs = rate;
        if (online) w.hashrate_24h_hs = rate;
      }
      on += w.status == WorkerStatus::online;
    }
    model_.online_workers = on;
    model_.offline_workers = static_cast<int64_t>(model_.workers.size()) - on;
    model_.current_hashrate_hs = static_cast<double>(on) * 100e12;
  }
  std::string worker(size_t i) const { return model_.workers.at(i).name; }

  // One kzscrape run of the current model; returns its exit code.
  int scrape() {
    server_.set("/observer", {Step::ok(render_page(model_, Variant{}))});
    auto run = kzscrape({"--url", server_.url("/observer"), "--db", db_, "--account", "KZPool_001",
                         "--retries", "0"});
    outputs_ += run.out + run.err;
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.exit_code;
  }
  ProcessResult notify(std::vector<std::string> extra = {}) {
    const std::string config = (dir_ / "notify.json").string();
    std::ofstream(config) << nlohmann::json{{"notify", notify_}}.dump(2);
    std::vector<std::string> args = {KZNOTIFY_PATH, "--config", config, "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = run_process(args, {}, std::chrono::seconds(60));
    outputs_ += run.out + run.err;
    return run;
  }
  // The messages the chat received so far, as plain text.
  std::vector<std::string> received() {
    std::vector<std::string> texts;
    for (const auto& m : telegram_.messages_to(kChat)) texts.push_back(m.plain_text);
    return texts;
  }
  // How many received messages mention `text`.
  int mentions(const std::string& text) {
    int n = 0;
    for (const auto& m : received()) n += m.find(text) != std::string::npos;
    return n;
  }
  void exec(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  // Everything the programs printed, and the cache: the token appears nowhere.
  void expect_no_token() {
    EXPECT_EQ(outputs_.find(kToken), std::string::npos);
    std::ifstream in(db_, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find(kToken), std::string::npos);
  }

  std::string token_file_, outputs_;
  ObserverPage model_;
  TelegramServer telegram_{{kToken}};
  nlohmann::json notify_;
};

}  // namespace kz::test
