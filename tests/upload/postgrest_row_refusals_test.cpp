// PostgrestClient::try_upsert against real PostgreSQL answers through the local Supabase stand-in.

#include <gtest/gtest.h>

#include <random>

#include "upload/postgrest_client.hpp"
#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

using Kind = UpsertOutcome::Kind;
const Sleeper kNoSleep = [](std::chrono::milliseconds) {};

class PostgrestRowRefusals : public StandInTest {
 protected:
  PostgrestClient make_client() {
    PostgrestConfig config;
    config.base_url = supabase().url();
    config.service_key = supabase().service_key();
    config.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    return PostgrestClient(config, transport_, kNoSleep);
  }

 private:
  CurlTransport transport_{HttpOptions{}};
};

TEST_F(PostgrestRowRefusals, RealDatabaseErrorsRefuseTheRow) {
  db().execute("INSERT INTO accounts (account_name) VALUES ('KZ')");
  std::mt19937 random(7);
  std::string long_id;
  for (int i = 0; i < 9000; ++i) long_id += static_cast<char>('!' + random() % 90);
  for (char& c : long_id) c = c == '"' || c == '\\' ? 'q' : c;
  struct Case {
    std::string table, on_conflict, row, sqlstate;
  };
  const std::vector<Case> cases = {
      {"hashrates", "account_name,timestamp",
       R"({"account_name":"KZ","timestamp":"2026-11-22T10:40:00Z","hashrate_10m":3000000000})",
       "22003"},
      {"hashrates", "account_name,timestamp",
       R"({"account_name":"KZ","timestamp":"2026-11-22T10:40:00Z","hashrate_10m":1.5})", "22P02"},
      {"devices", "device_id", R"({"device_id":")" + long_id + R"(","account_name":"KZ"})",
       "54000"},
      {"devices", "device_id", R"({"device_id":"D1","account_name":"missing"})", "23503"},
      {"payments", "payment_id", R"({"account_name":"KZ","payment_id":null})", "23502"},
  };
  PostgrestClient client = make_client();
  const std::string before = all_rows();
  for (const Case& c : cases) {
    supabase().requests().clear();
    const UpsertOutcome outcome = client.try_upsert(c.table, c.on_conflict, "[" + c.row + "]", 1);
    SCOPED_TRACE(c.sqlstate + ": " + outcome.message.substr(0, 400));
    EXPECT_EQ(outcome.kind, Kind::row_refused);
    EXPECT_NE(outcome.message.find(c.sqlstate), std::string::npos);
    EXPECT_EQ(posts(c.table).size(), 1U) << "a row refusal is not retried";
    EXPECT_LT(outcome.message.size(), 1500U);
  }
  EXPECT_EQ(all_rows(), before);
  EXPECT_EQ(count("payments"), 0);
}

TEST_F(PostgrestRowRefusals, StandInSuccessIsAccepted) {
  PostgrestClient client = make_client();
  std::string rows = "[";
  for (int i = 0; i < 5; ++i) {
    rows += std::string(i ? "," : "") + R"({"account_name":"A)" + std::to_string(i) + R"("})";
  }
  rows += "]";
  for (const auto resolution : {Resolution::merge_duplicates, Resolution::ignore_duplicates}) {
    for (int round = 0; round < 2; ++round) {  // inserts, then updates (or skips)
      const UpsertOutcome outcome =
          client.try_upsert("accounts", "account_name", rows, 5, resolution);
      EXPECT_TRUE(outcome.ok()) << outcome.message;
    }
  }
  EXPECT_EQ(count("accounts"), 5);
}

// A trigger that drops rows: PostgREST's own count shows that fewer rows were stored.
TEST_F(PostgrestRowRefusals, RowsTheDatabaseDropsAreNotDelivered) {
  db().execute(
      "CREATE FUNCTION kz_test_drop_odd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF right(NEW.account_name, 1) IN ('1', '3') THEN RETURN NULL; END IF; RETURN NEW; END $$;"
      " CREATE TRIGGER kz_test_drop_odd BEFORE INSERT ON accounts"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_drop_odd()");
  PostgrestClient client = make_client();
  for (int rows = 2; rows <= 4; ++rows) {
    std::string body = "[";
    for (int i = 0; i < rows; ++i) {
      body += std::string(i ? "," : "") + R"({"account_name":"B)" + std::to_string(rows) +
              std::to_string(i) + R"("})";
    }
    const UpsertOutcome outcome =
        client.try_upsert("accounts", "account_name", body + "]", static_cast<std::size_t>(rows));
    SCOPED_TRACE(outcome.message);
    EXPECT_EQ(outcome.kind, Kind::transient);
    EXPECT_NE(outcome.message.find("a trigger, rule or policy"), std::string::npos);
  }
  db().execute("DROP TRIGGER kz_test_drop_odd ON accounts; DROP FUNCTION kz_test_drop_odd()");
}

}  // namespace
}  // namespace kz::test
