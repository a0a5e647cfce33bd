// kzupload --check against the local Supabase stand-in (and a redirecting page_server).

#include "upload/connection_check.hpp"

#include <gtest/gtest.h>

#include "support/gateway/jwt.hpp"
#include "support/page_server.hpp"
#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

const std::string kPass = "\u2713 ";
const std::string kFail = "\u2717 ";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int count_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  for (const std::string& line : lines_of(text)) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

class ConnectionCheck : public StandInTest {
 protected:
  struct Result {
    ExitCode code;
    std::string out;
  };
  Result check(const std::string& key, std::string url = "") {
    CheckSettings settings;
    settings.supabase_url = url.empty() ? supabase().url() : url;
    settings.service_key = key;
    settings.http.max_retries = 0;
    settings.http.total_timeout = std::chrono::seconds(10);
    CurlTransport transport(settings.http);
    std::ostringstream out;
    const ExitCode code = check_connection(
        settings, transport, [](std::chrono::milliseconds) {}, out);
    EXPECT_EQ(out.str().find(key), std::string::npos) << out.str();
    for (const std::string& line : lines_of(out.str())) {
      EXPECT_TRUE(line.starts_with(kPass) || line.starts_with(kFail)) << line;
      if (line.starts_with(kFail)) {
        EXPECT_NE(line.find(" -> "), std::string::npos) << line;
      }
    }
    return {code, out.str()};
  }
  // The one line naming `what`.
  static std::string line_with(const std::string& out, const std::string& what) {
    for (const std::string& line : lines_of(out)) {
      if (line.find(what) != std::string::npos) return line;
    }
    return "";
  }
};

TEST_F(ConnectionCheck, AGoodSetupPassesEveryStepAndWritesNothing) {
  db().execute("INSERT INTO accounts (account_name) VALUES ('KZ')");
  const std::string before = all_rows();
  const Result r = check(supabase().service_key());
  EXPECT_EQ(r.code, ExitCode::ok) << r.out;
  EXPECT_EQ(count_starting(r.out, kFail), 0) << r.out;
  // URL, key, eight tables, eight unique keys.
  EXPECT_EQ(count_starting(r.out, kPass), 18) << r.out;
  for (const char* table : {"accounts", "hashrates", "devices", "income_tracking", "alerts",
                            "payments", "api_call_logs", "pool_stats"}) {
    EXPECT_TRUE(line_with(r.out, std::string("table ") + table + " ").starts_with(kPass)) << table;
    EXPECT_TRUE(line_with(r.out, std::string("unique key ") + table + "(").starts_with(kPass))
        << table;
  }
  EXPECT_EQ(all_rows(), before);
  EXPECT_EQ(count("payments"), 0);
}

TEST_F(ConnectionCheck, AnAnonKeyIsNamedAndNothingElseIsTried) {
  const std::string secret = supabase().jwt_secret();
  for (const std::string& key :
       {supabase().anon_key(), std::string("sb_publishable_abcdefghijklmnop0123456789")}) {
    supabase().requests().clear();
    const Result r = check(key);
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    EXPECT_NE(line_with(r.out, "key").find("this is the anon key: use the service_role key"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(line_with(r.out, "table "), "") << r.out;
    EXPECT_EQ(count_starting(r.out, kFail), 1) << r.out;
  }
  const Result other = check(make_jwt_with_claims({{"role", "authenticated"}}, secret));
  EXPECT_EQ(other.code, ExitCode::upload_rejected);
  EXPECT_NE(other.out.find("its role is 'authenticated'"), std::string::npos) << other.out;
}

TEST_F(ConnectionCheck, ARefusedKeyStopsTheCheck) {
  for (const std::string& key :
       {make_jwt("service_role", "another-secret-with-at-least-32-characters!!", 4102444800),
        std::string("sb_secret_0123456789abcdefghijklmnopqrstuv")}) {
    const Result r = check(key);
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    const std::string line = line_with(r.out, "key");
    EXPECT_TRUE(line.starts_with(kFail)) << r.out;
    EXPECT_NE(line.find("refuses it (HTTP 401"), std::string::npos) << r.out;
    EXPECT_EQ(line_with(r.out, "table "), "") << r.out;
  }
}

TEST_F(ConnectionCheck, AMissingTableNamesTheFileThatCreatesIt) {
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"hashrates", "sql/001_schema.sql"},      {"income_tracking", "sql/001_schema.sql"},
      {"alerts", "sql/001_schema.sql"},         {"payments", "sql/003_payments.sql"},
      {"api_call_logs", "sql/004_antpool.sql"}, {"pool_stats", "sql/004_antpool.sql"}};
  for (const auto& [table, file] : tables) {
    TearDown();  // SetUp's migrations bring back what the last round dropped
    SetUp();
    db().execute("DROP TABLE " + table + " CASCADE");
    supabase().gateway().reload_schema();
    const Result r = check(supabase().service_key());
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    EXPECT_EQ(line_with(r.out, "table " + table + " "),
              kFail + "table " + table + " is missing -> apply " + file)
        << r.out;
    EXPECT_EQ(line_with(r.out, "unique key " + table + "("), "") << r.out;
    EXPECT_EQ(count_starting(r.out, kFail), 1) << r.out;
    EXPECT_EQ(count_starting(r.out, kPass), 16) << r.out;
  }
}

TEST_F(ConnectionCheck, AMissingColumnNamesTheFileThatAddsIt) {
  for (const std::string column : {"alert_key", "resolved_at"}) {
    TearDown();
    SetUp();
    db().execute("ALTER TABLE alerts DROP COLUMN " + column);
    supabase().gateway().reload_schema();
    const Result r = check(supabase().service_key());
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    const std::string line = line_with(r.out, "table alerts ");
    EXPECT_TRUE(line.starts_with(kFail + "table alerts lacks the column " + column)) << r.out;
    EXPECT_TRUE(line.ends_with("-> apply sql/002_upsert_keys.sql")) << r.out;
  }
}

TEST_F(ConnectionCheck, AMissingUniqueKeyNamesTheFileThatAddsIt) {
  const std::vector<std::tuple<std::string, std::string, std::string>> keys = {
      {"hashrates", "hashrates_account_name_timestamp_key", "sql/002_upsert_keys.sql"},
      {"income_tracking", "income_tracking_account_name_date_key", "sql/002_upsert_keys.sql"},
      {"alerts", "alerts_alert_key_key", "sql/002_upsert_keys.sql"},
      {"payments", "payments_payment_id_key", "sql/003_payments.sql"},
      {"api_call_logs", "api_call_logs_account_name_nonce_key", "sql/004_antpool.sql"},
      {"pool_stats", "pool_stats_coin_type_fetched_at_key", "sql/004_antpool.sql"}};
  for (const auto& [table, index, file] : keys) {
    TearDown();
    SetUp();
    db().execute("DROP INDEX " + index);
    supabase().gateway().reload_schema();
    const Result r = check(supabase().service_key());
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    const std::string line = line_with(r.out, "unique key " + table + "(");
    EXPECT_TRUE(line.starts_with(kFail)) << r.out;
    EXPECT_TRUE(line.ends_with("is missing -> apply " + file)) << r.out;
    EXPECT_EQ(count_starting(r.out, kFail), 1) << r.out;
  }
}

TEST_F(ConnectionCheck, ARedirectingUrlNamesTheTargetAndStops) {
  for (const int status : {301, 302, 307, 308}) {
    PageServer server;
    server.set("/rest/v1/", {Step::redirect("https://127.0.0.1:1/rest/v1/", status)});
    const Result r = check(supabase().service_key(), server.url(""));
    EXPECT_EQ(r.code, ExitCode::upload_rejected) << r.out;
    const auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 1U) << r.out;
    EXPECT_TRUE(lines[0].starts_with(kFail)) << r.out;
    EXPECT_NE(lines[0].find("SUPABASE_URL redirects to https://127.0.0.1:1: use that URL"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(server.request_count("/rest/v1/"), 1);
  }
}

// A server that is not Supabase's REST API (a web server's page, a proxy's error page) fails
// the first step that needs PostgREST, whatever status it answers with.
TEST_F(ConnectionCheck, AServerThatIsNotPostgrestFailsTheKeyStep) {
  const std::string html = "<!DOCTYPE html>\n<html><body>Welcome to nginx!</body></html>";
  for (const int status : {200, 201, 404, 401}) {
    SCOPED_TRACE(status);
    PageServer server;
    for (const std::string path : {"/rest/v1/", "/rest/v1/accounts"}) {
      server.set(path, {Step::respond(status, html, {{"Content-Type", "text/html"}})});
    }
    const Result r = check(supabase().service_key(), server.url(""));
    EXPECT_EQ(r.code, ExitCode::upload_transient) << r.out;
    const std::string line = line_with(r.out, "key: not a PostgREST answer");
    EXPECT_TRUE(line.starts_with(kFail)) << r.out;
    EXPECT_NE(line.find("text/html"), std::string::npos) << line;
    EXPECT_NE(line.find("SUPABASE_URL must be the project's URL"), std::string::npos) << line;
    EXPECT_EQ(count_starting(r.out, kPass), 1) << r.out;  // only "answers without a redirect"
  }
}

TEST_F(ConnectionCheck, NoServerIsTransientAndAMissingSettingIsUsage) {
  const std::string url = "http://127.0.0.1:1";
  const Result r = check(supabase().service_key(), url);
  EXPECT_EQ(r.code, ExitCode::upload_transient) << r.out;
  EXPECT_EQ(lines_of(r.out).size(), 1U) << r.out;

  CheckSettings settings;
  settings.supabase_url = supabase().url();
  CurlTransport transport(settings.http);
  std::ostringstream out;
  EXPECT_EQ(check_connection(settings, transport, real_sleeper(), out), ExitCode::usage);
  EXPECT_NE(out.str().find("no service key"), std::string::npos) << out.str();
}

TEST(KeyIdentity, ReadsTheRoleClaimLocally) {
  const std::string secret = "a-secret-with-at-least-32-characters-long!!";
  EXPECT_EQ(identify_key(make_jwt("service_role", secret, 4102444800)).role, KeyRole::service);
  EXPECT_EQ(identify_key(make_jwt("anon", secret, 4102444800)).role, KeyRole::anon);
  EXPECT_EQ(identify_key(make_jwt_with_claims({{"role", "authenticated"}}, secret)).role,
            KeyRole::other);
  EXPECT_EQ(identify_key(make_jwt_with_claims({{"iss", "x"}}, secret)).role, KeyRole::unreadable);
  EXPECT_EQ(identify_key("sb_secret_abc").role, KeyRole::service);
  EXPECT_EQ(identify_key("sb_publishable_abc").role, KeyRole::anon);
  for (const std::string bad : {"", "plain", "a.b", "a.!!!.c", "a.e30.c"}) {
    EXPECT_EQ(identify_key(bad).role, KeyRole::unreadable) << bad;
  }
}

using KzuploadCheckBinary = StandInTest;

TEST_F(KzuploadCheckBinary, ChecksWithoutACacheAndNeverPrintsTheKey) {
  const std::string key = supabase().service_key();
  const bool cache_existed = std::filesystem::exists("btcpool_data.db");
  const auto good =
      run_process({KZUPLOAD_PATH, "--check"}, supabase_env(key), std::chrono::seconds(60));
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_EQ(count_starting(good.out, kPass), 18) << good.out;
  EXPECT_EQ(std::filesystem::exists("btcpool_data.db"), cache_existed) << "--check opened a cache";

  const std::string wrong =
      make_jwt("service_role", "another-secret-with-at-least-32-chars!!", 4102444800);
  const auto refused =
      run_process({KZUPLOAD_PATH, "--check"}, supabase_env(wrong), std::chrono::seconds(60));
  EXPECT_EQ(refused.exit_code, 6) << refused.out << refused.err;
  for (const auto& r : {good, refused}) {
    for (const std::string& k : {key, wrong}) {
      EXPECT_EQ(r.out.find(k), std::string::npos);
      EXPECT_EQ(r.err.find(k), std::string::npos);
    }
  }
  const auto no_url = run_process({KZUPLOAD_PATH, "--check"}, {{"SUPABASE_SERVICE_KEY", key}},
                                  std::chrono::seconds(60));
  EXPECT_EQ(no_url.exit_code, 2) << no_url.out << no_url.err;
  EXPECT_NE(no_url.out.find("SUPABASE_URL is not set"), std::string::npos) << no_url.out;
}

}  // namespace
}  // namespace kz::test
