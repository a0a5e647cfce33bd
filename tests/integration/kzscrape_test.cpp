#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

class Kzscrape : public KzscrapeTest {};

TEST_F(Kzscrape, StoresTheSamplePageAndReportsIt) {
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const auto run = scrape({"--account", "KZPool_001"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 60);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE status = 'offline'"), 5);
  EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 173296);
  EXPECT_EQ(text("SELECT account_name FROM v_latest_summary"), "KZPool_001");
  EXPECT_EQ(count("SELECT count(*) FROM v_daily_income"), 7);
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE outcome = 'ok'"), 1);
  // 5 workers offline of 60: the pool-wide alert, medium (not more than 5, not over 10%).
  EXPECT_EQ(text("SELECT severity FROM v_open_alerts WHERE alert_type = 'offline_workers'"),
            "medium");
  EXPECT_NE(server_.last_request("/observer")->header("user-agent")->find("kzpool"),
            std::string::npos);
}

TEST_F(Kzscrape, RetriesTransientErrorsThenSucceeds) {
  server_.set("/observer", {Step::respond(503, "busy", {{"Retry-After", "0"}}), Step::respond(503),
                            Step::ok(read_test_data("observer_en_60.html"))});
  const auto run = scrape();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
}

TEST_F(Kzscrape, NotFoundIsAFetchErrorAndStoresNoSnapshot) {
  server_.set("/observer", {Step::respond(404, "not found")});
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("kzscrape: error: fetching"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("HTTP 404"), std::string::npos) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 1);  // 404 is not retried
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM worker"), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 3");
}

TEST_F(Kzscrape, AHangingServerTimesOutWithinTimeout) {
  server_.set("/observer", {Step::hang(20s)});
  const auto run = scrape({"--timeout", "1"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("timed out"), std::string::npos) << run.err;
  EXPECT_LT(run.elapsed, 5s);
}

TEST_F(Kzscrape, AnOversizedPageIsRefused) {
  server_.set("/observer", {Step::ok(std::string(2 * 1024 * 1024, 'x'))});
  const auto run = scrape({"--max-page-mb", "1"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("exceeds"), std::string::npos) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
}

TEST_F(Kzscrape, AShellPageIsNoDataAndNeverZeroWorkers) {
  server_.set("/observer", {Step::ok(read_test_data("observer_shell.html"))});
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_NE(run.err.find("no usable data"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM alert"), 0);
  EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 4");
}

TEST_F(Kzscrape, AConnectionCutMidBodyStoresNothing) {
  const std::string page = read_test_data("observer_en_60.html");
  server_.set("/observer", {Step::truncated(page.substr(0, page.size() / 2), page.size())});
  const auto run = scrape({"--retries", "0"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
}

TEST_F(Kzscrape, APageCutInsideTheWorkersTableStoresOnlyWholeRowsAsIncomplete) {
  const std::string page = read_test_data("observer_en_60.html");
  const size_t cut = page.find("<tr><td>kz01x012</td>") + 30;  // inside a row
  server_.set("/observer", {Step::ok(page.substr(0, cut))});
  const auto run = scrape();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 12);  // rows before kz01x012
  EXPECT_EQ(count("SELECT workers_complete FROM snapshot"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers WHERE worker_name = 'kz01x012'"), 0);
}

TEST_F(Kzscrape, TwoProcessesWritingOneCacheBothComplete) {
  server_.set("/observer", {Step::ok(read_test_data("observer_ru_200.html"))});
  std::vector<std::string> args = {KZSCRAPE_PATH, "--url", server_.url("/observer"), "--db", db_};
  ProcessResult first, second;
  std::thread other([&] { second = run_process(args); });
  first = run_process(args);
  other.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM worker"), 200);
  EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 400);
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
}

TEST_F(Kzscrape, AReadOnlyCacheIsACacheError) {
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  ASSERT_EQ(scrape().exit_code, 0);
  ::chmod(db_.c_str(), 0444);
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_NE(run.err.find("read-only"), std::string::npos) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 1) << "no fetch when the cache is unusable";
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);
}

TEST_F(Kzscrape, ACorruptCacheIsACacheError) {
  std::ofstream(db_) << std::string(10000, 'z');
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_NE(run.err.find("not a database"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(db_), std::string::npos) << run.err;
}

TEST_F(Kzscrape, WithoutAUrlItSaysHowToGiveOne) {
  const auto run = kzscrape({"--db", db_}, {{"OBSERVER_URL", ""}});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--url"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("OBSERVER_URL"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(Kzscrape, ReadsTheUrlFromTheEnvironment) {
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const auto run = kzscrape({"--db", db_}, {{"OBSERVER_URL", server_.url("/observer")}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(text("SELECT observer_url FROM pool"), server_.url("/observer"));
}

TEST_F(Kzscrape, UnknownOptionIsAUsageError) {
  const auto run = kzscrape({"--bogus"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("kzscrape: error:"), std::string::npos) << run.err;
}

TEST_F(Kzscrape, DryRunPrintsThePageAndWritesNothing) {
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const auto run = scrape({"--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto page = nlohmann::json::parse(run.out);
  EXPECT_EQ(page["online_workers"], 55);
  EXPECT_EQ(page["workers"].size(), 60u);
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(Kzscrape, ReadsFileUrls) {
  const std::string url = std::string("file://") + KZ_TEST_DATA_DIR + "/observer_ru_200.html";
  const auto run = kzscrape({"--url", url, "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 200);
  EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), 1761204);
}

}  // namespace
}  // namespace kz::test
