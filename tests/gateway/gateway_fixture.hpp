#pragma once

// Shared fixture of the gateway conformance tests: one local Supabase (cluster + gateway) per
// test process, started on first use, with the test tables below; every test starts from empty
// tables, no pending fault and an empty request log.

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/gateway/local_supabase.hpp"

namespace kz::test {

// The answer as a client sees it.
struct Reply {
  bool answered = false;  // false: the connection ended without a response
  int status = 0;
  std::string body;
  httplib::Headers headers;

  std::string header(const std::string& name) const;  // "" when absent
  bool has_header(const std::string& name) const;
  nlohmann::json json() const;  // the body parsed; a JSON "discarded" value when invalid
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override;

  static LocalSupabase& supabase();
  static PostgresCluster& db() { return supabase().database(); }

  // apikey + Authorization: Bearer with the service_role or anon key.
  static httplib::Headers service_headers(httplib::Headers extra = {});
  static httplib::Headers anon_headers(httplib::Headers extra = {});

  // target is "/rest/v1/<table>[?query]".
  static Reply post(const std::string& target, const std::string& body,
                    const httplib::Headers& headers);
  static Reply get(const std::string& target, const httplib::Headers& headers);
  static Reply head(const std::string& target, const httplib::Headers& headers);

  static long row_count(const std::string& table);
  // The single value of a one-row, one-column query ("" for no row, "NULL" for NULL).
  static std::string value(const std::string& sql);
};

// Claims of a token for `role`, valid for an hour.
std::string token_for(const std::string& role, const std::string& secret);

}  // namespace kz::test
