#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/kzscrape_fixture.hpp"
#include "support/antpool_server.hpp"

namespace kz::test {
namespace {

// The real kzscrape with Antpool accounts, against the fake Antpool (on the system clock).
class KzscrapeAntpool : public KzscrapeTest {
 protected:
  void SetUp() override {
    KzscrapeTest::SetUp();
    for (int i = 1; i <= 3; ++i) {
      antpool_.add_key({user(i), key(i), secret(i), {}});
      std::vector<AntpoolWorker> workers;
      for (int w = 0; w < 7 + i; ++w) {
        workers.push_back(
            antpool_worker(user(i) + ".rig" + std::to_string(w), 100e12 + w * 1e10, w != 2));
      }
      antpool_.set_workers(user(i), workers);
      antpool_.set_amounts(user(i), "0.01234567", "1.50000000", "0.00100000", "1.40000000");
    }
  }
  static std::string user(int i) { return "siteuser" + std::to_string(i); }
  static std::string key(int i) { return "APIKEY" + std::to_string(31337 + i) + "xyz"; }
  static std::string secret(int i) { return "APISECRET" + std::to_string(4242 + i) + "abc"; }

  std::string credentials_file(int i, mode_t mode = 0600) {
    const std::string path = (dir_ / ("antpool_" + std::to_string(i) + ".json")).string();
    std::ofstream(path) << "{\"key\": \"" << key(i) << "\", \"secret\": \"" << secret(i) << "\"}\n";
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string write_config(const std::string& text) {
    const std::string path = (dir_ / "pools.json").string();
    std::ofstream(path) << text;
    return path;
  }
  void expect_no_secret(const ProcessResult& run) {
    for (int i = 1; i <= 3; ++i) {
      for (const std::string& s : {key(i), secret(i)}) {
        EXPECT_EQ(run.out.find(s), std::string::npos) << s;
        EXPECT_EQ(run.err.find(s), std::string::npos) << s;
      }
    }
  }

  AntpoolServer antpool_;
};

TEST_F(KzscrapeAntpool, ConfigRunsBtcpoolAndAntpoolPoolsTogether) {
  server_.set("/pool/0", {Step::ok(read_test_data("observer_en_60.html"))});
  const std::string config = R"({
  "antpool": {"url": ")" + antpool_.url() +
                             R"(", "budget_calls": 200},
  "pools": [
    {"account_name": "KZPool_0", "observer_url": ")" +
                             server_.url("/pool/0") + R"("},
    {"source": "antpool", "account_name": "antpool_001", "user_id": ")" +
                             user(1) + R"(", "credentials_file": ")" + credentials_file(1) +
                             R"("},
    {"source": "antpool", "account_name": "antpool_002", "user_id": ")" +
                             user(2) + R"(", "key_env": "AP2_KEY", "secret_env": "AP2_SECRET"}
  ]})";
  const auto run = kzscrape({"--config", write_config(config), "--db", db_, "--log-level", "trace"},
                            {{"AP2_KEY", key(2)}, {"AP2_SECRET", secret(2)}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  expect_no_secret(run);
  EXPECT_EQ(count("SELECT count(*) FROM pool"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM pool WHERE source = 'antpool'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_summary"), 3);
  // First run: every tier, so each account's whole list (one offline worker each).
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE account_name = 'antpool_002'"), 9);
  EXPECT_EQ(count("SELECT offline_workers FROM v_latest_summary WHERE account_name = "
                  "'antpool_001'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM api_call"),
            static_cast<int64_t>(antpool_.requests().size()));
  EXPECT_EQ(count("SELECT count(*) FROM pool_stats"), 1);
}

TEST_F(KzscrapeAntpool, SingleAccountOptionsWithoutAFile) {
  const auto single = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "--source",      "antpool",      "--account", "antpool_003", "--antpool-user-id", user(3),
        "--antpool-url", antpool_.url(), "--db",      db_,           "--log-level",       "trace"};
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args);
  };
  const auto ok = single({"--antpool-credentials", credentials_file(3)});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  expect_no_secret(ok);
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 10);

  antpool_.set_override(
      [](const AntpoolRequest&) { return std::optional(antpool_error(-7, "Signature error")); });
  const auto rejected = single({"--antpool-credentials", credentials_file(3)});
  EXPECT_EQ(rejected.exit_code, 10) << rejected.err;
  EXPECT_NE(rejected.err.find("user_id must be the account name"), std::string::npos)
      << rejected.err;
  expect_no_secret(rejected);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE exit_code = 10"), 1);

  const size_t calls = antpool_.requests().size();
  const auto readable = single({"--antpool-credentials", credentials_file(3, 0644)});
  EXPECT_EQ(readable.exit_code, 2) << readable.err;
  EXPECT_EQ(antpool_.requests().size(), calls);
  expect_no_secret(readable);
}

// A single-account run says its failure in exactly one error line, whichever tier failed.
TEST_F(KzscrapeAntpool, SingleAccountFailureIsOneErrorLine) {
  struct Case {
    std::string endpoint;
    int code;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"accountOverview.htm", -7, 10, "user_id must be the account name"},
      {"accountOverview.htm", -3, 11, "message -3"},
      {"userWorkerList.htm", -24, 11, "message -24"},
      {"paymentHistoryV2.htm", -9, 10, "paymentHistoryV2.htm"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.endpoint + " " + std::to_string(c.code));
    antpool_.set_override([c](const AntpoolRequest& r) -> std::optional<AntpoolReply> {
      if (r.endpoint != c.endpoint) return std::nullopt;
      return antpool_error(c.code, "message " + std::to_string(c.code));
    });
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
    const auto run = kzscrape({"--source", "antpool", "--account", "antpool_002",
                               "--antpool-user-id", user(2), "--antpool-url", antpool_.url(),
                               "--antpool-credentials", credentials_file(2), "--db", db_});
    EXPECT_EQ(run.exit_code, c.exit_code) << run.err;
    std::istringstream lines(run.err);
    std::string line;
    std::vector<std::string> errors;
    while (std::getline(lines, line)) {
      if (line.find("error") != std::string::npos) errors.push_back(line);
    }
    ASSERT_EQ(errors.size(), 1u) << run.err;
    EXPECT_NE(errors[0].find("antpool_002"), std::string::npos) << run.err;
    EXPECT_NE(errors[0].find(c.says), std::string::npos) << run.err;
    expect_no_secret(run);
  }
}

}  // namespace
}  // namespace kz::test
