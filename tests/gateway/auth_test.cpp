// postgrest.md, "Authentication (gateway, then PostgREST)".

#include "gateway/gateway_fixture.hpp"
#include "support/gateway/jwt.hpp"

namespace kz::test {
namespace {

using nlohmann::json;

class AuthTest : public GatewayTest {};

constexpr const char* kOneAccount = R"([{"account_name":"a"}])";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(AuthTest, MissingApiKeyIs401WithTheGatewayBody) {
  Reply reply = post("/rest/v1/accounts", kOneAccount, {});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json(),
            json::parse(R"({"message":"No API key found in request",)"
                        R"("hint":"No `apikey` request header or url param was found."})"));
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(AuthTest, UnknownApiKeyIs401WithTheGatewayBody) {
  // A well-formed key signed with the right secret but not one of the project's keys, and junk.
  std::string other_key = make_jwt("service_role", supabase().jwt_secret(), 4000000000);
  for (const std::string& key : {std::string("not-a-key"), other_key}) {
    Reply reply = post("/rest/v1/accounts", kOneAccount,
                       {{"apikey", key}, {"Authorization", "Bearer " + key}});
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(
        reply.json(),
        json::parse(R"({"message":"Invalid API key",)"
                    R"("hint":"Double check your Supabase `anon` or `service_role` API key."})"));
  }
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(AuthTest, ApiKeyMayComeAsUrlParameter) {
  Reply reply = get("/rest/v1/accounts?apikey=" + supabase().service_key(), {});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "[]");
}

TEST_F(AuthTest, BadSignatureIs401Pgrst301WithWwwAuthenticate) {
  std::string forged =
      make_jwt("service_role", "another-secret-with-at-least-32-characters!", now_seconds() + 3600);
  Reply reply = post("/rest/v1/accounts", kOneAccount,
                     {{"apikey", supabase().service_key()}, {"Authorization", "Bearer " + forged}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json()["code"], "PGRST301");
  EXPECT_EQ(reply.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(AuthTest, ExpiredTokenIs401Pgrst303JwtExpired) {
  std::string expired = make_jwt("service_role", supabase().jwt_secret(), now_seconds() - 60);
  Reply reply =
      post("/rest/v1/accounts", kOneAccount,
           {{"apikey", supabase().service_key()}, {"Authorization", "Bearer " + expired}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json()["code"], "PGRST303");
  EXPECT_EQ(reply.json()["message"], "JWT expired");
  EXPECT_EQ(reply.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(AuthTest, ExpiryHasThirtySecondsOfLeeway) {
  std::string just_expired = make_jwt("service_role", supabase().jwt_secret(), now_seconds() - 10);
  Reply reply =
      post("/rest/v1/accounts", kOneAccount,
           {{"apikey", supabase().service_key()}, {"Authorization", "Bearer " + just_expired}});
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(row_count("accounts"), 1);
}

TEST_F(AuthTest, RoleClaimIsTheDatabaseRoleOfTheRequest) {
  // whoami.db_role defaults to current_user: the role the statement ran as.
  std::string authenticated = token_for("authenticated", supabase().jwt_secret());
  ASSERT_EQ(post("/rest/v1/whoami", R"([{"id":1}])", service_headers()).status, 201);
  ASSERT_EQ(post("/rest/v1/whoami", R"([{"id":2}])",
                 {{"apikey", supabase().anon_key()}, {"Authorization", "Bearer " + authenticated}})
                .status,
            201);
  EXPECT_EQ(value("SELECT db_role FROM whoami WHERE id = 1"), "service_role");
  EXPECT_EQ(value("SELECT db_role FROM whoami WHERE id = 2"), "authenticated");
}

TEST_F(AuthTest, AnonWriteWithoutGrantIs401Code42501) {
  Reply reply = post("/rest/v1/accounts", kOneAccount, anon_headers());
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json()["code"], "42501");
  EXPECT_EQ(reply.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(AuthTest, AuthenticatedRoleWithoutPrivilegeIs403Code42501) {
  std::string user = token_for("authenticated", supabase().jwt_secret());
  Reply reply =
      post("/rest/v1/hashrates", R"([{"account_name":"a","recorded_at":"t","hashrate_ths":1}])",
           {{"apikey", supabase().anon_key()}, {"Authorization", "Bearer " + user}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json()["code"], "42501");
  EXPECT_EQ(row_count("hashrates"), 0);
}

TEST_F(AuthTest, ServiceRoleBypassesRowLevelSecurityAndAnonDoesNot) {
  // private_items has row-level security on and no policy.
  ASSERT_EQ(post("/rest/v1/private_items", R"([{"item":"x"}])", service_headers()).status, 201);
  EXPECT_EQ(get("/rest/v1/private_items", service_headers()).json(),
            json::parse(R"([{"item":"x"}])"));
  Reply anon = get("/rest/v1/private_items", anon_headers());
  EXPECT_EQ(anon.status, 200);
  EXPECT_EQ(anon.json(), json::array());
}

}  // namespace
}  // namespace kz::test
