// Issue 10, case 4: two kzupload runs overlap while the server is slow, and kzscrape makes a
// new revision of an income day and an alert in between. One writer at a time: the second run
// waits for the upload lock (--lock-wait) or gives up with exit 75, and PostgreSQL ends with
// the newest revision.
#include "common/units.hpp"
#include "upload/delivery_fixture.hpp"

namespace kz::test {
namespace {

// The table whose request the slow server holds while the cache changes.
class OverlappingRuns : public DeliveryTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void first_revisions() {
    cache().scrape(make_pool_page(4, 100'000));
    cache().alert(AlertAction::open, "hashrate_drop", "", Severity::medium, "revision 1");
  }
  // What kzscrape does between the runs: today's income grows, the alert changes.
  void newer_revisions() {
    cache().scrape(make_pool_page(4, 250'000));
    cache().alert(AlertAction::update, "hashrate_drop", "", Severity::high, "revision 2");
  }
};

TEST_P(OverlappingRuns, TheSecondRunWaitsAndTheNewestRevisionWins) {
  const std::string held = std::string("/rest/v1/") + GetParam();
  first_revisions();
  LyingProxy slow(supabase().url());
  slow.set(ProxyBehaviour::slow(std::chrono::milliseconds(2500), held));
  ProcessResult first;
  std::atomic<bool> first_ended = false;
  std::thread first_run([&] {
    first = kzupload({"--account", "KZPool_001", "--lock-wait", "60"}, env_for(slow.url()));
    first_ended = true;
  });
  const bool sent = wait_for_request(slow, held, first_ended);
  if (!sent) first_run.join();
  ASSERT_TRUE(sent) << "the first run never sent " << held << ":\n" << first.err;
  newer_revisions();
  const auto second = kzupload({"--account", "KZPool_001", "--lock-wait", "60"}, direct_env());
  first_run.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;

  EXPECT_EQ(value("SELECT btc_amount::text FROM income_tracking WHERE date = '11/22/2026'"),
            format_btc(250'000));
  EXPECT_EQ(value("SELECT concat_ws(' ', severity, message) FROM alerts"), "high revision 2");
  EXPECT_EQ(count("hashrates"), 2);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_P(OverlappingRuns, AShortWaitExitsWithTheLockCode) {
  const std::string held = std::string("/rest/v1/") + GetParam();
  first_revisions();
  LyingProxy slow(supabase().url());
  slow.set(ProxyBehaviour::slow(std::chrono::milliseconds(4000), held));
  ProcessResult first;
  std::atomic<bool> first_ended = false;
  std::thread first_run([&] {
    first = kzupload({"--account", "KZPool_001", "--lock-wait", "60"}, env_for(slow.url()));
    first_ended = true;
  });
  const bool sent = wait_for_request(slow, held, first_ended);
  if (!sent) first_run.join();
  ASSERT_TRUE(sent) << "the first run never sent " << held << ":\n" << first.err;
  newer_revisions();
  const auto second = kzupload({"--account", "KZPool_001", "--lock-wait", "1"}, direct_env());
  EXPECT_EQ(second.exit_code, 75) << second.err;
  EXPECT_EQ(error_lines(second.err), 1) << second.err;
  first_run.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  // The change made meanwhile is still pending; the next run sends it.
  EXPECT_NE(pending_counts(), "0 0 0");
  clean_run_mirrors();
  EXPECT_EQ(value("SELECT concat_ws(' ', severity, message) FROM alerts"), "high revision 2");
}

INSTANTIATE_TEST_SUITE_P(HeldTables, OverlappingRuns,
                         ::testing::Values("income_tracking", "alerts"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace kz::test
