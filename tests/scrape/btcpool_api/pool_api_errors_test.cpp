#include <gtest/gtest.h>

#include "scrape/btcpool_api/pool_api_fixture.hpp"

namespace kz::test {
namespace {

// Replaces every answer of `method` (from its `from_index`-th call on) with `reply`.
void answer(PoolApiServer& api, const std::string& method, ApiReply reply, int from_index = 0) {
  api.set_override([=](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method == method && call.index >= from_index) return reply;
    return std::nullopt;
  });
}

TEST_F(PoolApiTest, StatusErrorCarriesTheApisMessage) {
  serve_fleet(3);
  answer(api_, "workers", {200, R"({"status":"ERROR","message":"Currency is disabled"})"});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_error);
  EXPECT_TRUE(Contains(e.what(), "Currency is disabled"));
  EXPECT_TRUE(Contains(e.what(), "method workers"));
}

TEST_F(PoolApiTest, AClientErrorWithTheApisErrorAnswerIsThatError) {
  serve_fleet(3);
  answer(api_, "profit_history", {400, R"({"status":"ERROR","message":"Bad date range"})"});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_error);
  EXPECT_TRUE(Contains(e.what(), "Bad date range"));
  EXPECT_EQ(api_.call_count("profit_history"), 1);
}

TEST_F(PoolApiTest, Http401IsARejectedKey) {
  serve_fleet(3);
  PoolApiOptions options;
  options.url = api_.url();
  options.key = "wrong-key-value";
  PoolApiClient api(options, transport_, http_, [](std::chrono::milliseconds) {});
  try {
    fetch_api_page(api, now_, std::chrono::hours(5));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::api_key_rejected);
    EXPECT_TRUE(Contains(e.what(), "HTTP 401"));
    EXPECT_TRUE(Lacks(e.what(), "wrong-key-value"));
  }
  EXPECT_EQ(api_.calls().size(), 1u);  // not retried
}

TEST_F(PoolApiTest, Http403IsARejectedKey) {
  serve_fleet(3);
  answer(api_, "summary_data", {403, "forbidden"});
  EXPECT_EQ(fetch_error().code(), ExitCode::api_key_rejected);
}

TEST_F(PoolApiTest, AnErrorStatusNamingTheKeyIsARejectedKeyAndTheEchoedKeyIsRedacted) {
  serve_fleet(3);
  answer(api_, "summary_data",
         {200, R"({"status":"ERROR","message":"Invalid API key )" + kApiKey + "\"}"});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_key_rejected);
  EXPECT_TRUE(Contains(e.what(), "Invalid API key [redacted]"));
  EXPECT_TRUE(Lacks(e.what(), kApiKey));
}

TEST_F(PoolApiTest, MalformedJsonIsUnexpected) {
  serve_fleet(3);
  answer(api_, "summary_data", {200, R"({"status":"OK","data":{"active_workers":)"});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::no_data);
  EXPECT_TRUE(Contains(e.what(), "the API answered something unexpected: not a JSON object"));
}

TEST_F(PoolApiTest, AnHtmlPageIsUnexpected) {
  serve_fleet(3);
  answer(api_, "summary_data", {200, "<html><body>maintenance</body></html>"});
  EXPECT_EQ(fetch_error().code(), ExitCode::no_data);
}

TEST_F(PoolApiTest, AMissingFieldIsUnexpected) {
  serve_fleet(3);
  nlohmann::json worker = api_worker(1, "w", true, "5", 1, "0");
  worker.erase("hashrate_1hour");
  api_.set_rows("workers", {worker});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::no_data);
  EXPECT_TRUE(Contains(e.what(), "no \"hashrate_1hour\" value (method workers)"));
}

TEST_F(PoolApiTest, UnreadableValuesAreUnexpected) {
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"hashrate_10min", "1,5"},
                                                        {"hashrate_10min", "-5"},
                                                        {"hashrate_10min", "1e"},
                                                        {"hashrate_10min", "1e400"},
                                                        {"hashrate_10min", "0x10"},
                                                        {"last_active", "1795000000.5"},
                                                        {"last_active", "-1"},
                                                        {"worker_status", "2"},
                                                        {"last_active", "soon"},
                                                        {"reject_rate", "abc"}}) {
    serve_fleet(3);
    nlohmann::json worker = api_worker(1, "w", true, "5", 1, "0");
    worker[field] = value;
    api_.set_rows("workers", {worker});
    const Error e = fetch_error();
    EXPECT_EQ(e.code(), ExitCode::no_data) << field;
    EXPECT_TRUE(Contains(e.what(), field)) << e.what();
  }
  serve_fleet(3);
  api_.set_summary(api_summary(1, 0, "5", "5", "0.1 ETH"));
  EXPECT_EQ(fetch_error().code(), ExitCode::no_data);
}

TEST_F(PoolApiTest, APageWithoutRowsOrTotalIsUnexpected) {
  serve_fleet(3);
  answer(api_, "workers", {200, api_ok({{"count", "0"}, {"offset", "0"}})});
  EXPECT_EQ(fetch_error().code(), ExitCode::no_data);
}

TEST_F(PoolApiTest, ARepeatedPageIsAPagingError) {
  serve_fleet(250);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "workers" || call.query.at("offset") != "100") return std::nullopt;
    std::vector<nlohmann::json> rows;
    for (int i = 0; i < 100; ++i) rows.push_back(api_worker(i + 1, "w", true, "1", 1, "0"));
    return ApiReply{200, api_ok(api_page(rows, 100, 100, 250))};
  });
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_paging);
  EXPECT_TRUE(Contains(e.what(), "the page at offset 100 repeats worker_id 1"));
}

TEST_F(PoolApiTest, APageAtTheWrongOffsetIsAPagingError) {
  serve_fleet(250);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "workers" || call.query.at("offset") != "100") return std::nullopt;
    return ApiReply{200, api_ok(api_page({}, 0, 100, 250))};
  });
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_paging);
  EXPECT_TRUE(Contains(e.what(), "asked for offset 100"));
}

TEST_F(PoolApiTest, ATotalThatChangesIsAPagingError) {
  serve_fleet(250);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "workers" || call.query.at("offset") != "200") return std::nullopt;
    std::vector<nlohmann::json> rows;
    for (int i = 200; i < 251; ++i) rows.push_back(api_worker(i + 1, "x", true, "1", 1, "0"));
    return ApiReply{200, api_ok(api_page(rows, 200, 100, 251))};
  });
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_paging);
  EXPECT_TRUE(Contains(e.what(), "the total changed from 250 to 251 at offset 200"));
}

TEST_F(PoolApiTest, AnEmptyPageBeforeTheTotalIsAPagingError) {
  serve_fleet(250);
  api_.set_override([](const ApiCall& call) -> std::optional<ApiReply> {
    if (call.method != "payment_history") return std::nullopt;
    return ApiReply{200, api_ok(api_page({}, 0, 100, 2))};
  });
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::api_paging);
  EXPECT_TRUE(Contains(e.what(), "payment_history"));
}

TEST_F(PoolApiTest, ServerErrorsAfterRetriesAreFetchErrors) {
  serve_fleet(3);
  answer(api_, "summary_data", {500, "oops"});
  const Error e = fetch_error();
  EXPECT_EQ(e.code(), ExitCode::fetch_failed);
  EXPECT_TRUE(Contains(e.what(), "HTTP 500 (after 3 attempts)"));
  EXPECT_EQ(api_.call_count("summary_data"), 3);
}

TEST_F(PoolApiTest, AnUnreachableApiIsAFetchErrorWithoutTheKey) {
  PoolApiOptions options;
  options.url = "http://127.0.0.1:1/ru/api";
  options.key = kApiKey;
  PoolApiClient api(options, transport_, http_, [](std::chrono::milliseconds) {});
  try {
    api.call("summary_data");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::fetch_failed);
    EXPECT_TRUE(Lacks(e.what(), kApiKey));
  }
}

}  // namespace
}  // namespace kz::test
