#include "upload/postgrest_client.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <sstream>

#include "common/error.hpp"

namespace kz {
namespace {

constexpr const char* kKey = "eyJhbGciOiJIUzI1NiJ9.secret-service-key.sig";

// Answers from a script and records what it was asked.
class ScriptedTransport : public HttpTransport {
 public:
  void answer(long status, std::string body = "", Headers headers = {}) {
    HttpResult result;
    result.response = HttpResponse{status, std::move(headers), std::move(body)};
    script_.push_back(std::move(result));
  }
  void fail(std::string error) {
    HttpResult result;
    result.transport_error = std::move(error);
    script_.push_back(std::move(result));
  }
  HttpResult perform(const HttpRequest& request, std::chrono::milliseconds) override {
    requests.push_back(request);
    HttpResult result = script_.size() > 1 ? script_.front() : script_.at(0);
    if (script_.size() > 1) script_.pop_front();
    result.attempts = 1;
    return result;
  }
  std::vector<HttpRequest> requests;

 private:
  std::deque<HttpResult> script_;
};

PostgrestConfig config() {
  PostgrestConfig c;
  c.base_url = "https://project.supabase.co";
  c.service_key = kKey;
  c.http.max_retries = 3;
  c.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  return c;
}

const Sleeper kNoSleep = [](std::chrono::milliseconds) {};

std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return "";
}

// The error a rejected or failed upsert throws.
Error upsert_error(ScriptedTransport& transport, const std::string& table = "devices") {
  PostgrestClient client(config(), transport, kNoSleep);
  try {
    client.upsert(table, "device_id", "[]", 0);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return Error(ExitCode::ok, "");
}

TEST(PostgrestClient, SendsAnUpsertWithKeyHeaders) {
  ScriptedTransport transport;
  transport.answer(201, "", {{"content-range", "*/1"}});
  transport.answer(201, "", {{"content-range", "*/0"}});
  PostgrestClient client(config(), transport, kNoSleep);
  client.upsert("income_tracking", "account_name,date", R"([{"a":1}])", 1);
  ASSERT_EQ(transport.requests.size(), 1U);
  const HttpRequest& request = transport.requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://project.supabase.co/rest/v1/income_tracking?on_conflict=account_name,date");
  EXPECT_EQ(header(request, "apikey"), kKey);
  EXPECT_EQ(header(request, "Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(header(request, "Content-Type"), "application/json");
  EXPECT_EQ(header(request, "Prefer"), "resolution=merge-duplicates,return=minimal,count=exact");
  EXPECT_EQ(request.body, R"([{"a":1}])");
  EXPECT_EQ(client.requests(), 1);

  client.upsert("devices", "device_id", "[]", 0, Resolution::ignore_duplicates);
  EXPECT_EQ(header(transport.requests[1], "Prefer"),
            "resolution=ignore-duplicates,return=minimal,count=exact");
}

TEST(PostgrestClient, NormalizesTheProjectUrl) {
  EXPECT_EQ(normalize_supabase_url("https://x.supabase.co/"), "https://x.supabase.co");
  EXPECT_EQ(normalize_supabase_url("https://x.supabase.co/rest/v1/"), "https://x.supabase.co");
  EXPECT_EQ(normalize_supabase_url("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
  EXPECT_THROW(normalize_supabase_url("x.supabase.co"), Error);
}

TEST(PostgrestClient, RetriesTransientAnswersThenSucceeds) {
  ScriptedTransport transport;
  transport.answer(503, R"({"code":"PGRST000","message":"db down"})", {{"retry-after", "0"}});
  transport.answer(429, "", {});
  transport.answer(500, R"({"code":"57014","message":"canceling statement"})");
  transport.answer(200, "", {{"content-range", "*/0"}});
  PostgrestClient client(config(), transport, kNoSleep);
  client.upsert("hashrates", "account_name,timestamp", "[]", 0);
  EXPECT_EQ(client.requests(), 4);
}

TEST(PostgrestClient, TransientAfterRetriesKeepsRowsPending) {
  ScriptedTransport transport;
  transport.answer(503, R"({"code":"PGRST000","message":"Database client error"})");
  const Error e = upsert_error(transport);
  EXPECT_EQ(e.code(), ExitCode::upload_transient);
  EXPECT_EQ(transport.requests.size(), 4U);
  EXPECT_NE(std::string(e.what()).find("HTTP 503 PGRST000: Database client error"),
            std::string::npos)
      << e.what();
  EXPECT_NE(std::string(e.what()).find("4 attempts"), std::string::npos) << e.what();

  ScriptedTransport network;
  network.fail(std::string("connection refused: Failed to connect (") + kKey + ")");
  const Error n = upsert_error(network);
  EXPECT_EQ(n.code(), ExitCode::upload_transient);
  EXPECT_EQ(std::string(n.what()).find(kKey), std::string::npos) << n.what();
}

TEST(PostgrestClient, ClientErrorsAreRejectedAtOnceWithAdvice) {
  struct Case {
    long status;
    std::string body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {401, R"({"message":"Invalid API key","hint":"Double check your key."})",
       "HTTP 401: Invalid API key; hint: Double check your key. -> check SUPABASE_SERVICE_KEY"},
      {401, R"({"code":"PGRST301","details":null,"hint":null,"message":"JWSError"})",
       "HTTP 401 PGRST301: JWSError -> check SUPABASE_SERVICE_KEY"},
      {400,
       R"({"code":"42P10","details":null,"hint":null,"message":"there is no unique or )"
       R"(exclusion constraint matching the ON CONFLICT specification"})",
       "HTTP 400 42P10: there is no unique or exclusion constraint matching the ON CONFLICT "
       "specification -> apply sql/002_upsert_keys.sql"},
      {409,
       R"({"code":"23503","details":"Key (account_name)=(KZ) is not present in table )"
       R"(\"accounts\".","hint":null,"message":"insert or update on table \"devices\" )"
       R"(violates foreign key constraint"})",
       "HTTP 409 23503: insert or update on table \"devices\" violates foreign key constraint; "
       "details: Key (account_name)=(KZ) is not present in table \"accounts\". -> the account "
       "row is missing"},
      {404,
       R"({"code":"PGRST205","details":null,"hint":"Perhaps you meant the table )"
       R"('public.accounts'","message":"Could not find the table 'public.devices' in the )"
       R"(schema cache"})",
       "HTTP 404 PGRST205: Could not find the table 'public.devices' in the schema cache; hint: "
       "Perhaps you meant the table 'public.accounts' -> the table is missing: apply "
       "sql/001_schema.sql"},
      {400, R"({"code":"PGRST204","message":"Could not find the 'alert_key' column"})",
       "-> the table lacks a column kzupload writes"},
      {400, "<html>\nBad gateway config\n</html>", "HTTP 400: <html> Bad gateway config </html>"},
  };
  for (const Case& c : cases) {
    ScriptedTransport transport;
    transport.answer(c.status, c.body);
    const Error e = upsert_error(transport);
    EXPECT_EQ(e.code(), ExitCode::upload_rejected) << c.body;
    EXPECT_EQ(transport.requests.size(), 1U) << "never retried: " << c.body;
    const std::string message = e.what();
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("POST /rest/v1/devices"), std::string::npos) << message;
  }
}

TEST(PostgrestClient, KeyEchoedByTheServerIsRedacted) {
  ScriptedTransport transport;
  transport.answer(401, std::string(R"({"message":"bad key )") + kKey + R"("})");
  const Error e = upsert_error(transport);
  EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("[REDACTED]"), std::string::npos) << e.what();
}

TEST(PostgrestClient, DryRunPrintsTheRequestWithoutTheKey) {
  ScriptedTransport transport;
  std::ostringstream out;
  PostgrestClient client(config(), transport, kNoSleep, &out);
  client.upsert("accounts", "account_name", R"([{"account_name":"KZPool_001"}])", 1);
  EXPECT_TRUE(transport.requests.empty());
  EXPECT_EQ(
      out.str(),
      "POST https://project.supabase.co/rest/v1/accounts?on_conflict=account_name\n"
      "apikey: [REDACTED]\nAuthorization: [REDACTED]\nContent-Type: application/json\n"
      "Accept: application/json\nPrefer: resolution=merge-duplicates,return=minimal,count=exact\n\n"
      "[{\"account_name\":\"KZPool_001\"}]\n\n");
}

TEST(PostgrestClient, StopsAtTheRunDeadline) {
  ScriptedTransport transport;
  transport.answer(201);
  PostgrestConfig c = config();
  c.deadline = std::chrono::steady_clock::now();
  PostgrestClient client(c, transport, kNoSleep);
  try {
    client.upsert("alerts", "alert_key", "[]", 0);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::upload_transient);
  }
  EXPECT_TRUE(transport.requests.empty());
}

}  // namespace
}  // namespace kz
