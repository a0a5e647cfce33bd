#include "gateway/gateway_fixture.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include "support/gateway/jwt.hpp"

namespace kz::test {
namespace {

// Shaped like the project's Supabase tables, plus probes for the error table of postgrest.md.
constexpr const char* kTestSchema = R"sql(
CREATE TABLE accounts (
  account_name text PRIMARY KEY,
  display_name text,
  worker_count integer NOT NULL DEFAULT 0 CHECK (worker_count >= 0),
  country varchar(5),
  plan text NOT NULL DEFAULT 'basic'
);
CREATE TABLE devices (
  device_id text PRIMARY KEY,
  account_name text NOT NULL REFERENCES accounts (account_name),
  worker_name text NOT NULL,
  hashrate_ths integer,
  CONSTRAINT devices_account_worker_key UNIQUE (account_name, worker_name)
);
CREATE TABLE hashrates (
  id bigserial PRIMARY KEY,
  account_name text NOT NULL,
  recorded_at text NOT NULL,
  hashrate_ths integer NOT NULL,
  shares smallint,
  CONSTRAINT hashrates_account_time_key UNIQUE (account_name, recorded_at)
);
REVOKE INSERT ON hashrates FROM authenticated;
CREATE TABLE whoami (id integer PRIMARY KEY, db_role text DEFAULT current_user);
CREATE TABLE private_items (item text PRIMARY KEY);
ALTER TABLE private_items ENABLE ROW LEVEL SECURITY;
-- Inserting {"code": "<SQLSTATE>"} raises that SQLSTATE with a message, detail and hint.
CREATE TABLE sqlstate_probe (code text);
CREATE FUNCTION raise_probe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = NEW.code, MESSAGE = 'probe ' || NEW.code,
    DETAIL = 'probe detail', HINT = 'probe hint';
END $$;
CREATE TRIGGER raise_probe BEFORE INSERT ON sqlstate_probe
  FOR EACH ROW EXECUTE FUNCTION raise_probe();
-- Reading it writes (nextval), which a read-only transaction refuses.
CREATE SEQUENCE ticket_seq;
CREATE VIEW tickets AS SELECT nextval('ticket_seq') AS ticket;
)sql";

std::unique_ptr<LocalSupabase>& shared_instance() {
  static std::unique_ptr<LocalSupabase> instance;
  return instance;
}

// Stops the cluster and the gateway after the last test of the process.
class SupabaseEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { shared_instance().reset(); }
};

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SupabaseEnvironment);

Reply to_reply(const httplib::Result& result) {
  Reply reply;
  if (!result) return reply;
  reply.answered = true;
  reply.status = result->status;
  reply.body = result->body;
  reply.headers = result->headers;
  return reply;
}

httplib::Client client_of(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(20, 0);
  return http;
}

}  // namespace

std::string Reply::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? "" : found->second;
}

bool Reply::has_header(const std::string& name) const {
  return headers.count(name) > 0;
}

nlohmann::json Reply::json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string token_for(const std::string& role, const std::string& secret) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return make_jwt(role, secret, now + 3600);
}

LocalSupabase& GatewayTest::supabase() {
  auto& instance = shared_instance();
  if (!instance) {
    LocalSupabaseOptions options;
    options.database.apply_migrations = false;  // the conformance tests bring their own tables
    options.database.setup_sql = {kTestSchema};
    instance = std::make_unique<LocalSupabase>(std::move(options));
    std::cerr << "[ local supabase ] cluster + gateway started in "
              << instance->startup_time().count() << " ms\n";
  }
  return *instance;
}

void GatewayTest::SetUp() {
  db().truncate_public_tables();
  supabase().faults().clear();
  supabase().requests().clear();
}

httplib::Headers GatewayTest::service_headers(httplib::Headers extra) {
  extra.emplace("apikey", supabase().service_key());
  extra.emplace("Authorization", "Bearer " + supabase().service_key());
  return extra;
}

httplib::Headers GatewayTest::anon_headers(httplib::Headers extra) {
  extra.emplace("apikey", supabase().anon_key());
  extra.emplace("Authorization", "Bearer " + supabase().anon_key());
  return extra;
}

Reply GatewayTest::post(const std::string& target, const std::string& body,
                        const httplib::Headers& headers) {
  return to_reply(client_of(supabase().gateway().port())
                      .Post(target.c_str(), headers, body, "application/json"));
}

Reply GatewayTest::get(const std::string& target, const httplib::Headers& headers) {
  return to_reply(client_of(supabase().gateway().port()).Get(target.c_str(), headers));
}

Reply GatewayTest::head(const std::string& target, const httplib::Headers& headers) {
  return to_reply(client_of(supabase().gateway().port()).Head(target.c_str(), headers));
}

long GatewayTest::row_count(const std::string& table) {
  return std::stol(db().query_value("SELECT count(*) FROM " + table).value_or("0"));
}

std::string GatewayTest::value(const std::string& sql) {
  auto rows = db().query(sql);
  if (rows.empty()) return "";
  return rows.front().front().value_or("NULL");
}

}  // namespace kz::test
