// The observer page fetch and the pool API client send a request that cannot succeed once.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "common/error.hpp"
#include "scrape/btcpool_api/pool_api_client.hpp"
#include "scrape/scrape_job.hpp"
#include "support/permanent_failures.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::CountingTransport;
using test::PageServer;

struct Outcome {
  std::string message;
  int attempts = 0;
};

Outcome observer_page(const std::string& url, const std::string& db) {
  ScrapeOptions options;
  options.observer_url = url;
  options.db_path = db;
  options.dry_run = true;
  options.http = test::permanent_failure_options();
  CurlTransport curl(options.http);
  CountingTransport transport(curl);
  FixedClock clock{sys_days{2026y / November / 22}};
  ScrapeJob job(options, transport, clock, [](milliseconds) {});
  std::ostringstream out;
  try {
    job.run(out);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed) << e.what();
    return {e.what(), transport.count};
  }
  ADD_FAILURE() << url << " was read";
  return {"", transport.count};
}

Outcome pool_api(const std::string& url) {
  PoolApiOptions options;
  options.url = url;
  options.key = "permanent-key-42";
  const HttpOptions http = test::permanent_failure_options();
  CurlTransport curl(http);
  CountingTransport transport(curl);
  PoolApiClient client(options, transport, http, [](milliseconds) {});
  try {
    client.call("summary_data");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed) << e.what();
    return {e.what(), transport.count};
  }
  ADD_FAILURE() << url << " was read";
  return {"", transport.count};
}

TEST(PermanentFailureClients, EachKindIsSentOnceByEachScrapeClient) {
  PageServer server;
  const std::string db =
      (std::filesystem::temp_directory_path() / ("kz_perm_" + std::to_string(::getpid()) + ".db"))
          .string();
  int n = 0;
  for (const auto& failure : test::permanent_failures()) {
    for (const bool api : {false, true}) {
      const std::string path = "/c" + std::to_string(++n);
      const std::string url = failure.serve(server, path);
      const Outcome outcome = api ? pool_api(url) : observer_page(url, db);
      const std::string where = failure.kind + (api ? " (api)" : " (page)");
      EXPECT_EQ(outcome.attempts, 1) << where << ": " << outcome.message;
      EXPECT_EQ(outcome.message.find("attempts"), std::string::npos) << outcome.message;
      EXPECT_NE(outcome.message.find(failure.says), std::string::npos)
          << where << ": " << outcome.message;
      if (failure.server_requests >= 0) {
        EXPECT_EQ(server.request_count(path), failure.server_requests) << where;
      }
    }
  }
  EXPECT_FALSE(std::filesystem::exists(db)) << "a dry run writes nothing";
}

}  // namespace
}  // namespace kz
