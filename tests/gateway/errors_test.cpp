// postgrest.md, "Errors": the body, the content type, and the SQLSTATE -> HTTP status table.

#include "gateway/gateway_fixture.hpp"
#include "support/gateway/gateway.hpp"

namespace kz::test {
namespace {

using nlohmann::json;

class ErrorsTest : public GatewayTest {};

TEST_F(ErrorsTest, BodyHasCodeDetailsHintMessageAndJsonContentType) {
  db().execute("INSERT INTO accounts (account_name) VALUES ('a')");
  Reply reply = post("/rest/v1/accounts", R"([{"account_name":"a"}])", service_headers());
  EXPECT_EQ(reply.header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(
      reply.json(),
      json::parse(
          R"({"code":"23505","details":"Key (account_name)=(a) already exists.",)"
          R"("hint":null,)"
          R"("message":"duplicate key value violates unique constraint \"accounts_pkey\""})"));
}

TEST_F(ErrorsTest, UniqueViolationIs409) {
  db().execute("INSERT INTO accounts (account_name) VALUES ('a')");
  Reply reply = post("/rest/v1/accounts", R"([{"account_name":"a"}])", service_headers());
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(reply.json()["code"], "23505");
}

TEST_F(ErrorsTest, ForeignKeyViolationIs409) {
  Reply reply =
      post("/rest/v1/devices", R"([{"device_id":"KZ_x_w1","account_name":"x","worker_name":"w1"}])",
           service_headers());
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(reply.json()["code"], "23503");
  EXPECT_EQ(reply.json()["message"].get<std::string>().rfind(
                "insert or update on table \"devices\" violates foreign key constraint", 0),
            0u);
  EXPECT_EQ(row_count("devices"), 0);
}

struct BadValueCase {
  const char* sqlstate;
  const char* table;
  const char* body;
  const char* message;
};

void PrintTo(const BadValueCase& param, std::ostream* out) {
  *out << param.sqlstate;
}

class BadValueTest : public GatewayTest, public ::testing::WithParamInterface<BadValueCase> {};

TEST_P(BadValueTest, Is400WithThePostgresMessage) {
  const auto& param = GetParam();
  Reply reply = post(std::string("/rest/v1/") + param.table, param.body, service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], param.sqlstate);
  EXPECT_EQ(reply.json()["message"], param.message);
  EXPECT_EQ(row_count(param.table), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Postgrest, BadValueTest,
    ::testing::Values(
        BadValueCase{"23502", "accounts", R"([{"account_name":"a","worker_count":null}])",
                     "null value in column \"worker_count\" of relation \"accounts\" violates "
                     "not-null constraint"},
        BadValueCase{"23514", "accounts", R"([{"account_name":"a","worker_count":-1}])",
                     "new row for relation \"accounts\" violates check constraint "
                     "\"accounts_worker_count_check\""},
        BadValueCase{"22P02", "accounts", R"([{"account_name":"a","worker_count":"many"}])",
                     "invalid input syntax for type integer: \"many\""},
        BadValueCase{"22003", "hashrates",
                     R"([{"account_name":"a","recorded_at":"t","hashrate_ths":1,"shares":70000}])",
                     "value \"70000\" is out of range for type smallint"},
        BadValueCase{"22001", "accounts", R"([{"account_name":"a","country":"Kazakhstan"}])",
                     "value too long for type character varying(5)"}),
    [](const auto& test_info) { return std::string("Sqlstate") + test_info.param.sqlstate; });

TEST_F(ErrorsTest, UndefinedColumnIs400Code42703) {
  Reply reply = get("/rest/v1/accounts?select=account_name,colour", service_headers());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], "42703");
}

TEST_F(ErrorsTest, WriteInAReadIs405Code25006) {
  Reply reply = get("/rest/v1/tickets", service_headers());  // the view calls nextval()
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.json()["code"], "25006");
}

struct SqlstateCase {
  const char* sqlstate;
  int status;
  bool retry_after;
};

void PrintTo(const SqlstateCase& param, std::ostream* out) {
  *out << param.sqlstate;
}

class SqlstateStatusTest : public GatewayTest,
                           public ::testing::WithParamInterface<SqlstateCase> {};

// sqlstate_probe raises the SQLSTATE it is given, with message, detail and hint.
TEST_P(SqlstateStatusTest, MapsToTheSpecifiedStatusAndPassesTheErrorThrough) {
  const auto& param = GetParam();
  Reply reply = post("/rest/v1/sqlstate_probe",
                     std::string(R"([{"code":")") + param.sqlstate + R"("}])", service_headers());
  EXPECT_EQ(reply.status, param.status);
  EXPECT_EQ(reply.json(), json({{"code", param.sqlstate},
                                {"details", "probe detail"},
                                {"hint", "probe hint"},
                                {"message", std::string("probe ") + param.sqlstate}}));
  EXPECT_EQ(reply.has_header("Retry-After"), param.retry_after);
}

INSTANTIATE_TEST_SUITE_P(
    Postgrest, SqlstateStatusTest,
    ::testing::Values(SqlstateCase{"57014", 500, false},  // statement timeout
                      SqlstateCase{"08006", 503, true},   // connection failure
                      SqlstateCase{"08000", 503, true},
                      SqlstateCase{"53300", 503, true},  // too many connections
                      SqlstateCase{"53100", 503, true},  // disk full
                      SqlstateCase{"57P01", 503, true},  // admin shutdown
                      SqlstateCase{"21000", 500, false},
                      SqlstateCase{"40001", 500, false},  // serialization failure
                      SqlstateCase{"40P01", 500, false},  // deadlock
                      SqlstateCase{"23505", 409, false}, SqlstateCase{"23503", 409, false},
                      SqlstateCase{"25006", 405, false}, SqlstateCase{"42703", 400, false},
                      SqlstateCase{"P0001", 400, false},  // anything else
                      SqlstateCase{"XX000", 400, false}),
    [](const auto& test_info) { return std::string("Sqlstate") + test_info.param.sqlstate; });

TEST_F(ErrorsTest, UnreachableDatabaseIs503WithRetryAfter) {
  GatewayOptions options;  // a second gateway, pointed at a port nothing listens on
  options.db_conninfo =
      "host=127.0.0.1 port=1 dbname=postgres user=authenticator "
      "connect_timeout=2 sslmode=disable gssencmode=disable";
  options.jwt_secret = supabase().jwt_secret();
  Gateway unreachable(options);
  httplib::Client client("127.0.0.1", unreachable.port());
  auto result = client.Get("/rest/v1/accounts", service_headers());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 503);
  EXPECT_TRUE(result->has_header("Retry-After"));
}

}  // namespace
}  // namespace kz::test
