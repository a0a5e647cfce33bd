// Kind 8 of issue 9: a body cut short (Content-Length, gzip or deflate stream, chunked) is a
// transient fetch failure: retried, then exit 3, and never a partial snapshot.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "integration/kzscrape_fixture.hpp"

namespace kz::test {
namespace {

using namespace std::chrono_literals;

class KzscrapeTruncatedBody : public KzscrapeTest {
 protected:
  // Serves `cut` first and checks the run: retried once, exit 3, nothing stored.
  void expect_retried_then_failed(const std::string& what, const Step& cut) {
    server_.set("/observer", {cut});
    const auto run = scrape({"--retries", "1"});
    EXPECT_EQ(run.exit_code, 3) << what << ": " << run.err;
    EXPECT_NE(run.err.find("the body ended early: "), std::string::npos) << what << ": " << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
    EXPECT_EQ(server_.request_count("/observer"), 2) << what;
    EXPECT_EQ(count("SELECT count(*) FROM snapshot"), 0) << what;
    EXPECT_EQ(count("SELECT count(*) FROM worker_sample"), 0) << what;
    EXPECT_EQ(text("SELECT outcome || ' ' || exit_code FROM scrape_run"), "failed 3") << what;
    EXPECT_NE(text("SELECT error FROM scrape_run").find("the body ended early"), std::string::npos);
    EXPECT_LT(run.elapsed, 5s) << what;
  }

  const std::string page_ = read_test_data("observer_en_60.html");
};

TEST_F(KzscrapeTruncatedBody, ABodyShorterThanItsContentLength) {
  expect_retried_then_failed("Content-Length short",
                             Step::truncated(page_.substr(0, page_.size() * 6 / 10), page_.size()));
}

TEST_F(KzscrapeTruncatedBody, AGzipStreamCutAt60Percent) {
  expect_retried_then_failed("gzip cut at 60%", Step::gzip(page_).cut(0.6));
}

TEST_F(KzscrapeTruncatedBody, AGzipStreamMissingOnlyItsTrailer) {
  expect_retried_then_failed("gzip cut at 99.9%", Step::gzip(page_).cut(0.999));
}

TEST_F(KzscrapeTruncatedBody, ADeflateStreamCutShort) {
  expect_retried_then_failed("deflate cut at 50%", Step::deflate(page_).cut(0.5));
}

TEST_F(KzscrapeTruncatedBody, AChunkedBodyCutShort) {
  expect_retried_then_failed("chunked cut at 60%", Step::chunked(page_).cut(0.6));
}

TEST_F(KzscrapeTruncatedBody, AWholeBodyAfterACutOneIsStored) {
  server_.set("/observer", {Step::gzip(page_).cut(0.6), Step::gzip(page_)});
  const auto run = scrape({"--retries", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(server_.request_count("/observer"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM v_latest_workers"), 60);
  EXPECT_EQ(count("SELECT workers_complete FROM snapshot"), 1);
}

TEST_F(KzscrapeTruncatedBody, WholeDeflateAndChunkedBodiesAreStored) {
  for (const Step& step : {Step::deflate(page_), Step::chunked(page_)}) {
    server_.set("/observer", {step});
    const auto run = scrape();
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  EXPECT_EQ(count("SELECT count(*) FROM snapshot WHERE listed_workers = 60"), 2);
}

}  // namespace
}  // namespace kz::test
