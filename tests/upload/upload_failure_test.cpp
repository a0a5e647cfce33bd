#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using UploadFailure = StandInTest;

bool is_merge(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (name == "Prefer") return value.find("merge-duplicates") != std::string::npos;
  }
  return false;
}

TEST_F(UploadFailure, OutageOverThreeScrapesThenRecovery) {
  cache().scrape(make_pool_page(20));
  upload();
  supabase().faults().add({FaultKind::kServiceUnavailable, 1000, 1});

  cache().scrape(make_pool_page(20));
  cache().alert(AlertAction::open, "offline_workers", "", Severity::high, "5 of 20 offline");
  EXPECT_EQ(upload_error(options()).code(), ExitCode::upload_transient);
  cache().scrape(make_pool_page(20));
  cache().alert(AlertAction::open, "worker_offline", "rig-0003", Severity::medium, "rig-0003");
  cache().alert(AlertAction::update, "offline_workers", "", Severity::medium, "2 of 20 offline");
  EXPECT_EQ(upload_error(options()).code(), ExitCode::upload_transient);
  cache().scrape(make_pool_page(20));
  cache().alert(AlertAction::resolve, "offline_workers");
  const Error third = upload_error(options());
  EXPECT_EQ(third.code(), ExitCode::upload_transient);
  EXPECT_NE(std::string(third.what()).find("HTTP 503"), std::string::npos) << third.what();
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(count("alerts"), 0);

  supabase().faults().clear();
  supabase().requests().clear();
  const UploadSummary summary = upload();
  ASSERT_EQ(posts("hashrates").size(), 1U);
  EXPECT_EQ(posts("hashrates")[0].rows, 3);
  EXPECT_EQ(summary.alerts, 2U);
  EXPECT_EQ(count("hashrates"), 4);
  EXPECT_EQ(count("SELECT count(DISTINCT \"timestamp\") FROM hashrates"), 4);
  EXPECT_EQ(value("SELECT string_agg(concat_ws(' ', alert_type, severity, message, resolved),"
                  " '; ' ORDER BY alert_type) FROM alerts"),
            "offline_workers medium 2 of 20 offline t; worker_offline medium rig-0003 f");
  EXPECT_EQ(count("devices"), 20);
  EXPECT_EQ(count("income_tracking"), 2);
  supabase().requests().clear();
  EXPECT_EQ(upload().requests, 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// The devices upsert is committed but its answer is lost, on every retry.
TEST_F(UploadFailure, FailureMidwayThroughTheTablesThenRerun) {
  cache().scrape(make_pool_page(50));
  cache().alert(AlertAction::open, "zero_hashrate", "rig-0011");
  CurlTransport curl(HttpOptions{});
  HookedTransport hooked(curl, [](const HttpRequest& request) {
    if (request.url.find("/rest/v1/devices") != std::string::npos && is_merge(request)) {
      supabase().faults().add({FaultKind::kDropResponse, 1});
    }
  });
  const Error e = upload_error(options(), &hooked);
  EXPECT_EQ(e.code(), ExitCode::upload_transient);
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(count("devices"), 50);
  EXPECT_EQ(count("income_tracking"), 0);
  EXPECT_EQ(count("alerts"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);

  supabase().requests().clear();
  upload();
  EXPECT_EQ(posts("hashrates").size(), 1U);  // sent again: the snapshot was not confirmed
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(count("devices"), 50);
  EXPECT_EQ(count("income_tracking"), 2);
  EXPECT_EQ(count("alerts"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM alert WHERE uploaded_revision < revision"), 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadFailure, RejectedMidwayThenRerunSendsOnlyTheRest) {
  db().execute(
      "CREATE FUNCTION kz_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " RAISE EXCEPTION 'income is closed for maintenance' USING HINT = 'try later'; END $$;"
      "CREATE TRIGGER kz_test_refuse BEFORE INSERT ON income_tracking"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_refuse()");
  cache().scrape(make_pool_page(10));
  cache().alert(AlertAction::open, "offline_workers");
  const Error e = upload_error(options());
  db().execute("DROP TRIGGER kz_test_refuse ON income_tracking; DROP FUNCTION kz_test_refuse()");
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  EXPECT_NE(std::string(e.what()).find("POST /rest/v1/income_tracking (2 rows): HTTP 400 P0001: "
                                       "income is closed for maintenance; hint: try later"),
            std::string::npos)
      << e.what();
  EXPECT_EQ(count("devices"), 10);
  EXPECT_EQ(count("alerts"), 0);

  supabase().requests().clear();
  upload();
  std::vector<std::string> paths;
  for (const LoggedRequest& r : posts()) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/rest/v1/accounts", "/rest/v1/income_tracking",
                                             "/rest/v1/alerts"}));
  EXPECT_EQ(count("income_tracking"), 2);
  EXPECT_EQ(count("alerts"), 1);
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadFailure, MissingTableIsRejectedWithAdvice) {
  db().execute("DROP TABLE alerts");
  supabase().gateway().reload_schema();
  cache().scrape(make_pool_page(4));
  cache().alert(AlertAction::open, "offline_workers");
  const Error e = upload_error(options());
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  const std::string message = e.what();
  EXPECT_NE(message.find("HTTP 404 PGRST205"), std::string::npos) << message;
  EXPECT_NE(message.find("apply sql/001_schema.sql"), std::string::npos) << message;
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM alert WHERE uploaded_revision < revision"), 1);
}

TEST_F(UploadFailure, MissingUniqueKeyAsksForTheMigration) {
  db().execute("DROP INDEX hashrates_account_name_timestamp_key");
  cache().scrape(make_pool_page(4));
  const Error e = upload_error(options());
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  const std::string message = e.what();
  EXPECT_NE(message.find("HTTP 400 42P10"), std::string::npos) << message;
  EXPECT_NE(message.find("apply sql/002_upsert_keys.sql"), std::string::npos) << message;
  EXPECT_EQ(count("accounts"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);
}

// A policy or trigger that silently drops the account row: the hashrates then break the
// foreign key (409 23503).
// A trigger that silently drops the account row: PostgREST counts 0 of the 1 row sent, so the
// pool stops there, before its hashrates could break the foreign key.
TEST_F(UploadFailure, ASilentlyDroppedAccountRowStopsThePool) {
  db().execute(
      "CREATE FUNCTION kz_test_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL;"
      " END $$; CREATE TRIGGER kz_test_drop BEFORE INSERT ON accounts"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_drop()");
  cache().scrape(make_pool_page(4));
  const Error e = upload_error(options());
  db().execute("DROP TRIGGER kz_test_drop ON accounts; DROP FUNCTION kz_test_drop()");
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  const std::string message = e.what();
  EXPECT_NE(message.find("POST /rest/v1/accounts (1 row): HTTP 201"), std::string::npos) << message;
  EXPECT_NE(message.find("may drop rows"), std::string::npos) << message;
  EXPECT_TRUE(posts("hashrates").empty());
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 0);

  upload();
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// The accounts row deleted between two runs' requests: the foreign key refuses every row of
// the pool alike, so nothing is set aside and the pool stops with advice.
TEST_F(UploadFailure, AMissingAccountRowStopsThePoolWithAdvice) {
  cache().scrape(make_pool_page(4));
  CurlTransport curl(HttpOptions{});
  HookedTransport hooked(curl, [](const HttpRequest& request) {
    if (request.url.find("/rest/v1/hashrates") != std::string::npos) {
      db().execute("DELETE FROM accounts");
    }
  });
  const Error e = upload_error(options(), &hooked);
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  const std::string message = e.what();
  EXPECT_NE(message.find("POST /rest/v1/hashrates (1 row): HTTP 409 23503: insert or update on "
                         "table \"hashrates\" violates foreign key constraint"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("-> the account row is missing"), std::string::npos) << message;
  EXPECT_EQ(posts("hashrates").size(), 1U);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 0);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 1);

  upload();  // the accounts row goes first again
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

TEST_F(UploadFailure, StatementTimeoutsAndRateLimitsAreRetried) {
  cache().scrape(make_pool_page(4));
  supabase().faults().add({FaultKind::kStatementTimeout, 1});
  supabase().faults().add({FaultKind::kTooManyRequests, 1});
  supabase().faults().add({FaultKind::kDropConnection, 1});
  const UploadSummary summary = upload();
  EXPECT_EQ(summary.requests, 8);  // 5 requests, the first one tried 4 times
  EXPECT_EQ(count("hashrates"), 1);
  EXPECT_EQ(count("devices"), 4);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
