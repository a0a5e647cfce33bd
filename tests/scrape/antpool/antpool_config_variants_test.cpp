#include <gtest/gtest.h>

#include <random>

#include "antpool_config_doc.hpp"
#include "common/pool_config.hpp"
#include "scrape/antpool/antpool_config.hpp"
#include "scrape/antpool/tier_schedule.hpp"

namespace kz {
namespace {

using test::DocRenderer;
using test::json_text;
using test::JsonObject;
using test::PoolsDoc;

// What a generated Antpool pool should read back as.
struct ExpectedAntpool {
  std::string account_name, user_id, sub_account, file, key_env, secret_env;
};

struct Generated {
  PoolsDoc doc;
  AntpoolSettings settings;
  std::vector<std::optional<ExpectedAntpool>> pools;  // nullopt: a btcpool pool
};

int pick(std::mt19937& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

std::string two_digits(int value) {
  return (value < 10 ? "0" : "") + std::to_string(value);
}

Generated generate(unsigned seed) {
  std::mt19937 rng(seed);
  Generated g;
  if (pick(rng, 0, 3) != 0) {
    JsonObject settings;
    // Each key present or not; the defaults stay where it is not.
    if (pick(rng, 0, 1)) {
      const bool slash = pick(rng, 0, 1);
      const std::string url = "http://127.0.0.1:" + std::to_string(pick(rng, 1024, 65535)) + "/api";
      settings.set("url", json_text(url + (slash ? "/" : "")));
      g.settings.url = url + "/";
    }
    if (pick(rng, 0, 1)) {
      g.settings.budget_calls = pick(rng, 1, 550);
      settings.set("budget_calls", std::to_string(g.settings.budget_calls));
    }
    if (pick(rng, 0, 1)) {
      const int window = pick(rng, 60, 86400);
      g.settings.budget_window = std::chrono::seconds(window);
      settings.set("budget_window_s", std::to_string(window));
    }
    if (pick(rng, 0, 1)) {
      const int minutes = pick(rng, 1, 10080);
      g.settings.workers_interval = std::chrono::minutes(minutes);
      settings.set("workers_interval_min", std::to_string(minutes));
    }
    if (pick(rng, 0, 1)) {
      const int minutes = pick(rng, 1, 10080);
      g.settings.offline_interval = std::chrono::minutes(minutes);
      settings.set("offline_interval_min", std::to_string(minutes));
    }
    if (pick(rng, 0, 1)) {
      g.settings.daily_after = two_digits(pick(rng, 0, 23)) + ":" + two_digits(pick(rng, 0, 59));
      settings.set("daily_after", json_text(g.settings.daily_after));
    }
    if (pick(rng, 0, 1)) {
      g.settings.worker_page_size = pick(rng, 1, 500);
      settings.set("worker_page_size", std::to_string(g.settings.worker_page_size));
    }
    if (pick(rng, 0, 1)) {
      g.settings.payment_page_size = pick(rng, 1, 500);
      settings.set("payment_page_size", std::to_string(g.settings.payment_page_size));
    }
    if (pick(rng, 0, 1)) {
      g.settings.call_log_retain_days = pick(rng, 1, 3650);
      settings.set("call_log_retain_days", std::to_string(g.settings.call_log_retain_days));
    }
    std::shuffle(settings.entries.begin(), settings.entries.end(), rng);
    g.doc.antpool = settings;
  }
  const int count = pick(rng, 1, 8);
  for (int i = 0; i < count; ++i) {
    JsonObject pool;
    if (pick(rng, 0, 2) == 0) {
      pool.set("account_name", json_text("KZPool_" + std::to_string(i)));
      pool.set("observer_url", json_text("https://btcpool.kz/observer-link/" + std::to_string(i)));
      if (pick(rng, 0, 1)) pool.set("source", json_text("btcpool"));
      g.pools.push_back(std::nullopt);
    } else {
      ExpectedAntpool a;
      a.account_name = "antpool_" + two_digits(i);
      a.user_id = "owner" + std::to_string(pick(rng, 0, 2));
      // Two pools of one owner differ by their sub-account.
      a.sub_account = pick(rng, 0, 3) ? "sub" + std::to_string(i) : "";
      if (a.sub_account.empty()) a.user_id = "solo" + std::to_string(i);
      pool.set("account_name", json_text(a.account_name));
      pool.set("source", json_text("antpool"));
      pool.set("user_id", json_text(a.user_id));
      if (!a.sub_account.empty()) pool.set("sub_account", json_text(a.sub_account));
      if (pick(rng, 0, 1)) {
        a.file = "/etc/kzpool/" + a.account_name + ".json";
        pool.set("credentials_file", json_text(a.file));
      } else {
        a.key_env = "AP_KEY_" + std::to_string(i);
        a.secret_env = "AP_SECRET_" + std::to_string(i);
        pool.set("key_env", json_text(a.key_env));
        pool.set("secret_env", json_text(a.secret_env));
      }
      if (pick(rng, 0, 1)) pool.set("client", json_text("Client " + std::to_string(i)));
      g.pools.push_back(a);
    }
    std::shuffle(pool.entries.begin(), pool.entries.end(), rng);
    g.doc.pools.push_back(pool);
  }
  return g;
}

TEST(AntpoolConfigVariants, GeneratedFilesReadBackAsWritten) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    const Generated g = generate(seed);
    const std::string text = DocRenderer(seed).render(g.doc).text;
    SCOPED_TRACE(text);
    const ScrapeConfig config = parse_scrape_config(text, "pools.json");
    const AntpoolSettings& s = config.antpool;
    EXPECT_EQ(s.url, g.settings.url);
    EXPECT_EQ(s.budget_calls, g.settings.budget_calls);
    EXPECT_EQ(s.budget_window, g.settings.budget_window);
    EXPECT_EQ(s.workers_interval, g.settings.workers_interval);
    EXPECT_EQ(s.offline_interval, g.settings.offline_interval);
    EXPECT_EQ(s.daily_after, g.settings.daily_after);
    EXPECT_EQ(s.worker_page_size, g.settings.worker_page_size);
    EXPECT_EQ(s.payment_page_size, g.settings.payment_page_size);
    EXPECT_EQ(s.call_log_retain_days, g.settings.call_log_retain_days);
    EXPECT_TRUE(config.warnings.empty());
    ASSERT_EQ(config.pools.size(), g.pools.size());
    // kzupload reads the same file without the settings and must see the same pools.
    const auto plain = parse_pool_config(text, "pools.json");
    ASSERT_EQ(plain.size(), g.pools.size());
    for (size_t i = 0; i < g.pools.size(); ++i) {
      const PoolConfig& pool = config.pools[i];
      EXPECT_EQ(plain[i].observer_url, pool.observer_url);
      if (!g.pools[i]) {
        EXPECT_EQ(pool.source, "btcpool");
        EXPECT_FALSE(pool.antpool);
        continue;
      }
      const ExpectedAntpool& a = *g.pools[i];
      EXPECT_EQ(pool.source, "antpool");
      EXPECT_EQ(pool.account_name, a.account_name);
      ASSERT_TRUE(pool.antpool);
      EXPECT_EQ(pool.antpool->user_id, a.user_id);
      EXPECT_EQ(pool.antpool->sub_account.value_or(""), a.sub_account);
      EXPECT_EQ(pool.antpool->credentials_file, a.file);
      EXPECT_EQ(pool.antpool->key_env, a.key_env);
      EXPECT_EQ(pool.antpool->secret_env, a.secret_env);
      AntpoolAccount account;
      account.account_name = a.account_name;
      account.user_id = a.user_id;
      if (!a.sub_account.empty()) account.sub_account = a.sub_account;
      EXPECT_EQ(pool.observer_url, account.identity());
    }
  }
}

TEST(AntpoolConfigVariants, AbsentSettingsKeepTheDefaults) {
  PoolsDoc doc;
  doc.pools.push_back(JsonObject{{{"account_name", json_text("a")},
                                  {"source", json_text("antpool")},
                                  {"user_id", json_text("u")},
                                  {"key_env", json_text("K")},
                                  {"secret_env", json_text("S")}}});
  for (bool empty_object : {false, true}) {
    if (empty_object) doc.antpool = JsonObject{};
    const ScrapeConfig config = parse_scrape_config(DocRenderer(3).render(doc).text, "p");
    const AntpoolSettings defaults;
    EXPECT_EQ(config.antpool.url, "https://antpool.com/api/");
    EXPECT_EQ(config.antpool.budget_calls, defaults.budget_calls);
    EXPECT_EQ(config.antpool.budget_window, defaults.budget_window);
    EXPECT_EQ(config.antpool.daily_after, defaults.daily_after);
    EXPECT_EQ(config.pools.at(0).observer_url, "antpool://a");
  }
}

TEST(AntpoolConfigVariants, DailyAfterAcceptsEveryMinuteOfTheDay) {
  for (int minute = 0; minute < 24 * 60; ++minute) {
    const std::string text = two_digits(minute / 60) + ":" + two_digits(minute % 60);
    EXPECT_EQ(parse_daily_after(text), std::chrono::minutes{minute}) << text;
  }
  for (const char* bad : {"", "24:00", "23:60", "1:00", "01:5", "01-00", "01:00 ", "+1:00"}) {
    EXPECT_FALSE(parse_daily_after(bad)) << bad;
  }
}

}  // namespace
}  // namespace kz
