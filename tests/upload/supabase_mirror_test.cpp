// The mirror check itself: it passes after a clean upload and catches every kind of difference.
#include "upload/supabase_mirror.hpp"

#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

class SupabaseMirror : public StandInTest {
 protected:
  void SetUp() override {
    StandInTest::SetUp();
    cache().scrape(make_pool_page(13));
    cache().alert(AlertAction::open, "worker_offline", "rig-0011", Severity::medium, "rig-0011");
    cache().scrape(make_pool_page(13, 150'000));
    cache().alert(AlertAction::open, "hashrate_drop");
    cache().alert(AlertAction::resolve, "hashrate_drop");
  }
  // Everything sent again to empty tables.
  void fresh_upload() {
    db().execute(
        "TRUNCATE accounts, hashrates, devices, income_tracking, alerts, payments"
        " RESTART IDENTITY CASCADE");
    cache().cache().db().exec(
        "UPDATE snapshot SET uploaded_at = NULL; UPDATE income_day SET uploaded_revision = 0;"
        " UPDATE alert SET uploaded_revision = 0");
    upload();
  }
};

TEST_F(SupabaseMirror, PassesAfterACleanUpload) {
  upload();
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

struct Tamper {
  const char* sql;       // run on PostgreSQL after the upload
  const char* expected;  // in the failure message
};

TEST_F(SupabaseMirror, CatchesEveryKindOfDifferenceInPostgres) {
  const Tamper tampers[] = {
      {"DELETE FROM hashrates WHERE id = 1", "hashrates: missing in PostgreSQL (1)"},
      {"UPDATE hashrates SET hashrate_10m = hashrate_10m + 1 WHERE id = 2",
       "hashrates: in PostgreSQL but not in the cache (1)"},
      {"UPDATE hashrates SET \"timestamp\" = \"timestamp\" + interval '1 millisecond'"
       " WHERE id = 1",
       "hashrates: missing in PostgreSQL (1)"},
      {"INSERT INTO hashrates(account_name, \"timestamp\", hashrate_10m)"
       " VALUES ('KZPool_001', now(), 5)",
       "hashrates: in PostgreSQL but not in the cache (1)"},
      {"UPDATE devices SET status = 'online' WHERE worker_name = 'rig-0011'",
       "devices: missing in PostgreSQL (1)"},
      {"DELETE FROM devices WHERE worker_name = 'rig 0000'", "devices: missing in PostgreSQL (1)"},
      {"UPDATE income_tracking SET btc_amount = btc_amount + 0.00000001 WHERE date = '11/22/2026'",
       "income_tracking: in PostgreSQL but not in the cache (1)"},
      {"UPDATE income_tracking SET btc_amount = btc_amount + 0.000000001"
       " WHERE date = '11/21/2026'",
       "not-whole-satoshis"},
      {"UPDATE alerts SET message = 'old' WHERE alert_type = 'worker_offline'",
       "alerts: in PostgreSQL but not in the cache (1)"},
      {"UPDATE alerts SET resolved = false, resolved_at = NULL WHERE alert_type = 'hashrate_drop'",
       "alerts: missing in PostgreSQL (1)"},
      {"UPDATE accounts SET balance = 0", "accounts (balance, earn_24_hours in sat)"},
      {"DELETE FROM alerts", "alerts: missing in PostgreSQL (2)"},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.sql);
    fresh_upload();
    ASSERT_TRUE(supabase_matches_cache(db(), db_path_));
    db().execute(t.sql);
    const ::testing::AssertionResult result = supabase_matches_cache(db(), db_path_);
    EXPECT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find(t.expected), std::string::npos)
        << result.message();
  }
}

TEST_F(SupabaseMirror, CatchesWhatTheCacheStillHasToSend) {
  upload();
  cache().scrape(make_pool_page(13, 175'000));
  const ::testing::AssertionResult result = supabase_matches_cache(db(), db_path_);
  EXPECT_FALSE(result);
  const std::string message = result.message();
  EXPECT_NE(message.find("hashrates: missing in PostgreSQL (1)"), std::string::npos) << message;
  EXPECT_NE(message.find("still pending in the cache: snapshot KZPool_001"), std::string::npos)
      << message;
  EXPECT_NE(message.find("still pending in the cache: income_tracking KZPool_001 11/22/2026"),
            std::string::npos)
      << message;
  upload();
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
