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

  // A first kzupload run through a proxy that holds its request to `held` for `delay`; returns
  // once that request reached the proxy (false when the run ended without sending it).
  struct SlowFirstRun {
    LyingProxy proxy;
    ProcessResult result;
    std::atomic<bool> ended = false;
    std::thread thread;

    SlowFirstRun(OverlappingRuns& test, const std::string& held, std::chrono::milliseconds delay)
        : proxy(supabase().url()) {
      proxy.set(ProxyBehaviour::slow(delay, held));
      thread = std::thread([&] {
        result = test.kzupload({"--account", "KZPool_001", "--lock-wait", "60"},
                               test.env_for(proxy.url()));
        ended = true;
      });
    }
    bool reached(const std::string& held) { return wait_for_request(proxy, held, ended); }
    ~SlowFirstRun() { join(); }
    void join() {
      if (thread.joinable()) thread.join();
    }
  };
};

TEST_P(OverlappingRuns, TheSecondRunWaitsAndTheNewestRevisionWins) {
  const std::string held = std::string("/rest/v1/") + GetParam();
  first_revisions();
  SlowFirstRun first(*this, held, std::chrono::milliseconds(2500));
  const bool sent = first.reached(held);
  if (!sent) first.join();
  ASSERT_TRUE(sent) << "the first run never sent " << held << ":\n" << first.result.err;
  newer_revisions();
  const auto second = kzupload({"--account", "KZPool_001", "--lock-wait", "60"}, direct_env());
  first.join();
  EXPECT_EQ(first.result.exit_code, 0) << first.result.err;
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
  SlowFirstRun first(*this, held, std::chrono::milliseconds(4000));
  const bool sent = first.reached(held);
  if (!sent) first.join();
  ASSERT_TRUE(sent) << "the first run never sent " << held << ":\n" << first.result.err;
  newer_revisions();
  const auto second = kzupload({"--account", "KZPool_001", "--lock-wait", "1"}, direct_env());
  EXPECT_EQ(second.exit_code, 75) << second.err;
  EXPECT_EQ(error_lines(second.err), 1) << second.err;
  first.join();
  EXPECT_EQ(first.result.exit_code, 0) << first.result.err;
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
