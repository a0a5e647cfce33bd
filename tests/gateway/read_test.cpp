// postgrest.md, "Reading back": select, eq filters, order, limit, count=exact with Content-Range
// and 206, HEAD, and Supabase's 1000-row cap.

#include "gateway/gateway_fixture.hpp"

namespace kz::test {
namespace {

using nlohmann::json;

class ReadTest : public GatewayTest {
 protected:
  static void insert_accounts(int count) {
    db().execute(
        "INSERT INTO accounts (account_name, worker_count, plan) "
        "SELECT 'acct' || lpad(i::text, 5, '0'), i, CASE WHEN i % 2 = 0 THEN 'pro' "
        "ELSE 'basic' END FROM generate_series(1, " +
        std::to_string(count) + ") AS i");
  }
};

TEST_F(ReadTest, SelectEqFilterOrderAndLimit) {
  insert_accounts(6);  // pro: 2, 4, 6
  Reply reply =
      get("/rest/v1/accounts?select=account_name,worker_count&plan=eq.pro"
          "&order=worker_count.desc&limit=2",
          service_headers());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json(), json::parse(R"([{"account_name":"acct00006","worker_count":6},)"
                                      R"({"account_name":"acct00004","worker_count":4}])"));
}

TEST_F(ReadTest, OrderAscendingIsTheDefaultDirection) {
  insert_accounts(3);
  Reply asc =
      get("/rest/v1/accounts?select=worker_count&order=worker_count.asc", service_headers());
  EXPECT_EQ(asc.json(),
            json::parse(R"([{"worker_count":1},{"worker_count":2},{"worker_count":3}])"));
  Reply plain = get("/rest/v1/accounts?select=worker_count&order=worker_count", service_headers());
  EXPECT_EQ(plain.json(), asc.json());
}

TEST_F(ReadTest, CountExactGivesContentRangeAnd206WhenFewerRowsThanTheTotal) {
  insert_accounts(15);
  Reply reply = get("/rest/v1/accounts?select=account_name&limit=3",
                    service_headers({{"Prefer", "count=exact"}}));
  EXPECT_EQ(reply.status, 206);
  EXPECT_EQ(reply.header("Content-Range"), "0-2/15");
  EXPECT_EQ(reply.json().size(), 3u);
}

TEST_F(ReadTest, CountExactWithEveryRowIs200) {
  insert_accounts(3);
  Reply reply = get("/rest/v1/accounts", service_headers({{"Prefer", "count=exact"}}));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Range"), "0-2/3");
}

TEST_F(ReadTest, HeadReturnsTheHeadersOnly) {
  insert_accounts(15);
  Reply reply = head("/rest/v1/accounts?limit=3", service_headers({{"Prefer", "count=exact"}}));
  EXPECT_TRUE(reply.answered);
  EXPECT_EQ(reply.status, 206);
  EXPECT_EQ(reply.header("Content-Range"), "0-2/15");
  EXPECT_EQ(reply.body, "");
}

TEST_F(ReadTest, GetIsCappedAtOneThousandRows) {
  insert_accounts(1005);
  Reply reply = get("/rest/v1/accounts?select=account_name&limit=2000",
                    service_headers({{"Prefer", "count=exact"}}));
  EXPECT_EQ(reply.status, 206);
  EXPECT_EQ(reply.json().size(), 1000u);
  EXPECT_EQ(reply.header("Content-Range"), "0-999/1005");
  Reply without_limit = get("/rest/v1/accounts?select=account_name", service_headers());
  EXPECT_EQ(without_limit.json().size(), 1000u);
}

}  // namespace
}  // namespace kz::test
