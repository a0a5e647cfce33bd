// kzupload's PostgREST client sends a request that cannot succeed once (HttpResult::permanent).

#include <gtest/gtest.h>

#include "support/permanent_failures.hpp"
#include "upload/postgrest_client.hpp"

namespace kz {
namespace {

TEST(PostgrestPermanent, EachKindIsSentOnce) {
  test::PageServer server;
  int n = 0;
  for (const auto& failure : test::permanent_failures()) {
    if (failure.get_only) continue;  // a POST never follows a redirect
    const std::string table = "t" + std::to_string(++n);
    const std::string path = "/rest/v1/" + table;
    const std::string url = failure.serve(server, path);
    PostgrestConfig config;
    config.base_url = url.substr(0, url.size() - path.size());
    config.service_key = "service-key-permanent-0123456789";
    config.http = test::permanent_failure_options();
    config.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    CurlTransport curl(config.http);
    test::CountingTransport transport(curl);
    PostgrestClient client(config, transport, [](std::chrono::milliseconds) {});
    const UpsertOutcome outcome = client.try_upsert(table, "id", "[{\"id\":1}]", 1);
    EXPECT_FALSE(outcome.ok()) << failure.kind;
    EXPECT_EQ(transport.count, 1) << failure.kind << ": " << outcome.message;
    EXPECT_EQ(client.requests(), 1) << failure.kind;
    EXPECT_NE(outcome.message.find(failure.says), std::string::npos)
        << failure.kind << ": " << outcome.message;
    EXPECT_EQ(outcome.message.find(config.service_key), std::string::npos) << outcome.message;
    if (failure.server_requests >= 0) {
      EXPECT_EQ(server.request_count(path), failure.server_requests) << failure.kind;
    }
  }
}

}  // namespace
}  // namespace kz
