// postgrest.md, "Bulk insert and upsert": the body rules, return=, count=, Preference-Applied,
// columns= and missing=default.

#include <set>

#include "gateway/gateway_fixture.hpp"

namespace kz::test {
namespace {

using nlohmann::json;

class InsertTest : public GatewayTest {};

std::set<std::string> comma_separated(const std::string& header) {
  std::set<std::string> items;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t end = header.find(',', start);
    std::string item = header.substr(start, end == std::string::npos ? end : end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.insert(item);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

TEST_F(InsertTest, BulkInsertWritesEveryRowAndAnswers201WithEmptyBody) {
  Reply reply =
      post("/rest/v1/accounts",
           R"([{"account_name":"a","worker_count":1},{"account_name":"b","worker_count":2},)"
           R"({"account_name":"c","worker_count":3}])",
           service_headers());
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(value("SELECT string_agg(account_name || '=' || worker_count, ',' ORDER BY 1) "
                  "FROM accounts"),
            "a=1,b=2,c=3");
}

TEST_F(InsertTest, ObjectsWithDifferentKeysAre400Pgrst102) {
  Reply reply =
      post("/rest/v1/accounts", R"([{"account_name":"a","worker_count":1},{"account_name":"b"}])",
           service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json(), json::parse(R"({"code":"PGRST102","details":null,"hint":null,)"
                                      R"("message":"All object keys must match"})"));
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(InsertTest, EmptyOrInvalidJsonIs400Pgrst102) {
  for (const char* body : {"", "[{\"account_name\":", "not json"}) {
    Reply reply = post("/rest/v1/accounts", body, service_headers());
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.json(), json::parse(R"({"code":"PGRST102","details":null,"hint":null,)"
                                        R"("message":"Empty or invalid json"})"))
        << body;
  }
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(InsertTest, EmptyArrayIs201AndWritesNothing) {
  Reply reply = post("/rest/v1/accounts", "[]", service_headers());
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(InsertTest, KeyThatIsNotAColumnIs400Pgrst204) {
  Reply reply =
      post("/rest/v1/accounts", R"([{"account_name":"a","colour":"red"}])", service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], "PGRST204");
  EXPECT_EQ(reply.json()["message"],
            "Could not find the 'colour' column of 'accounts' in the schema cache");
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(InsertTest, UnknownTableIs404Pgrst205) {
  Reply reply = post("/rest/v1/acounts", R"([{"account_name":"a"}])", service_headers());
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.json()["code"], "PGRST205");
  EXPECT_EQ(reply.json()["message"],
            "Could not find the table 'public.acounts' in the schema cache");
}

TEST_F(InsertTest, OneBadRowFailsTheWholeRequest) {
  Reply reply =
      post("/rest/v1/accounts",
           R"([{"account_name":"a","worker_count":1},{"account_name":"b","worker_count":1.5}])",
           service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], "22P02");
  EXPECT_EQ(reply.json()["message"], "invalid input syntax for type integer: \"1.5\"");
  EXPECT_EQ(row_count("accounts"), 0);  // the good row is not written either
}

TEST_F(InsertTest, ReturnMinimalAnswersWithoutBody) {
  Reply reply = post("/rest/v1/accounts", R"([{"account_name":"a"}])",
                     service_headers({{"Prefer", "return=minimal"}}));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body, "");
}

TEST_F(InsertTest, ReturnRepresentationAnswersTheWrittenRows) {
  Reply reply = post("/rest/v1/accounts", R"([{"account_name":"a","display_name":"A"}])",
                     service_headers({{"Prefer", "return=representation"}}));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.json(), json::parse(R"([{"account_name":"a","display_name":"A",)"
                                      R"("worker_count":0,"country":null,"plan":"basic"}])"));
}

TEST_F(InsertTest, CountExactAddsContentRangeWithTheRowCount) {
  Reply reply = post("/rest/v1/accounts",
                     R"([{"account_name":"a"},{"account_name":"b"},{"account_name":"c"}])",
                     service_headers({{"Prefer", "count=exact"}}));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.header("Content-Range"), "*/3");
}

TEST_F(InsertTest, PreferenceAppliedEchoesTheRecognizedPreferences) {
  Reply reply = post("/rest/v1/accounts", R"([{"account_name":"a"}])",
                     service_headers({{"Prefer",
                                       "return=representation, count=exact, "
                                       "resolution=merge-duplicates, frobnicate=yes"}}));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(comma_separated(reply.header("Preference-Applied")),
            (std::set<std::string>{"return=representation", "count=exact",
                                   "resolution=merge-duplicates"}));
}

TEST_F(InsertTest, ColumnsWithMissingDefaultTakesTheColumnDefault) {
  Reply reply = post("/rest/v1/accounts?columns=account_name,worker_count,plan",
                     R"([{"account_name":"a"},{"account_name":"b","worker_count":5,"plan":"pro"}])",
                     service_headers({{"Prefer", "missing=default"}}));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(value("SELECT string_agg(account_name || ':' || worker_count || ':' || plan, ',' "
                  "ORDER BY 1) FROM accounts"),
            "a:0:basic,b:5:pro");
}

TEST_F(InsertTest, ColumnsWithoutMissingDefaultWritesNull) {
  ASSERT_EQ(
      post("/rest/v1/accounts?columns=account_name,display_name",
           R"([{"account_name":"a"},{"account_name":"b","display_name":"B"}])", service_headers())
          .status,
      201);
  EXPECT_EQ(value("SELECT coalesce(display_name, 'NULL') FROM accounts WHERE account_name = 'a'"),
            "NULL");
  // A NOT NULL column named in columns= gets NULL, not its default, and the insert fails.
  Reply reply = post("/rest/v1/accounts?columns=account_name,worker_count",
                     R"([{"account_name":"c"}])", service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], "23502");
  EXPECT_EQ(row_count("accounts"), 2);
}

}  // namespace
}  // namespace kz::test
