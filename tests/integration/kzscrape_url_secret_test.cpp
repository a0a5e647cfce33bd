// Issue 11: an observer URL with a password in its userinfo and a token in its query. The real
// kzscrape (and kzupload, which looks pools up by that URL) use it in full on the wire and
// show or store it only redacted: in no output line at any log level and in no cell of the
// cache, whether the run succeeds or fails. Generated variants: several users, passwords and
// tokens (with percent-escapes and characters a URL allows unescaped), with and without a
// label, and two URLs that differ only in the token, which are two pools.

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/url_text.hpp"
#include "integration/kzscrape_fixture.hpp"
#include "support/cache_cells.hpp"

namespace kz::test {
namespace {

struct SecretUrl {
  std::string user, password, token;
  std::string url;  // as given to kzscrape
  std::vector<std::string> secrets() const { return {password, token}; }
};

class KzscrapeUrlSecret : public KzscrapeTest {
 protected:
  // Variant `n`: every password holds "PASSWORD" and every token "SECRET", so that one search
  // for each finds any copy, whole or cut.
  SecretUrl secret_url(int n, const std::string& token_tail = "") const {
    static const std::vector<std::string> password_tails = {"1", "x:y", "%21bang", "~-._!$*"};
    static const std::vector<std::string> token_tails = {"9", "a%2Fb", "==", "x~y.z%3F%40"};
    SecretUrl s;
    s.user = "miner" + std::to_string(n);
    s.password = "PASSWORD" + password_tails[static_cast<size_t>(n) % password_tails.size()];
    s.token = "SECRET" + std::to_string(n) +
              (token_tail.empty() ? token_tails[static_cast<size_t>(n) % token_tails.size()]
                                  : token_tail);
    s.url = "http://" + s.user + ":" + s.password + "@127.0.0.1:" + std::to_string(server_.port()) +
            "/page?token=" + s.token + "&lang=ru";
    return s;
  }
  ProcessResult scrape_url(const std::string& url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--url",     url, "--db",        db_,
                                     "--retries", "2", "--log-level", "trace"};
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args);
  }
  // Neither output stream of any run, nor any cell of the cache, holds a secret.
  void expect_no_secret(const std::vector<ProcessResult>& runs) {
    for (const char* secret : {"PASSWORD", "SECRET"}) {
      for (const ProcessResult& run : runs) {
        EXPECT_EQ(run.out.find(secret), std::string::npos) << run.out;
        EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
      }
      EXPECT_EQ(cells_containing(db_, secret), std::vector<std::string>{}) << secret;
    }
  }
};

TEST_F(KzscrapeUrlSecret, SucceedsWithTheSecretsOnTheWireAndFailsWithoutShowingThem) {
  for (int n = 0; n < 4; ++n) {
    const SecretUrl s = secret_url(n);
    SCOPED_TRACE(s.url);
    std::filesystem::remove(db_);
    std::filesystem::remove(db_ + "-wal");
    std::filesystem::remove(db_ + "-shm");
    // Labelled or not: without a label, log lines name the pool by its URL.
    const std::vector<std::string> label =
        n % 2 == 0 ? std::vector<std::string>{} : std::vector<std::string>{"--account", "KZ_S"};
    std::vector<ProcessResult> runs;

    server_.set("/page", {Step::ok(read_test_data("observer_en_60.html"))});
    runs.push_back(scrape_url(s.url, label));
    ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
    // The server needs the credentials and the token: they are sent.
    const auto seen = server_.last_request("/page");
    ASSERT_TRUE(seen);
    EXPECT_NE(seen->target.find("token=" + s.token), std::string::npos) << seen->target;
    EXPECT_TRUE(seen->header("authorization").has_value());
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
    const std::string shown =
        "http://***@127.0.0.1:" + std::to_string(server_.port()) + "/page?token=***&lang=***";
    EXPECT_EQ(text("SELECT observer_url FROM v_latest_summary"), shown);

    // Failing four times in a row (HTTP 500, then a page without data): each error line names
    // the URL redacted, and the scrape_failed alert that opens quotes the last error.
    server_.set("/page", {Step::respond(500, "down")});
    for (int i = 0; i < 3; ++i) {
      runs.push_back(scrape_url(s.url, label));
      EXPECT_EQ(runs.back().exit_code, 3) << runs.back().err;
      EXPECT_NE(runs.back().err.find("fetching " + shown + ": HTTP 500"), std::string::npos)
          << runs.back().err;
    }
    server_.set("/page", {Step::ok(read_test_data("observer_shell.html"))});
    runs.push_back(scrape_url(s.url, label));
    EXPECT_EQ(runs.back().exit_code, 4) << runs.back().err;
    EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 4);
    EXPECT_EQ(count("SELECT count(*) FROM v_open_alerts WHERE alert_type = 'scrape_failed'"), 1);
    EXPECT_NE(text("SELECT group_concat(error, '|') FROM scrape_run").find(shown),
              std::string::npos);

    // A dry run that fails, and a transport error (nothing listens on the port).
    server_.set("/page", {Step::respond(500)});
    runs.push_back(scrape_url(s.url, {"--dry-run"}));
    EXPECT_EQ(runs.back().exit_code, 3) << runs.back().err;
    const std::string closed =
        "http://" + s.user + ":" + s.password + "@127.0.0.1:1/page?token=" + s.token;
    runs.push_back(scrape_url(closed, {"--retries", "1"}));
    EXPECT_EQ(runs.back().exit_code, 3) << runs.back().err;
    EXPECT_NE(runs.back().err.find("http://***@127.0.0.1:1/page?token=***"), std::string::npos)
        << runs.back().err;
    expect_no_secret(runs);
  }
}

TEST_F(KzscrapeUrlSecret, UrlsThatDifferOnlyInTheTokenAreTwoPools) {
  server_.set("/page", {Step::ok(read_test_data("observer_en_60.html"))});
  const SecretUrl a = secret_url(1, "-first"), b = secret_url(1, "-second");
  std::vector<ProcessResult> runs;
  for (const SecretUrl* s : {&a, &b, &a}) {
    runs.push_back(scrape_url(s->url));
    ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
  }
  EXPECT_EQ(count("SELECT count(*) FROM pool"), 2);
  EXPECT_EQ(count("SELECT count(DISTINCT observer_url) FROM pool"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot GROUP BY pool_id ORDER BY pool_id LIMIT 1"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_summary"), 2);

  // kzupload finds a pool by its full URL (and labels it, here on a dry run: it only reads),
  // and refuses a label that belongs to the other URL, naming both redacted.
  const std::string upload = KZUPLOAD_PATH;
  runs.push_back(run_process({upload, "--db", db_, "--account", "KZ_B", "--observer-url", b.url,
                              "--dry-run", "--log-level", "trace"}));
  EXPECT_EQ(runs.back().exit_code, 0) << runs.back().err;
  EXPECT_NE(runs.back().out.find("KZ_B"), std::string::npos) << runs.back().out;
  runs.push_back(scrape_url(a.url, {"--account", "KZ_A"}));
  ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
  runs.push_back(run_process(
      {upload, "--db", db_, "--account", "KZ_A", "--observer-url", b.url, "--dry-run"}));
  EXPECT_EQ(runs.back().exit_code, 2) << runs.back().err;
  EXPECT_NE(runs.back().err.find("belongs to another observer URL"), std::string::npos)
      << runs.back().err;
  expect_no_secret(runs);
}

TEST_F(KzscrapeUrlSecret, APoolsFileNamesItsUrlsRedacted) {
  server_.set("/page", {Step::respond(503)});
  const SecretUrl a = secret_url(2), b = secret_url(3);
  const std::string config = (dir_ / "pools.json").string();
  std::ofstream(config) << R"([{"account_name": "A", "observer_url": ")" << a.url
                        << R"("}, {"account_name": "B", "observer_url": ")" << b.url << R"("}])";
  std::vector<ProcessResult> runs;
  runs.push_back(
      kzscrape({"--config", config, "--db", db_, "--retries", "1", "--log-level", "trace"}));
  EXPECT_EQ(runs.back().exit_code, 9) << runs.back().err;  // all pools failed
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 2);

  // A bad URL and a duplicate: the config errors name the URL redacted.
  std::ofstream(config)
      << R"([{"account_name": "A", "observer_url": "ftp://u:PASSWORD1@h/?t=SECRET1"}])";
  runs.push_back(kzscrape({"--config", config, "--db", db_}));
  EXPECT_EQ(runs.back().exit_code, 2) << runs.back().err;
  EXPECT_NE(runs.back().err.find("'ftp://***@h/?t=***' is not"), std::string::npos)
      << runs.back().err;
  std::ofstream(config) << R"([{"account_name": "A", "observer_url": ")" << a.url
                        << R"("}, {"account_name": "B", "observer_url": ")" << a.url << R"("}])";
  runs.push_back(kzscrape({"--config", config, "--db", db_}));
  EXPECT_EQ(runs.back().exit_code, 2) << runs.back().err;
  EXPECT_NE(runs.back().err.find("duplicate observer_url 'http://***@"), std::string::npos)
      << runs.back().err;
  expect_no_secret(runs);
}

// A link without a scheme (curl would guess http://) is refused, from --url, $OBSERVER_URL or
// a pools file, and its userinfo is hidden in the error too.
TEST_F(KzscrapeUrlSecret, ALinkWithoutASchemeIsRefusedWithoutShowingItsSecrets) {
  const std::string url =
      "u:PASSWORD1@127.0.0.1:" + std::to_string(server_.port()) + "/page?t=SECRET1";
  std::vector<ProcessResult> runs;
  runs.push_back(kzscrape({"--url", url, "--db", db_}));
  runs.push_back(kzscrape({"--db", db_, "--account", "A"}, {{"OBSERVER_URL", url}}));
  const std::string config = (dir_ / "pools.json").string();
  std::ofstream(config) << R"([{"account_name": "A", "observer_url": ")" << url << R"("}])";
  runs.push_back(kzscrape({"--config", config, "--db", db_}));
  for (const ProcessResult& run : runs) {
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("'***@127.0.0.1:"), std::string::npos) << run.err;
  }
  EXPECT_EQ(server_.request_count("/page"), 0);
  EXPECT_FALSE(std::filesystem::exists(db_));  // refused before the cache is opened
  for (const ProcessResult& run : runs) {
    for (const char* secret : {"PASSWORD", "SECRET"}) {
      EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
    }
  }
}

}  // namespace
}  // namespace kz::test
