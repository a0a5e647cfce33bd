// The scrape job refuses implausible pages from every source before anything is stored, and
// records the failed run.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "scrape/plausibility.hpp"
#include "scrape/scrape_job.hpp"
#include "support/page_generator.hpp"
#include "support/page_server.hpp"
#include "support/pool_api_server.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::api_summary;
using test::api_worker;
using test::PageServer;
using test::PoolApiServer;
using test::Step;

const std::string kKey = "plausibility-key-0123";

class PlausibilityJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("kz_plaus_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
              .string();
    remove_cache();
    api_.set_rows("profit_history", {});
    api_.set_rows("payment_history", {});
  }
  void TearDown() override { remove_cache(); }
  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
  }

  ScrapeOptions options(bool api, bool dry_run) {
    ScrapeOptions o;
    o.observer_url = server_.url("/o");
    o.db_path = db_;
    o.http.max_retries = 0;
    o.dry_run = dry_run;
    if (api) {
      o.source = PageSource::api;
      o.api.url = api_.url();
      o.api.key = kKey;
    }
    return o;
  }
  // Runs the job; the error message, or "" when it succeeded. `out` gets what it printed.
  std::string run(bool api, bool dry_run = false, std::string* printed = nullptr) {
    const ScrapeOptions o = options(api, dry_run);
    CurlTransport transport(o.http);
    ScrapeJob job(o, transport, clock_, [](milliseconds) {});
    std::ostringstream out;
    std::string message;
    try {
      job.run(out);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_data) << e.what();
      message = e.what();
    }
    if (printed) *printed = out.str();
    clock_.advance(10min);
    return message;
  }
  int64_t count(const std::string& sql) {
    if (!std::filesystem::exists(db_)) return 0;
    SQLite::Database db(db_);
    return db.execAndGet(sql).getInt64();
  }
  void serve_page(const ObserverPage& model, uint32_t seed) {
    test::Variant variant;
    variant.locale = seed % 2 ? "ru" : "en";
    variant.unit = static_cast<test::HashUnit>(seed % 8);
    server_.set("/o", {Step::ok(test::render_page(model, variant))});
  }
  // A fleet of 3 workers in the API, with the summary's fields as given.
  void serve_api(const std::string& online, const std::string& hashrate, const std::string& balance,
                 const std::string& worker_hashrate) {
    nlohmann::json summary = api_summary(2, 1, hashrate, "100000000000000", balance);
    summary["active_workers"] = online;
    api_.set_summary(summary);
    api_.set_rows("workers", {api_worker(1, "a1", true, "100000000000000", 1'795'000'000, "0"),
                              api_worker(2, "rig7", true, worker_hashrate, 1'795'000'000, "0"),
                              api_worker(3, "c3", false, "0", 1'795'000'000, "0")});
  }

  std::string db_;
  PageServer server_;
  PoolApiServer api_{kKey};
  FixedClock clock_{sys_days{2026y / November / 22} + 10h};
};

// One implausible value of each kind, on the page and in the API, with the text the
// refusal must carry.
struct Case {
  std::string says;
  std::function<void(ObserverPage&)> page;  // sets the value in the page model
  std::array<std::string, 4> api;           // online, pool hashrate, balance, worker hashrate
};

std::vector<Case> cases() {
  const std::string ok_hs = "100000000000000";
  return {
      {"1.0001e+22 H/s is above 10 ZH/s",
       [](ObserverPage& p) { p.current_hashrate_hs = 1.0001e22; },
       {"2", "1.0001e22", "0.5", ok_hs}},
      {"worker \"rig7\"",
       [](ObserverPage& p) {
         p.workers[1].name = "rig7";
         p.workers[1].hashrate_10m_hs = 1.2e23;
       },
       {"2", ok_hs, "0.5", "120000000000000000000000"}},
      {"21000000.00000001 BTC is above 21 million BTC",
       [](ObserverPage& p) { p.balance_sat = kMaxPlausibleSat + 1; },
       {"2", ok_hs, "21000000.00000001", ok_hs}},
      {"2147483647 workers is above 10 million",
       [](ObserverPage& p) { p.online_workers = 2147483647; },
       {"2147483647", ok_hs, "0.5", ok_hs}},
  };
}

TEST_F(PlausibilityJobTest, EachSourceIsRefusedBeforeAnythingIsStoredAndTheRunIsRecorded) {
  uint32_t seed = 0;
  int64_t runs = 0;
  for (const Case& c : cases()) {
    for (const bool api : {false, true}) {
      ++seed;
      ObserverPage model = test::make_model(6, seed);
      c.page(model);
      serve_page(model, seed);
      serve_api(c.api[0], c.api[1], c.api[2], c.api[3]);

      std::string printed;
      const std::string dry = run(api, true, &printed);
      EXPECT_NE(dry.find(c.says), std::string::npos) << dry;
      EXPECT_EQ(printed, "") << "--dry-run must print nothing for a refused page";

      const std::string message = run(api);
      EXPECT_NE(message.find(c.says), std::string::npos) << (api ? "api: " : "page: ") << message;
      ++runs;
      EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0);
      EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 0);
      EXPECT_EQ(count("SELECT count(*) FROM income_day"), 0);
      EXPECT_EQ(count("SELECT count(*) FROM payment"), 0);
      EXPECT_EQ(count("SELECT count(*) FROM scrape_run WHERE exit_code = 4 AND outcome = 'failed'"),
                runs);
      EXPECT_EQ(count("SELECT instr(error, '" + c.says +
                      "') > 0 FROM scrape_run ORDER BY id DESC LIMIT 1"),
                1)
          << "the run of this page records the refusal";
    }
  }
}

TEST_F(PlausibilityJobTest, ValuesJustBelowTheBoundsAreStored) {
  ObserverPage model = test::make_model(6, 3);
  model.current_hashrate_hs = 9.999e21;
  model.workers[0].hashrate_24h_hs = 1e22;
  model.balance_sat = kMaxPlausibleSat;
  model.online_workers = kMaxPlausibleWorkers - model.offline_workers;
  serve_page(model, 3);
  EXPECT_EQ(run(false), "");
  serve_api(std::to_string(kMaxPlausibleWorkers - 1), "1e22", "21000000", "9.999e21");
  EXPECT_EQ(run(true), "");
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 2);
  EXPECT_EQ(count("SELECT online_workers FROM snapshot ORDER BY id"),
            kMaxPlausibleWorkers - model.offline_workers);
  EXPECT_EQ(count("SELECT online_workers FROM snapshot ORDER BY id DESC"),
            kMaxPlausibleWorkers - 1);
  EXPECT_EQ(count("SELECT min(balance_sat) FROM snapshot"), kMaxPlausibleSat);
}

}  // namespace
}  // namespace kz
