#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "integration/kzscrape_fixture.hpp"
#include "support/pool_api_server.hpp"

namespace kz::test {
namespace {

const std::string kKey = "kz-api-key-7f3a9c1e55";

// The UTC date `back` days ago: kzscrape asks for the last 30 days by the real clock.
std::string days_ago(int back) {
  using namespace std::chrono;
  return format_utc(floor<days>(system_clock::now()) - days{back}).substr(0, 10);
}

// The real kzscrape with --source api against a local API.
class KzscrapeApi : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    key_file_ = (dir_ / "api.key").string();
    std::ofstream(key_file_) << kKey << "\n";
    std::vector<nlohmann::json> workers;
    for (int i = 0; i < 230; ++i) {
      workers.push_back(api_worker(i + 1, "kz" + std::to_string(i), i >= 12, "110000000000000",
                                   1'795'000'000, i % 2 ? "0.00250000" : "0.00000000"));
    }
    api_.set_rows("workers", workers);
    api_.set_summary(api_summary(218, 12, "25300000000000000", "25000000000000000", "0.0123"));
    api_.set_rows("profit_history",
                  {api_profit_day(days_ago(2), "0.001", "0.0002", "0.0012", "25000000000000000"),
                   api_profit_day(days_ago(1), "0.002", "0.0003", "0.0023", "25100000000000000"),
                   api_profit_day(days_ago(45), "0.1", "0", "0.1", "25100000000000000")});
    api_.set_rows("payment_history",
                  {api_payment("p-1", "0.01000000", "bc1qpayout", "ab12cd", 1'795'000'000)});
  }

  // kzscrape --source api ... --db <cache> plus `extra`, the key from the file.
  ProcessResult scrape_api(std::vector<std::string> extra = {},
                           std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<std::string> args = {"--source",  "api",    "--api-url",   api_.url(),
                                     "--db",      db_,      "--retries",   "1",
                                     "--account", "KZ_API", "--log-level", "debug"};
    if (env.empty()) args.insert(args.end(), {"--api-key-file", key_file_});
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args, env);
  }
  // Fails the test when the key shows up in the run's output or in the cache files.
  void expect_key_hidden(const ProcessResult& run) {
    EXPECT_EQ(run.out.find(kKey), std::string::npos) << run.out;
    EXPECT_EQ(run.err.find(kKey), std::string::npos) << run.err;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(db_ + suffix, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), {});
      EXPECT_EQ(bytes.find(kKey), std::string::npos) << suffix;
    }
  }
  // Every call of `method` answers `reply`.
  void answer(const std::string& method, ApiReply reply) {
    api_.set_override([=](const ApiCall& call) -> std::optional<ApiReply> {
      if (call.method == method) return reply;
      return std::nullopt;
    });
  }

  PoolApiServer api_{kKey};
  std::string key_file_;
};

TEST_F(KzscrapeApi, StoresTheApiDataWithoutEverShowingTheKey) {
  const auto run = scrape_api();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(api_.call_count("workers"), 3);  // 230 workers in pages of 100
  EXPECT_EQ(text("SELECT observer_url FROM pool"), api_.url() + "#KZ_API");
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 230);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE status = 'offline'"), 12);
  EXPECT_EQ(text("SELECT hashrate_current_ths FROM v_latest_summary"), "25300.0");
  EXPECT_EQ(text("SELECT balance_btc FROM v_latest_summary"), "0.0123");
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample WHERE reject_rate = 0.0025"), 115);
  EXPECT_EQ(text("SELECT DISTINCT last_share_at FROM v_latest_workers"), "2026-11-18T11:06:40Z");
  EXPECT_EQ(text("SELECT pps_sat || '+' || pplns_sat || '=' || total_income_sat FROM income_day"
                 " WHERE date = '" +
                 days_ago(1) + "'"),
            "200000+30000=230000");
  EXPECT_EQ(count("SELECT count(*) FROM income_day"), 2);  // the last 30 days only
  EXPECT_EQ(count("SELECT last_income_sat FROM snapshot"), 230000);
  EXPECT_EQ(text("SELECT paid_at || ' ' || amount_btc || ' ' || address || ' ' || tx"
                 " FROM v_payments"),
            "2026-11-18T11:06:40Z 0.01 bc1qpayout ab12cd");
  // The alerts work on API data: 12 of 230 offline opens offline_workers.
  EXPECT_EQ(count("SELECT count(*) FROM v_open_alerts WHERE alert_type = 'offline_workers'"), 1);
  expect_key_hidden(run);
}

// Issue 9, kind 7: values sent as bare JSON numbers, with exponents and float noise, are
// stored exactly as their text says (this once exited 4 on the first exponent).
TEST_F(KzscrapeApi, StoresNumbersSentAsJsonNumbersExactly) {
  std::vector<nlohmann::json> workers;
  for (int i = 0; i < 4; ++i) {
    nlohmann::json worker = api_worker(i + 1, "n" + std::to_string(i), true, "0", 0, "0");
    worker["worker_id"] = api_number(std::to_string(i + 1));
    worker["hashrate_10min"] = api_number(std::to_string(11 + i) + "E+13");
    worker["hashrate_1hour"] = api_number("1.1e14");
    worker["hashrate_24hour"] = api_number("110000000000000");
    worker["last_active"] = api_number("1.795e9");
    worker["reject_rate"] = api_number("2.5e-03");
    workers.push_back(worker);
  }
  api_.set_rows("workers", workers);
  nlohmann::json summary = api_summary(0, 0, "0", "0", "0");
  summary["active_workers"] = api_number("4");
  summary["unactive_workers"] = api_number("0");
  summary["hashrate_10min"] = api_number("3.8384e+16");
  summary["hashrate_24hour"] = api_number("3.8e16");
  summary["balance"] = api_number("4.941e-05");
  api_.set_summary(summary);
  nlohmann::json day = api_profit_day(days_ago(1), "0", "0", "0", "0");
  day["pps_profit"] = api_number("0.1");
  day["pplns_profit"] = api_number("0.2");
  day["total_profit"] = api_number("0.30000000000000004");
  day["hashrate"] = api_number("3.8e+16");
  api_.set_rows("profit_history", {day});
  nlohmann::json payment = api_payment("p-1", "0", "bc1qpayout", "ab12cd", 0);
  payment["amount"] = api_number("1E-2");
  payment["created_time"] = api_number("1795000000");
  api_.set_rows("payment_history", {payment});

  const auto run = scrape_api();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(text("SELECT hashrate_current_ghs FROM snapshot"), "38384000.0");
  EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 4941);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 4);
  EXPECT_EQ(text("SELECT group_concat(hashrate_10m_ghs, ' ') FROM (SELECT hashrate_10m_ghs"
                 " FROM worker_sample ORDER BY hashrate_10m_ghs)"),
            "110000.0 120000.0 130000.0 140000.0");
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample WHERE reject_rate = 0.0025"), 4);
  EXPECT_EQ(text("SELECT DISTINCT last_share_at FROM v_latest_workers"), "2026-11-18T11:06:40Z");
  EXPECT_EQ(text("SELECT pps_sat || '+' || pplns_sat || '=' || total_income_sat FROM income_day"),
            "10000000+20000000=30000000");
  EXPECT_EQ(text("SELECT paid_at || ' ' || amount_btc FROM v_payments"),
            "2026-11-18T11:06:40Z 0.01");
}

TEST_F(KzscrapeApi, TakesTheKeyFromTheEnvironmentAndKeepsTheObserverUrlAsThePool) {
  const auto run =
      scrape_api({"--url", "https://btcpool.kz/observer/xyz"}, {{"KZPOOL_API_KEY", kKey}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(text("SELECT observer_url FROM pool"), "https://btcpool.kz/observer/xyz");
  EXPECT_EQ(api_.calls().front().key, kKey);
  expect_key_hidden(run);
}

TEST_F(KzscrapeApi, AKzConfigInTheEnvironmentDoesNotCaptureAnApiRun) {
  // Cron hosts often export KZ_CONFIG for their page pools; --source api --account is explicit.
  const auto run = scrape_api(
      {}, {{"KZPOOL_API_KEY", kKey}, {"KZ_CONFIG", (dir_ / "no-such-pools.json").string()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(text("SELECT account_name FROM pool"), "KZ_API");
}

TEST_F(KzscrapeApi, DryRunPrintsTheApiDataAndWritesNothing) {
  const auto run = scrape_api({"--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["workers"].size(), 230u);
  EXPECT_EQ(json["payments"][0]["tx"], "ab12cd");
  EXPECT_EQ(json["earnings"][0]["pplns_sat"], 30000);
  EXPECT_FALSE(std::filesystem::exists(db_));
  expect_key_hidden(run);
}

TEST_F(KzscrapeApi, ARejectedKeyExits10) {
  std::ofstream(key_file_) << "not-the-right-key\n";
  const auto run = scrape_api();
  EXPECT_EQ(run.exit_code, 10);
  EXPECT_NE(run.err.find("refused the API key (HTTP 401: Unauthorized)"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("not-the-right-key"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 10");
}

TEST_F(KzscrapeApi, AnErrorStatusExits11WithTheApisMessage) {
  answer("profit_history", {200, R"({"status":"ERROR","message":"Date range too long"})"});
  const auto run = scrape_api();
  EXPECT_EQ(run.exit_code, 11);
  EXPECT_NE(run.err.find("Date range too long"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM worker"), 0);
  expect_key_hidden(run);
}

TEST_F(KzscrapeApi, MalformedJsonExits4) {
  answer("workers", {200, "{\"status\":\"OK\",\"data\":[{"});
  const auto run = scrape_api();
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_NE(run.err.find("the API answered something unexpected"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
}

TEST_F(KzscrapeApi, InconsistentPagesExit12) {
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "workers" || call.query.at("offset") != "100") return std::nullopt;
    return ApiReply{200, api_ok(api_page({}, 100, 100, 231))};
  });
  const auto run = scrape_api();
  EXPECT_EQ(run.exit_code, 12);
  EXPECT_NE(run.err.find("the total changed from 230 to 231"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM payment"), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 12");
}

TEST_F(KzscrapeApi, MissingKeyOrPoolIsAUsageError) {
  const auto no_key = kzscrape({"--source", "api", "--account", "A", "--db", db_});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("KZPOOL_API_KEY"), std::string::npos) << no_key.err;
  const auto no_pool = kzscrape({"--source", "api", "--db", db_}, {{"KZPOOL_API_KEY", kKey}});
  EXPECT_EQ(no_pool.exit_code, 2);
  EXPECT_NE(no_pool.err.find("--account"), std::string::npos) << no_pool.err;
  const auto bad_source = kzscrape({"--source", "rss", "--account", "A", "--db", db_});
  EXPECT_EQ(bad_source.exit_code, 2);
  const auto no_file = kzscrape({"--source", "api", "--account", "A", "--db", db_, "--api-key-file",
                                 (dir_ / "missing.key").string()});
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_NE(no_file.err.find("cannot read the file given to --api-key-file"), std::string::npos) << no_file.err;
  const auto config = kzscrape({"--source", "api", "--config", (dir_ / "pools.json").string()},
                               {{"KZPOOL_API_KEY", kKey}});
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.err.find("not --config"), std::string::npos) << config.err;
  EXPECT_EQ(api_.calls().size(), 0u);
}

}  // namespace
}  // namespace kz::test
