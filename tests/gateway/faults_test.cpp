// Fault injection and the request log (issue 3), controlled while the gateway runs.

#include <chrono>

#include "gateway/gateway_fixture.hpp"

namespace kz::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class FaultsTest : public GatewayTest {
 protected:
  static Reply post_account(const std::string& name) {
    return post("/rest/v1/accounts", R"([{"account_name":")" + name + R"("}])", service_headers());
  }
  static Reply admin(const std::string& method, const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", supabase().gateway().port());
    httplib::Result result = method == "POST"  ? client.Post(path.c_str(), body, "application/json")
                             : method == "GET" ? client.Get(path.c_str())
                                               : client.Delete(path.c_str());
    Reply reply;
    if (result) reply = {true, result->status, result->body, result->headers};
    return reply;
  }
};

TEST_F(FaultsTest, ServiceUnavailableForTheNextRequestsThenRecovers) {
  supabase().faults().add({FaultKind::kServiceUnavailable, 2, 7});
  for (const char* name : {"a", "b"}) {
    Reply reply = post_account(name);
    EXPECT_EQ(reply.status, 503);
    EXPECT_EQ(reply.header("Retry-After"), "7");
  }
  EXPECT_EQ(row_count("accounts"), 0);
  EXPECT_EQ(post_account("c").status, 201);
  EXPECT_EQ(value("SELECT string_agg(account_name, ',') FROM accounts"), "c");
}

TEST_F(FaultsTest, FaultsQueueInOrder) {
  supabase().faults().add({FaultKind::kTooManyRequests, 1, 2});
  supabase().faults().add({FaultKind::kStatementTimeout, 1});
  Reply rate_limited = post_account("a");
  EXPECT_EQ(rate_limited.status, 429);
  EXPECT_EQ(rate_limited.header("Retry-After"), "2");
  Reply timed_out = post_account("a");
  EXPECT_EQ(timed_out.status, 500);
  EXPECT_EQ(timed_out.json(),
            json::parse(R"({"code":"57014","details":null,"hint":null,)"
                        R"("message":"canceling statement due to statement timeout"})"));
  EXPECT_EQ(post_account("a").status, 201);
  EXPECT_EQ(row_count("accounts"), 1);
}

TEST_F(FaultsTest, DelayHoldsTheNextRequests) {
  supabase().faults().set_delay(milliseconds(400), 1);
  auto started = Clock::now();
  EXPECT_EQ(post_account("a").status, 201);
  EXPECT_GE(Clock::now() - started, milliseconds(400));
  started = Clock::now();
  EXPECT_EQ(post_account("b").status, 201);
  EXPECT_LT(Clock::now() - started, milliseconds(400));
}

TEST_F(FaultsTest, DropConnectionClosesWithoutAnswerAndWritesNothing) {
  supabase().faults().add({FaultKind::kDropConnection, 1});
  Reply reply = post_account("a");
  EXPECT_FALSE(reply.answered);
  EXPECT_EQ(row_count("accounts"), 0);
  auto log = supabase().requests().entries();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, 0);
  EXPECT_EQ(log[0].fault, "drop_connection");
}

TEST_F(FaultsTest, DropResponseCommitsButDoesNotAnswer) {
  supabase().faults().add({FaultKind::kDropResponse, 1});
  Reply reply = post_account("a");
  EXPECT_FALSE(reply.answered);
  EXPECT_EQ(row_count("accounts"), 1);
}

TEST_F(FaultsTest, AdminEndpointControlsFaultsWithoutRestart) {
  Reply added = admin("POST", "/_admin/faults", R"({"kind":"too_many_requests","count":2})");
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(post_account("a").status, 429);
  EXPECT_EQ(admin("DELETE", "/_admin/faults", "").status, 204);
  EXPECT_EQ(post_account("a").status, 201);
  EXPECT_EQ(admin("POST", "/_admin/faults", R"({"kind":"no_such_fault"})").status, 400);
}

TEST_F(FaultsTest, RequestLogHasMethodPathStatusAndRowsButNeverTheKey) {
  post("/rest/v1/accounts", R"([{"account_name":"a"},{"account_name":"b"},{"account_name":"c"}])",
       service_headers({{"Prefer", "resolution=merge-duplicates"}}));
  get("/rest/v1/accounts?select=account_name&apikey=" + supabase().anon_key(), {});
  auto log = supabase().requests().entries();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, "/rest/v1/accounts");
  EXPECT_EQ(log[0].status, 201);
  EXPECT_EQ(log[0].rows, 3);
  EXPECT_EQ(log[0].prefer, "resolution=merge-duplicates");
  EXPECT_EQ(log[1].method, "GET");
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(log[1].rows, 3);
  EXPECT_EQ(log[1].query, "select=account_name");
  Reply over_http = admin("GET", "/_admin/requests", "");
  EXPECT_EQ(over_http.json().size(), 2u);
  for (const std::string& secret :
       {supabase().service_key(), supabase().anon_key(), std::string("Bearer")}) {
    EXPECT_EQ(over_http.body.find(secret), std::string::npos);
  }
}

}  // namespace
}  // namespace kz::test
