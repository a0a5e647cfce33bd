#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "integration/background_kzscrape.hpp"
#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

const std::string key = "AKfe31c9d07b52a4";
const std::string secret = "SEC9a8b7c6d5e4f3a2b1c0d9e8";

class KzscrapeAntpoolCli : public KzscrapeTest {
 protected:
  std::string write_file(const std::string& name, const std::string& text, mode_t mode) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::trunc) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }
  std::string credentials(mode_t mode = 0600) {
    return write_file("antpool.json", "{\"key\": \"" + key + "\", \"secret\": \"" + secret + "\"}",
                      mode);
  }
  // A run that must be refused before any work: exit 2, one line, no cache, no secret.
  void expect_usage(const std::vector<std::string>& args, const std::string& reason) {
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--db", db_});
    const auto run = kzscrape(full);
    std::string shown;
    for (const auto& arg : args) shown += arg + " ";
    EXPECT_EQ(run.exit_code, 2) << shown << "\n" << run.err;
    EXPECT_TRUE(run.err.starts_with("kzscrape: error: ")) << shown << "\n" << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << shown << "\n" << run.err;
    EXPECT_NE(run.err.find(reason), std::string::npos) << shown << "\n" << run.err;
    EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
    EXPECT_EQ(run.out.find(secret), std::string::npos) << run.out;
    EXPECT_FALSE(std::filesystem::exists(db_)) << shown;
  }
};

TEST_F(KzscrapeAntpoolCli, SingleAccountOptionsAreCheckedBeforeAnyWork) {
  const std::string good = credentials();
  const std::vector<std::string> all = {"--source",
                                        "antpool",
                                        "--account",
                                        "antpool_001",
                                        "--antpool-user-id",
                                        "owner",
                                        "--antpool-credentials",
                                        good};
  // Each required option left out in turn.
  const std::vector<std::pair<std::string, std::string>> required = {
      {"--account", "--source antpool needs --account NAME"},
      {"--antpool-user-id", "--source antpool needs --antpool-user-id"},
      {"--antpool-credentials", "--source antpool needs --antpool-credentials FILE"}};
  for (const auto& [option, reason] : required) {
    std::vector<std::string> args;
    for (size_t i = 0; i < all.size(); i += 2) {
      if (all[i] != option) args.insert(args.end(), {all[i], all[i + 1]});
    }
    expect_usage(args, reason);
  }
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = all;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_usage(with({"--antpool-url", "ftp://127.0.0.1/api/"}),
               "--antpool-url 'ftp://127.0.0.1/api/' is not an http(s):// URL");
  expect_usage(with({"--antpool-user-id", "a/b"}), "--antpool-user-id must not hold '/'");
  expect_usage(with({"--url", server_.url("/observer")}), "--source antpool takes no --url");
  expect_usage(with({"--config", (dir_ / "pools.json").string()}),
               "--source antpool runs one account");
  expect_usage({"--url", server_.url("/observer"), "--antpool-user-id", "owner"},
               "the --antpool-* options need --source antpool");
  expect_usage(with({"--antpool-key", key, "--antpool-secret", secret}),
               "unexpected arguments: --antpool-key, --antpool-secret");
  EXPECT_EQ(server_.request_count("/observer"), 0);
}

TEST_F(KzscrapeAntpoolCli, BadCredentialFilesAreUsageErrors) {
  const auto single = [&](const std::string& file) {
    return std::vector<std::string>{"--source",
                                    "antpool",
                                    "--account",
                                    "antpool_001",
                                    "--antpool-user-id",
                                    "owner",
                                    "--antpool-credentials",
                                    file};
  };
  for (mode_t mode : {0644, 0640, 0604}) {
    const std::string file = credentials(mode);
    expect_usage(single(file), "chmod 600 " + file);
  }
  expect_usage(
      single(write_file("bad.json", "{\"key\": \"" + key + "\", \"secret\": \"" + secret, 0600)),
      "is not JSON of the form");
  expect_usage(single(write_file("empty.json", "", 0600)), "is empty");
  expect_usage(single(secret), "cannot open the credentials file");
}

TEST_F(KzscrapeAntpoolCli, ABadPoolsFileRunsNothing) {
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const std::string file = credentials();
  const std::string btcpool =
      "{\"account_name\": \"KZPool_001\", \"observer_url\": \"" + server_.url("/observer") + "\"}";
  const auto config = [&](const std::string& antpool_pool, const std::string& settings = "{}") {
    return write_file("pools.json",
                      "{\"antpool\": " + settings + ",\n \"pools\": [" + btcpool + ",\n  " +
                          antpool_pool + "]}\n",
                      0600);
  };
  const std::string good =
      "{\"account_name\": \"antpool_001\", \"source\": \"antpool\", "
      "\"user_id\": \"owner\", \"credentials_file\": \"" +
      file + "\"}";
  expect_usage({"--config", config(good, "{\"budget_calls\": 601}")},
               "pools.json:1:30: 'budget_calls' must be between 1 and 600");
  std::string with_url = good;
  with_url.insert(1, "\"observer_url\": \"http://127.0.0.1:1/x\", ");
  expect_usage({"--config", config(with_url)}, "pools.json:3:20: 'observer_url' does not belong");
  std::string no_credentials = good.substr(0, good.find(", \"credentials_file\"")) + "}";
  expect_usage({"--config", config(no_credentials)},
               "pools.json:3:3: pool 2 needs 'credentials_file' or 'key_env' and 'secret_env'");
  // Valid file, but a credential that cannot be used: nothing runs either.
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  expect_usage({"--config", config(good)}, "pool antpool_001: the credentials file");
  std::string env_pool = good.substr(0, good.find("\"credentials_file\"")) +
                         "\"key_env\": \"KZ_TEST_AP_KEY\", \"secret_env\": \"KZ_TEST_AP_SECRET\"}";
  expect_usage({"--config", config(env_pool)},
               "pool antpool_001: the environment variable KZ_TEST_AP_KEY is not set");
  EXPECT_EQ(server_.request_count("/observer"), 0);
}

// The key and secret are in no process's argv at any time: there is no option for them, and
// kzscrape hands nothing down on a command line while it runs.
TEST_F(KzscrapeAntpoolCli, ArgvNeverHoldsTheSecret) {
  server_.set("/observer", {Step::hang(std::chrono::milliseconds(3000))});
  const std::string pools = write_file(
      "pools.json",
      "{\"antpool\": {\"url\": \"http://127.0.0.1:9/api/\"}, \"pools\": [\n"
      " {\"account_name\": \"KZPool_001\", \"observer_url\": \"" +
          server_.url("/observer") +
          "\"},\n"
          " {\"account_name\": \"antpool_001\", \"source\": \"antpool\", \"user_id\": \"owner\","
          " \"credentials_file\": \"" +
          credentials() + "\"}]}\n",
      0600);
  Running run(
      {"--config", pools, "--db", db_, "--retries", "0", "--timeout", "5", "--render", "never"},
      dir_ / "err.txt");
  // While the btcpool.kz page hangs the Antpool credentials are already loaded.
  for (int i = 0; i < 500 && server_.request_count("/observer") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(server_.request_count("/observer"), 1) << run.err();
  std::ifstream in("/proc/" + std::to_string(run.pid()) + "/cmdline", std::ios::binary);
  const std::string argv((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(argv.find(pools), std::string::npos) << "read the running process's argv";
  EXPECT_EQ(argv.find(secret), std::string::npos);
  EXPECT_EQ(argv.find(key), std::string::npos);
  const int status = run.wait(std::chrono::seconds(60));
  ASSERT_TRUE(WIFEXITED(status)) << run.err();
  EXPECT_TRUE(WEXITSTATUS(status) == 8 || WEXITSTATUS(status) == 9) << run.err();
  EXPECT_EQ(run.err().find(secret), std::string::npos) << run.err();
  EXPECT_EQ(run.err().find(key), std::string::npos) << run.err();
}

}  // namespace
}  // namespace kz::test
