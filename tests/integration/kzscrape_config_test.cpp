#include <gtest/gtest.h>

#include <fstream>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

class KzscrapeConfig : public KzscrapeTest {
 protected:
  std::string write_config(const std::string& text) {
    const std::string path = (dir_ / "pools.json").string();
    std::ofstream(path) << text;
    return path;
  }
  std::string pools_json(int count) {
    std::string json = "{\"pools\": [\n";
    for (int i = 0; i < count; ++i) {
      json += std::string(i ? ",\n" : "") + "  {\"account_name\": \"KZPool_" + std::to_string(i) +
              "\", \"observer_url\": \"" + server_.url("/pool/" + std::to_string(i)) +
              "\", \"client\": \"Client " + std::to_string(i) + "\"}";
    }
    return json + "\n]}\n";
  }
};

TEST_F(KzscrapeConfig, ScrapesEveryPoolAndReportsAPartialFailure) {
  const std::string page = read_test_data("observer_en_60.html");
  for (int i = 0; i < 20; ++i) {
    const bool failing = i == 3 || i == 11 || i == 17;
    server_.set("/pool/" + std::to_string(i), {failing ? Step::respond(500) : Step::ok(page)});
  }
  const auto run =
      kzscrape({"--config", write_config(pools_json(20)), "--db", db_, "--retries", "0"});
  EXPECT_EQ(run.exit_code, 8) << run.err;
  EXPECT_NE(run.err.find("3 of 20 pools failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("KZPool_11: fetching"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM pool"), 20);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 17);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_summary"), 17);
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 17 * 60);
  EXPECT_EQ(text("SELECT group_concat(name) FROM (SELECT account_name AS name FROM pool p"
                 " JOIN scrape_run r ON r.pool_id = p.id WHERE r.outcome = 'failed'"
                 " ORDER BY account_name)"),
            "KZPool_11,KZPool_17,KZPool_3");
}

TEST_F(KzscrapeConfig, AllPoolsFailingHasItsOwnCode) {
  server_.set("/pool/0", {Step::respond(404)});
  server_.set("/pool/1", {Step::respond(404)});
  const auto run = kzscrape({"--config", write_config(pools_json(2)), "--db", db_});
  EXPECT_EQ(run.exit_code, 9) << run.err;
}

TEST_F(KzscrapeConfig, AccountSelectsOnePoolAndKeepsItsExitCode) {
  server_.set("/pool/1", {Step::ok(read_test_data("observer_shell.html"))});
  const auto run =
      kzscrape({"--config", write_config(pools_json(3)), "--db", db_, "--account", "KZPool_1"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_EQ(server_.request_count("/pool/0"), 0);
  EXPECT_EQ(server_.request_count("/pool/1"), 2) << "the fetch, then Chromium (--render auto)";
  EXPECT_NE(run.err.find("rendered by Chromium"), std::string::npos) << run.err;
}

TEST_F(KzscrapeConfig, AnInvalidConfigRunsNothingAndSaysWhere) {
  server_.set("/pool/0", {Step::ok(read_test_data("observer_en_60.html"))});
  std::string json = pools_json(2);
  json.replace(json.find("\"client\""), 8, "\"clinet\"");
  const auto run = kzscrape({"--config", write_config(json), "--db", db_});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("pools.json:2:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("unknown key 'clinet' in pool 1"), std::string::npos) << run.err;
  EXPECT_EQ(server_.request_count("/pool/0"), 0);
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(KzscrapeConfig, ConfigFromTheEnvironmentAndNotWithUrl) {
  server_.set("/pool/0", {Step::ok(read_test_data("observer_en_60.html"))});
  const std::string config = write_config(pools_json(1));
  const auto run = kzscrape({"--db", db_}, {{"KZ_CONFIG", config}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(text("SELECT account_name FROM v_latest_summary"), "KZPool_0");
  const auto both = kzscrape({"--db", db_, "--config", config, "--url", server_.url("/x")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace kz::test
