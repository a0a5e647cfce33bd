#include <gtest/gtest.h>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

class KzscrapeAlerts : public KzscrapeTest {
 protected:
  int64_t open_alerts(const std::string& type, const std::string& subject = "") {
    return count("SELECT count(*) FROM alert WHERE resolved_at IS NULL AND alert_type = '" + type +
                 "' AND subject = '" + subject + "'");
  }
};

TEST_F(KzscrapeAlerts, ScrapeFailedOpensAfterThreeFailuresAndResolvesOnSuccess) {
  const std::string page = read_test_data("observer_en_60.html");
  server_.set("/observer", {Step::ok(page)});
  ASSERT_EQ(scrape().exit_code, 0);
  const int64_t offline_before = count("SELECT count(*) FROM alert");

  server_.set("/observer", {Step::respond(502)});
  EXPECT_EQ(scrape({"--retries", "0"}).exit_code, 3);
  EXPECT_EQ(scrape({"--retries", "0"}).exit_code, 3);
  EXPECT_EQ(open_alerts("scrape_failed"), 0) << "two failures are not yet stale data";
  const auto third = scrape({"--retries", "0"});
  EXPECT_EQ(third.exit_code, 3);
  EXPECT_EQ(open_alerts("scrape_failed"), 1);
  EXPECT_EQ(text("SELECT severity FROM alert WHERE alert_type = 'scrape_failed'"), "high");
  // A failed fetch never reads as workers going offline.
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE alert_type != 'scrape_failed'"),
            offline_before);
  EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 1);

  EXPECT_EQ(scrape({"--retries", "0"}).exit_code, 3);
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE alert_type = 'scrape_failed'"), 1)
      << "updated, not opened twice";

  server_.set("/observer", {Step::ok(page)});
  ASSERT_EQ(scrape().exit_code, 0);
  EXPECT_EQ(open_alerts("scrape_failed"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE alert_type = 'scrape_failed'"
                  " AND resolved_at IS NOT NULL"),
            1);
}

TEST_F(KzscrapeAlerts, AWorkerGoingOfflineOpensThenResolvesOneAlert) {
  const std::string online = read_test_data("observer_en_60.html");
  std::string offline = online;
  const std::string row = "ONLINE</span></td><td>181.037 TH/s</td><td>188.315 TH/s";
  offline.replace(offline.find(row), row.size(), "OFFLINE</span></td><td>0 H/s</td><td>0 H/s");

  server_.set("/observer", {Step::ok(online)});
  ASSERT_EQ(scrape().exit_code, 0);
  EXPECT_EQ(open_alerts("worker_offline", "kz01x000"), 0);

  server_.set("/observer", {Step::ok(offline)});
  const auto down = scrape();
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(open_alerts("worker_offline", "kz01x000"), 1);
  EXPECT_NE(down.err.find("worker_offline kz01x000"), std::string::npos) << down.err;
  ASSERT_EQ(scrape().exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE subject = 'kz01x000'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM v_open_alerts WHERE subject = 'kz01x000'"), 1);

  server_.set("/observer", {Step::ok(online)});
  ASSERT_EQ(scrape().exit_code, 0);
  EXPECT_EQ(open_alerts("worker_offline", "kz01x000"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE subject = 'kz01x000'"
                  " AND resolved_at IS NOT NULL"),
            1);
  // Offline on the sample page from the first run on, never seen online: no worker alert.
  EXPECT_EQ(count("SELECT count(*) FROM alert WHERE subject = 'kz01x008'"), 0);
}

}  // namespace
}  // namespace kz::test
