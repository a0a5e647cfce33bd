// Issue 10, cases 8 and 9: a proxy that refuses bodies over 32 KiB with an HTML 413, and an
// error body that echoes the key after a few hundred bytes.
#include "upload/delivery_fixture.hpp"

namespace kz::test {
namespace {

constexpr std::size_t kProxyLimit = 32 * 1024;

// 400 workers: a devices request of every worker is about 100 KB.
class BodyLimit : public DeliveryTest {
 protected:
  void SetUp() override {
    DeliveryTest::SetUp();
    cache().scrape(make_pool_page(400));
    cache().scrape(make_pool_page(400, 200'000));
    cache().alert(AlertAction::open, "offline_workers", "", Severity::high, "33 of 400 offline");
    proxy_ = std::make_unique<LyingProxy>(supabase().url());
    proxy_->set(ProxyBehaviour::limit_body(kProxyLimit));
  }
  std::size_t refused() const {
    std::size_t n = 0;
    for (const ProxiedRequest& r : proxy_->requests()) n += r.status == 413;
    return n;
  }
  std::size_t largest_body() const {
    std::size_t largest = 0;
    for (const ProxiedRequest& r : proxy_->requests()) largest = std::max(largest, r.body_size);
    return largest;
  }
  std::unique_ptr<LyingProxy> proxy_;
};

// Requests bounded by --max-request-kb under the proxy's limit never meet the 413.
TEST_F(BodyLimit, TheByteBoundKeepsEveryRequestUnderTheLimit) {
  for (const int kb : {8, 24, 31}) {
    SCOPED_TRACE(kb);
    db().execute("TRUNCATE accounts, hashrates, devices, income_tracking, alerts CASCADE");
    cache().cache().db().exec(
        "UPDATE snapshot SET uploaded_at = NULL; UPDATE income_day SET uploaded_revision = 0;"
        " UPDATE alert SET uploaded_revision = 0");
    proxy_->clear();
    const auto r = kzupload({"--account", "KZPool_001", "--max-request-kb", std::to_string(kb)},
                            env_for(proxy_->url()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(refused(), 0U);
    EXPECT_LE(largest_body(), static_cast<std::size_t>(kb) * 1024);
    EXPECT_GT(proxy_->requests().size(), 5U);  // the devices went in several requests
    EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  }
}

// With the default bound, and with a bound above the proxy's limit: a 413 halves the batch
// until it passes, and the upload drains.
TEST_F(BodyLimit, A413HalvesTheBatchUntilItDrains) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--max-request-kb", "4096"}}) {
    SCOPED_TRACE(extra.empty() ? "default bound" : "bound above the proxy's limit");
    db().execute("TRUNCATE accounts, hashrates, devices, income_tracking, alerts CASCADE");
    cache().cache().db().exec(
        "UPDATE snapshot SET uploaded_at = NULL; UPDATE income_day SET uploaded_revision = 0;"
        " UPDATE alert SET uploaded_revision = 0");
    proxy_->clear();
    std::vector<std::string> args = {"--account", "KZPool_001", "--batch-size", "5000"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = kzupload(args, env_for(proxy_->url()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (!extra.empty()) {
      EXPECT_GT(refused(), 0U);
    }
    EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
  }
}

// A single row over the limit cannot pass: exit 6 with advice, and the rest still arrives.
TEST_F(BodyLimit, ARefusalAtOneRowIsARejectionWithAdvice) {
  proxy_->set(ProxyBehaviour::limit_body(100));
  const auto r = kzupload({"--account", "KZPool_001"}, env_for(proxy_->url()));
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(error_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("413"), std::string::npos) << r.err;
  proxy_->set(ProxyBehaviour::pass());
  const auto again =
      kzupload({"--account", "KZPool_001", "--retry-rejected"}, env_for(proxy_->url()));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// Case 9: the key echoed at `offset` bytes of an error body; no 8-character run of it may be
// printed, whatever the log level.
class EchoedKey : public DeliveryTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(EchoedKey, NoPartOfTheKeyIsPrinted) {
  cache().scrape(make_pool_page(3));
  LyingProxy proxy(supabase().url());
  const std::string key = supabase().service_key();
  for (const int status : {401, 400}) {
    SCOPED_TRACE(status);
    proxy.set(ProxyBehaviour::echo_key(GetParam(), status));
    for (const char* level : {"info", "trace"}) {
      const auto r = kzupload({"--account", "KZPool_001", "--log-level", level, "--timeout", "5"},
                              env_for(proxy.url()));
      EXPECT_NE(r.exit_code, 0) << r.err;
      EXPECT_EQ(error_lines(r.err), 1) << r.err;
      EXPECT_EQ(secret_runs(r.err, key), std::vector<std::string>{}) << r.err;
      EXPECT_EQ(secret_runs(r.out, key), std::vector<std::string>{}) << r.out;
    }
  }
  EXPECT_EQ(count("accounts"), 0);
  clean_run_mirrors();
}

INSTANTIATE_TEST_SUITE_P(Offsets, EchoedKey, ::testing::Values(0, 150, 250, 290, 299));

}  // namespace
}  // namespace kz::test
