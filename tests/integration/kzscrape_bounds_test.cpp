// Issue 11, bounded work, with the real kzscrape: a body over --max-page-mb is fetched once,
// and absurd values are refused (exit 4, naming the value) before anything is stored.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "integration/kzscrape_fixture.hpp"
#include "scrape/plausibility.hpp"
#include "support/page_generator.hpp"
#include "support/pool_api_server.hpp"

namespace kz::test {
namespace {

class KzscrapeBounds : public KzscrapeTest {
 protected:
  // A generated page with `change` applied, served at /observer.
  void serve(const std::function<void(ObserverPage&)>& change, uint32_t seed) {
    ObserverPage model = make_model(12, seed);
    change(model);
    Variant variant;
    variant.locale = seed % 2 ? "ru" : "en";
    variant.thousands = Thousands::space;
    server_.set("/observer", {Step::ok(render_page(model, variant))});
  }
  // Runs kzscrape and checks the refusal: exit 4, one line naming `says`, nothing stored,
  // the failed run recorded; and the same with --dry-run, which prints nothing.
  void expect_refused(const std::string& says, const std::vector<std::string>& args = {}) {
    std::vector<std::string> dry = args;
    dry.push_back("--dry-run");
    const auto dry_run = args.empty() ? scrape(dry) : kzscrape(with_db(dry));
    EXPECT_EQ(dry_run.exit_code, 4) << dry_run.err;
    EXPECT_NE(dry_run.err.find(says), std::string::npos) << dry_run.err;
    EXPECT_EQ(dry_run.out, "");

    const auto run = args.empty() ? scrape() : kzscrape(with_db(args));
    EXPECT_EQ(run.exit_code, 4) << run.err;
    EXPECT_NE(run.err.find("kzscrape: error: "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(says), std::string::npos) << run.err;
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM income_day"), 0);
    EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run ORDER BY id DESC"),
              "failed 4");
    EXPECT_NE(text("SELECT error FROM scrape_run ORDER BY id DESC").find(says), std::string::npos);
  }
  std::vector<std::string> with_db(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    return args;
  }
};

TEST_F(KzscrapeBounds, ABodyOverMaxPageMbIsFetchedOnce) {
  const std::string big(1024 * 1024 + 10, 'x');
  int expected = 0;
  for (const Step& step : {Step::ok(big), Step::gzip(big), Step::chunked(big)}) {
    server_.set("/observer", {step});
    const auto run = scrape({"--max-page-mb", "1", "--retries", "3"});
    ++expected;
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_NE(run.err.find("exceeds 1048576 bytes"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("attempts"), std::string::npos) << run.err;
    EXPECT_EQ(server_.request_count("/observer"), expected) << "one request per run";
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
  }
  EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE exit_code = 3"), 3);
}

TEST_F(KzscrapeBounds, OnlineWorkersAtInt32MaxAreRefusedNotWrapped) {
  serve([](ObserverPage& p) { p.online_workers = 2147483647; }, 1);
  expect_refused("online workers: 2147483647 workers is above 10 million");
}

TEST_F(KzscrapeBounds, OfflineWorkersAtInt64MaxAreRefused) {
  serve([](ObserverPage& p) { p.offline_workers = std::numeric_limits<int64_t>::max(); }, 2);
  expect_refused("offline workers: 9223372036854775807 workers is above 10 million");
}

TEST_F(KzscrapeBounds, AWorkerHashrateAbove10ZhIsRefused) {
  serve(
      [](ObserverPage& p) {
        p.workers[3].name = "rig7";
        p.workers[3].hashrate_1h_hs = 1.2e23;
      },
      3);
  expect_refused("worker \"rig7\" 1 h hashrate: 1.2e+23 H/s is above 10 ZH/s");
}

TEST_F(KzscrapeBounds, ABalanceAbove21MillionBtcIsRefused) {
  serve([](ObserverPage& p) { p.balance_sat = kMaxPlausibleSat + 1; }, 4);
  expect_refused("balance: 21000000.00000001 BTC is above 21 million BTC");
}

TEST_F(KzscrapeBounds, ValuesAtTheBoundsAreStoredWithoutWrapping) {
  serve(
      [](ObserverPage& p) {
        p.offline_workers = 1;
        p.online_workers = kMaxPlausibleWorkers - 1;
        p.current_hashrate_hs = kMaxPlausibleHashrateHs;
        p.balance_sat = kMaxPlausibleSat;
      },
      5);
  const auto run = scrape();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("stored snapshot: 9999999 online, 1 offline"), std::string::npos)
      << run.err;
  EXPECT_EQ(count("SELECT online_workers FROM snapshot"), kMaxPlausibleWorkers - 1);
  EXPECT_EQ(count("SELECT balance_sat FROM snapshot"), kMaxPlausibleSat);
  EXPECT_NE(text("SELECT message FROM alert WHERE alert_type = 'offline_workers'")
                .find("1 of 10000000 workers offline"),
            std::string::npos);
}

TEST_F(KzscrapeBounds, TheApiSourceIsCheckedToo) {
  const std::string key = "bounds-api-key-0123456789";
  const std::string key_file = (dir_ / "api.key").string();
  std::ofstream(key_file) << key << "\n";
  PoolApiServer api(key);
  nlohmann::json summary = api_summary(1, 0, "1000000000000", "1000000000000", "0.1");
  summary["active_workers"] = "2147483647";
  api.set_summary(summary);
  api.set_rows("workers", {api_worker(1, "a1", true, "1000000000000", 1'795'000'000, "0")});
  api.set_rows("profit_history", {});
  api.set_rows("payment_history", {});
  expect_refused("online workers: 2147483647 workers is above 10 million",
                 {"--source", "api", "--api-url", api.url(), "--api-key-file", key_file,
                  "--account", "KZ_API"});
}

}  // namespace
}  // namespace kz::test
