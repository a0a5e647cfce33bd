// Issue 10, cases 1-3: an endpoint that redirects, a host that records the headers it gets,
// and answers that are 2xx without being PostgREST's. None of them may mark a row uploaded.
#include "upload/delivery_fixture.hpp"

namespace kz::test {
namespace {

struct RedirectCase {
  int status;
  bool other_host;
};

void PrintTo(const RedirectCase& c, std::ostream* os) {
  *os << c.status << (c.other_host ? " to another host" : " to the same host");
}

std::string redirect_name(const ::testing::TestParamInfo<RedirectCase>& info) {
  return std::to_string(info.param.status) + (info.param.other_host ? "_OtherHost" : "_SameHost");
}

class RedirectingEndpoint : public DeliveryTest,
                            public ::testing::WithParamInterface<RedirectCase> {};

// The other host forwards to the same Supabase, so a client that follows the redirect
// "succeeds" there; it also records every header it gets (the sink of case 2).
TEST_P(RedirectingEndpoint, IsARejectionNamingTheLocationAndNoKeyLeaves) {
  const RedirectCase c = GetParam();
  cache().scrape(make_pool_page(6));
  cache().alert(AlertAction::open, "offline_workers", "", Severity::high, "1 of 6 offline");
  LyingProxy endpoint(supabase().url());
  LyingProxy other_host(supabase().url());
  const std::string location = c.other_host ? other_host.url() : endpoint.url("/moved");
  endpoint.set(ProxyBehaviour::redirect(c.status, location));
  const std::string before = all_rows();
  const std::string pending = pending_counts();

  const auto r = kzupload({"--account", "KZPool_001"}, env_for(endpoint.url()));
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(error_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("redirects to " + location), std::string::npos) << r.err;
  EXPECT_EQ(all_rows(), before);
  EXPECT_EQ(pending_counts(), pending);
  // Writes never follow a redirect: nothing reached the Location, least of all a key.
  for (const ProxiedRequest& request : other_host.requests()) {
    EXPECT_FALSE(carries_credentials(request)) << request.method << " " << request.target;
  }
  EXPECT_TRUE(other_host.requests().empty());
  for (const ProxiedRequest& request : endpoint.requests()) {
    EXPECT_FALSE(request.target.starts_with("/moved")) << request.method << " " << request.target;
  }
  EXPECT_TRUE(secret_runs(r.err, supabase().service_key()).empty()) << r.err;

  clean_run_mirrors();
}

INSTANTIATE_TEST_SUITE_P(StatusesAndHosts, RedirectingEndpoint,
                         ::testing::Values(RedirectCase{301, false}, RedirectCase{302, false},
                                           RedirectCase{307, false}, RedirectCase{308, false},
                                           RedirectCase{301, true}, RedirectCase{302, true},
                                           RedirectCase{307, true}, RedirectCase{308, true}),
                         redirect_name);

// The same through the library, for the tables after the first: the redirect starts only once
// accounts got through.
TEST_F(DeliveryTest, RedirectAfterTheFirstTableStillMarksNothingOfTheRest) {
  cache().scrape(make_pool_page(6));
  cache().alert(AlertAction::open, "offline_workers");
  LyingProxy endpoint(supabase().url());
  LyingProxy other_host(supabase().url());
  CurlTransport curl(HttpOptions{});
  HookedTransport hooked(curl, [&](const HttpRequest& request) {
    if (request.url.find("/rest/v1/accounts") == std::string::npos) {
      endpoint.set(ProxyBehaviour::redirect(308, other_host.url()));
    }
  });
  UploadOptions o = options();
  o.supabase_url = endpoint.url();
  const Error e = upload_error(o, &hooked);
  EXPECT_EQ(e.code(), ExitCode::upload_rejected) << e.what();
  EXPECT_NE(std::string(e.what()).find("redirects to " + other_host.url()), std::string::npos)
      << e.what();
  EXPECT_TRUE(other_host.requests().empty());
  EXPECT_EQ(count("hashrates"), 0);
  EXPECT_EQ(pending_counts(), "1 2 1");
  clean_run_mirrors();
}

struct LieCase {
  const char* name;
  ProxyBehaviour behaviour;
  const char* status;
};

void PrintTo(const LieCase& c, std::ostream* os) {
  *os << c.name;
}

class NotPostgrest : public DeliveryTest, public ::testing::WithParamInterface<LieCase> {};

TEST_P(NotPostgrest, IsTransientAndMarksNothing) {
  const LieCase c = GetParam();
  cache().scrape(make_pool_page(5));
  cache().alert(AlertAction::open, "offline_workers");
  LyingProxy endpoint(supabase().url());
  endpoint.set(c.behaviour);
  const std::string before = all_rows();
  const std::string pending = pending_counts();

  const auto r = kzupload({"--account", "KZPool_001"}, env_for(endpoint.url()));
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(error_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("not a PostgREST answer"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.status), std::string::npos) << r.err;
  EXPECT_EQ(all_rows(), before);
  EXPECT_EQ(pending_counts(), pending);

  clean_run_mirrors();
}

INSTANTIATE_TEST_SUITE_P(
    Answers, NotPostgrest,
    ::testing::Values(LieCase{"WelcomePage", ProxyBehaviour::welcome_page(), "200"},
                      LieCase{"BareNoContent", ProxyBehaviour::no_content(), "204"}),
    [](const auto& p) { return std::string(p.param.name); });

// A lie after the first table: the rows sent before stay delivered, none after is marked.
TEST_F(DeliveryTest, WelcomePageForOneTableMarksNothingOfIt) {
  for (const char* table : {"hashrates", "devices", "income_tracking", "alerts"}) {
    SCOPED_TRACE(table);
    cache().scrape(make_pool_page(5, 100'000 + count("hashrates")));
    cache().alert(AlertAction::open, std::string("offline_") + table);
    LyingProxy endpoint(supabase().url());
    CurlTransport curl(HttpOptions{});
    HookedTransport hooked(curl, [&](const HttpRequest& request) {
      if (request.url.find(std::string("/rest/v1/") + table) != std::string::npos) {
        endpoint.set(ProxyBehaviour::welcome_page());
      }
    });
    UploadOptions o = options();
    o.supabase_url = endpoint.url();
    EXPECT_EQ(upload_error(o, &hooked).code(), ExitCode::upload_transient);
    EXPECT_NE(pending_counts(), "0 0 0");
    EXPECT_EQ(upload().accounts, 1U);
    EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  }
}

}  // namespace
}  // namespace kz::test
