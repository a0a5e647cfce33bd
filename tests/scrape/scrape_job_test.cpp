#include "scrape/scrape_job.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "support/page_server.hpp"
#include "support/test_data.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::PageServer;
using test::Step;

// The English sample with its current-hashrate card set to `value`.
std::string page_with_hashrate(const std::string& value) {
  std::string page = test::read_test_data("observer_en_60.html");
  const std::string card = ">8.848 PH/s<";
  page.replace(page.find(card), card.size(), ">" + value + "<");
  return page;
}

class ScrapeJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("kz_job_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
              .string();
    remove_cache();
  }
  void TearDown() override { remove_cache(); }
  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
  }

  // One cron tick: serve `page`, run the job, move the clock 10 minutes on.
  void tick(const std::string& page) {
    server_.set("/o", {Step::ok(page)});
    ScrapeOptions options;
    options.observer_url = server_.url("/o");
    options.db_path = db_;
    options.http.max_retries = 0;
    CurlTransport transport(options.http);
    ScrapeJob job(options, transport, clock_, [](milliseconds) {});
    std::ostringstream out;
    job.run(out);
    clock_.advance(10min);
  }
  std::string open_drop_severity() {
    SQLite::Database db(db_);
    SQLite::Statement select(
        db, "SELECT severity FROM v_open_alerts WHERE alert_type = 'hashrate_drop'");
    return select.executeStep() ? select.getColumn(0).getString() : "";
  }

  std::string db_;
  PageServer server_;
  FixedClock clock_{sys_days{2026y / November / 22} + 10h};
};

TEST_F(ScrapeJobTest, HashrateDropOpensEscalatesAndResolvesWithHysteresis) {
  for (int i = 0; i < 3; ++i) tick(page_with_hashrate("10.000 PH/s"));
  EXPECT_EQ(open_drop_severity(), "");
  tick(page_with_hashrate("7.800 PH/s"));  // 22% below the 10 PH/s baseline
  EXPECT_EQ(open_drop_severity(), "medium");
  tick(page_with_hashrate("6.500 PH/s"));  // 35%
  EXPECT_EQ(open_drop_severity(), "high");
  for (int i = 0; i < 6; ++i) tick(page_with_hashrate("8.500 PH/s"));  // an hour at -15%
  EXPECT_EQ(open_drop_severity(), "medium") << "the drop must not become its own baseline";
  tick(page_with_hashrate("9.500 PH/s"));  // within 10% of the baseline at opening
  EXPECT_EQ(open_drop_severity(), "");
  SQLite::Database db(db_);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM alert WHERE alert_type = 'hashrate_drop'").getInt(),
            1);
}

TEST_F(ScrapeJobTest, NoBaselineBeforeThreeSnapshots) {
  tick(page_with_hashrate("10.000 PH/s"));
  tick(page_with_hashrate("10.000 PH/s"));
  tick(page_with_hashrate("1.000 PH/s"));
  EXPECT_EQ(open_drop_severity(), "");
}

TEST_F(ScrapeJobTest, WorkersMissingFromAShortTableAreNotOffline) {
  const std::string full = test::read_test_data("observer_en_60.html");
  tick(full);
  // Drop kz02x001's row: the table now lists 59 of 60 workers.
  std::string shorter = full;
  const size_t row = shorter.find("<tr><td>kz02x001</td>");
  shorter.erase(row, shorter.find("</tr>", row) + 5 - row);
  tick(shorter);
  SQLite::Database db(db_);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM alert WHERE subject = 'kz02x001'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT workers_complete FROM snapshot ORDER BY id DESC").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM v_latest_workers").getInt(), 59);
}

TEST_F(ScrapeJobTest, RetentionKeepsRecentSamplesOnly) {
  tick(test::read_test_data("observer_en_60.html"));
  clock_.advance(hours{24 * 31});
  tick(test::read_test_data("observer_en_60.html"));
  SQLite::Database db(db_);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM worker_sample").getInt(), 60);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM snapshot").getInt(), 2);
}

TEST_F(ScrapeJobTest, FailedFetchIsRecordedAndRethrown) {
  server_.set("/o", {Step::respond(500)});
  ScrapeOptions options;
  options.observer_url = server_.url("/o");
  options.db_path = db_;
  options.http.max_retries = 1;
  CurlTransport transport(options.http);
  int sleeps = 0;
  ScrapeJob job(options, transport, clock_, [&](milliseconds) { ++sleeps; });
  std::ostringstream out;
  try {
    job.run(out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed);
    EXPECT_NE(std::string(e.what()).find("HTTP 500 (after 2 attempts)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(sleeps, 1);
  SQLite::Database db(db_);
  EXPECT_NE(db.execAndGet("SELECT error FROM scrape_run").getString().find("HTTP 500"),
            std::string::npos);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM snapshot").getInt(), 0);
}

}  // namespace
}  // namespace kz
