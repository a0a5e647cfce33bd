// postgrest.md, "Bulk insert and upsert": resolution=, on_conflict, the 42P10 and 21000 errors
// and the 201/200 rule.

#include "gateway/gateway_fixture.hpp"

namespace kz::test {
namespace {

class UpsertTest : public GatewayTest {
 protected:
  static httplib::Headers merge() {
    return service_headers({{"Prefer", "resolution=merge-duplicates"}});
  }
  static httplib::Headers ignore() {
    return service_headers({{"Prefer", "resolution=ignore-duplicates"}});
  }
};

TEST_F(UpsertTest, MergeDuplicatesUpdatesThePayloadColumnsOnlyAndIs200WhenNothingIsNew) {
  db().execute("INSERT INTO accounts VALUES ('a', 'old', 3, 'KZ', 'pro')");
  Reply reply = post("/rest/v1/accounts",
                     R"([{"account_name":"a","display_name":"new","worker_count":4}])", merge());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(value("SELECT display_name || ':' || worker_count || ':' || country || ':' || plan "
                  "FROM accounts"),
            "new:4:KZ:pro");
  EXPECT_EQ(row_count("accounts"), 1);
}

TEST_F(UpsertTest, MergeDuplicatesIs201WhenARowIsInserted) {
  db().execute("INSERT INTO accounts (account_name, display_name) VALUES ('a', 'old')");
  Reply reply = post("/rest/v1/accounts",
                     R"([{"account_name":"a","display_name":"new"},)"
                     R"({"account_name":"b","display_name":"B"}])",
                     merge());
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(value("SELECT string_agg(account_name || '=' || display_name, ',' ORDER BY 1) "
                  "FROM accounts"),
            "a=new,b=B");
}

TEST_F(UpsertTest, IgnoreDuplicatesKeepsExistingRowsAndIsAlways201) {
  db().execute("INSERT INTO accounts (account_name, display_name) VALUES ('a', 'old')");
  Reply mixed = post("/rest/v1/accounts",
                     R"([{"account_name":"a","display_name":"new"},)"
                     R"({"account_name":"b","display_name":"B"}])",
                     ignore());
  EXPECT_EQ(mixed.status, 201);
  Reply only_duplicates =
      post("/rest/v1/accounts", R"([{"account_name":"a","display_name":"newer"}])", ignore());
  EXPECT_EQ(only_duplicates.status, 201);
  EXPECT_EQ(value("SELECT string_agg(account_name || '=' || display_name, ',' ORDER BY 1) "
                  "FROM accounts"),
            "a=old,b=B");
}

TEST_F(UpsertTest, OnConflictNamesAUniqueKeyOtherThanThePrimaryKey) {
  const std::string sample = R"([{"account_name":"a","recorded_at":"t1","hashrate_ths":10}])";
  ASSERT_EQ(post("/rest/v1/hashrates", sample, merge()).status, 201);
  // On the primary key (id, not in the payload) the natural key collides: a plain conflict.
  Reply on_primary_key = post("/rest/v1/hashrates", sample, merge());
  EXPECT_EQ(on_primary_key.status, 409);
  EXPECT_EQ(on_primary_key.json()["code"], "23505");
  Reply on_natural_key =
      post("/rest/v1/hashrates?on_conflict=account_name,recorded_at",
           R"([{"account_name":"a","recorded_at":"t1","hashrate_ths":20}])", merge());
  EXPECT_EQ(on_natural_key.status, 200);
  EXPECT_EQ(value("SELECT count(*) || ':' || max(hashrate_ths) FROM hashrates"), "1:20");
}

TEST_F(UpsertTest, OnConflictWithoutUniqueConstraintIs400Code42P10) {
  Reply reply = post("/rest/v1/hashrates?on_conflict=hashrate_ths",
                     R"([{"account_name":"a","recorded_at":"t1","hashrate_ths":10}])", merge());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.json()["code"], "42P10");
  EXPECT_EQ(reply.json()["message"],
            "there is no unique or exclusion constraint matching the ON CONFLICT specification");
  EXPECT_EQ(row_count("hashrates"), 0);
}

TEST_F(UpsertTest, SameKeyTwiceInAMergePayloadIs500Code21000AndWritesNothing) {
  Reply reply =
      post("/rest/v1/accounts",
           R"([{"account_name":"a","worker_count":1},{"account_name":"b","worker_count":1},)"
           R"({"account_name":"a","worker_count":2}])",
           merge());
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.json()["code"], "21000");
  EXPECT_EQ(reply.json()["message"],
            "ON CONFLICT DO UPDATE command cannot affect row a second time");
  EXPECT_EQ(row_count("accounts"), 0);
}

TEST_F(UpsertTest, MergeSetsEveryPayloadColumnFromTheNewRow) {
  db().execute("INSERT INTO accounts VALUES ('a', 'old', 3, 'KZ', 'pro')");
  // An explicit null in the payload overwrites: SET c = EXCLUDED.c for every payload column.
  ASSERT_EQ(post("/rest/v1/accounts", R"([{"account_name":"a","country":null}])", merge()).status,
            200);
  EXPECT_EQ(value("SELECT coalesce(country, 'NULL') || ':' || display_name FROM accounts"),
            "NULL:old");
}

}  // namespace
}  // namespace kz::test
