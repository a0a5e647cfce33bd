// How PostgrestClient::try_upsert sorts answers from servers that lie (page_server on 127.0.0.1).
// Real PostgreSQL answers: postgrest_row_refusals_test.cpp.

#include <gtest/gtest.h>

#include <random>

#include "support/page_server.hpp"
#include "upload/postgrest_answer.hpp"
#include "upload/postgrest_client.hpp"

namespace kz::test {
namespace {

using Kind = UpsertOutcome::Kind;
const Sleeper kNoSleep = [](std::chrono::milliseconds) {};

// A key shaped like a Supabase JWT, random per seed.
std::string random_key(unsigned seed) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::mt19937 random(seed);
  std::string key = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  for (int i = 0; i < 140; ++i) key += alphabet[random() % alphabet.size()];
  key += ".";
  for (int i = 0; i < 43; ++i) key += alphabet[random() % alphabet.size()];
  return key;
}

// The first run of 8 characters of the key found in text, or "".
std::string key_run_in(const std::string& text, const std::string& key) {
  for (std::size_t i = 0; i + 8 <= key.size(); ++i) {
    if (text.find(key.substr(i, 8)) != std::string::npos) return key.substr(i, 8);
  }
  return "";
}

class PostgrestAnswers : public ::testing::Test {
 protected:
  UpsertOutcome post(std::size_t rows, Resolution resolution = Resolution::merge_duplicates,
                     int max_retries = 2) {
    PostgrestConfig config;
    config.base_url = server.url("");
    config.service_key = key;
    config.http.max_retries = max_retries;
    config.http.total_timeout = std::chrono::seconds(10);
    config.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    CurlTransport transport(config.http);
    PostgrestClient client(config, transport, kNoSleep);
    std::string body = "[";
    for (std::size_t i = 0; i < rows; ++i) body += std::string(i ? "," : "") + R"({"a":1})";
    return client.try_upsert("hashrates", "account_name,timestamp", body + "]", rows, resolution);
  }
  void answer(Step step) { server.set(kPath, {std::move(step)}); }

  static constexpr const char* kPath = "/rest/v1/hashrates";
  PageServer server;
  std::string key = random_key(1);
};

TEST_F(PostgrestAnswers, OnlyPostgrestsOwnSuccessCounts) {
  struct Case {
    std::string name;
    int status;
    std::string body;
    std::string type;   // Content-Type, "" for none given
    std::string range;  // "" for no Content-Range; "{n}" is the rows sent
    Resolution resolution;
    bool ok;
  };
  const auto merge = Resolution::merge_duplicates;
  const auto ignore = Resolution::ignore_duplicates;
  const std::string html = "<!DOCTYPE html>\n<html><body>Welcome to nginx!</body></html>";
  const std::vector<Case> cases = {
      {"created", 201, "", "", "*/{n}", merge, true},
      {"all updated", 200, "", "", "*/{n}", merge, true},
      {"JSON body", 201, "[]", "application/json", "*/{n}", merge, true},
      {"ignore, all new", 201, "", "", "*/{n}", ignore, true},
      {"ignore, some skipped", 201, "", "", "*/0", ignore, true},
      {"HTML welcome page", 200, html, "text/html", "", merge, false},
      {"HTML with a range", 200, html, "text/html", "*/{n}", merge, false},
      {"bare 204", 204, "", "", "", merge, false},
      {"204 with a range", 204, "", "", "*/{n}", merge, false},
      {"202 accepted", 202, "", "", "*/{n}", merge, false},
      {"201 without a range", 201, "", "", "", merge, false},
      {"201, one too few", 201, "", "", "*/{n-1}", merge, false},
      {"201, one too many", 201, "", "", "*/{n+1}", merge, false},
      {"JSON, wrong total", 201, R"({"inserted":0})", "application/json", "*/0", merge, false},
      {"range of a read", 201, "", "", "0-0/{n}", merge, false},
      {"unknown total", 201, "", "", "*/*", merge, false},
      {"ignore answered 200", 200, "", "", "*/{n}", ignore, false},
      {"ignore, more than sent", 201, "", "", "*/{n+1}", ignore, false},
  };
  for (const std::size_t rows : {1U, 3U, 17U}) {
    for (const Case& c : cases) {
      const std::string n = std::to_string(rows);
      std::string range = c.range;
      if (const auto at = range.find("{n}"); at != std::string::npos) range.replace(at, 3, n);
      if (const auto at = range.find("{n-1}"); at != std::string::npos) {
        range.replace(at, 5, std::to_string(rows - 1));
      }
      if (const auto at = range.find("{n+1}"); at != std::string::npos) {
        range.replace(at, 5, std::to_string(rows + 1));
      }
      Headers headers;
      if (!c.type.empty()) headers.emplace_back("Content-Type", c.type);
      if (!range.empty()) headers.emplace_back("Content-Range", range);
      answer(Step::respond(c.status, c.body, headers));
      const UpsertOutcome outcome = post(rows, c.resolution);
      SCOPED_TRACE(c.name + ", " + n + " rows: " + outcome.message);
      const auto sent = server.last_request(kPath);
      ASSERT_TRUE(sent.has_value());
      EXPECT_NE(sent->header("prefer").value_or("").find("count=exact"), std::string::npos);
      if (c.ok) {
        EXPECT_TRUE(outcome.ok());
        continue;
      }
      EXPECT_EQ(outcome.kind, Kind::transient);
      EXPECT_EQ(outcome.code(), ExitCode::upload_transient);
      EXPECT_NE(outcome.message.find("not a PostgREST answer"), std::string::npos);
      EXPECT_NE(outcome.message.find("HTTP " + std::to_string(c.status)), std::string::npos);
      EXPECT_NE(outcome.message.find(c.type.empty() ? "content type text/plain" : c.type),
                std::string::npos);
      if (!c.body.empty()) {
        const std::string first_line = c.body.substr(0, c.body.find('\n'));
        EXPECT_NE(outcome.message.find(first_line), std::string::npos);
      }
      EXPECT_EQ(outcome.message.find('\n'), std::string::npos);
    }
  }
}

TEST_F(PostgrestAnswers, ARedirectIsARejectionNamingTheUrlToUse) {
  PageServer sink;  // another origin: the key must never reach it
  for (const int status : {301, 302, 303, 307, 308}) {
    for (const bool other_origin : {false, true}) {
      const std::string base = other_origin ? sink.url("") : server.url("");
      sink.set(kPath, {Step::respond(201, "", {{"Content-Range", "*/1"}})});
      server.set("/v2/rest/v1/hashrates", {Step::respond(201, "", {{"Content-Range", "*/1"}})});
      const std::string location =
          (other_origin ? base : "") + (other_origin ? "" : "/v2") + kPath + "?on_conflict=x";
      answer(Step::redirect(location, status));
      const int sink_before = sink.request_count(kPath);
      const UpsertOutcome outcome = post(1);
      SCOPED_TRACE(std::to_string(status) + " to " + location + ": " + outcome.message);
      EXPECT_EQ(outcome.kind, Kind::rejected);
      EXPECT_EQ(outcome.code(), ExitCode::upload_rejected);
      const std::string target = other_origin ? sink.url("") : server.url("/v2");
      EXPECT_NE(outcome.message.find("SUPABASE_URL redirects to " + target + ": use that URL"),
                std::string::npos);
      EXPECT_EQ(outcome.message.find("on_conflict"), std::string::npos);
      EXPECT_EQ(sink.request_count(kPath), sink_before) << "the request followed the redirect";
      EXPECT_EQ(server.request_count("/v2/rest/v1/hashrates"), 0);
    }
  }
}

TEST(RedirectTarget, IsTheProjectUrlWithoutUserinfoOrQuery) {
  const std::string request = "http://proj.example:8000/rest/v1/hashrates?on_conflict=a,b";
  for (const std::string scheme : {"http", "https"}) {
    for (const std::string host : {"proj.example", "127.0.0.1:8443", "user:pw@other.example"}) {
      for (const std::string prefix : {"", "/base", "/a/b"}) {
        for (const std::string rest : {"/rest/v1/hashrates?on_conflict=a,b", "/rest/v1/?apikey=k",
                                       "/rest/v1", "/rest/v1/hashrates#frag"}) {
          const std::string bare_host = host.substr(host.find('@') + 1);
          const std::string expected = scheme + "://" + bare_host + prefix;
          const std::string absolute = scheme + "://" + host + prefix + rest;
          const RedirectTarget a = redirect_target(request, absolute);
          EXPECT_EQ(a.url, expected) << absolute;
          EXPECT_TRUE(a.rest_path) << absolute;
          const RedirectTarget s = redirect_target(request, "//" + host + prefix + rest);
          EXPECT_EQ(s.url, "http://" + bare_host + prefix) << "//" + host + prefix + rest;
          const RedirectTarget p = redirect_target(request, prefix + rest);
          EXPECT_EQ(p.url, "http://proj.example:8000" + prefix) << prefix + rest;
        }
      }
    }
  }
  EXPECT_EQ(redirect_target(request, "https://proj.example/").url, "https://proj.example");
  EXPECT_FALSE(redirect_target(request, "https://proj.example/login").rest_path);
}

TEST_F(PostgrestAnswers, A413IsTooLargeWithAdvice) {
  for (const std::size_t rows : {1U, 40U, 900U}) {
    answer(Step::respond(413, "<html>\n<head><title>413 Request Entity Too Large</title>",
                         {{"Content-Type", "text/html"}}));
    const UpsertOutcome outcome = post(rows);
    SCOPED_TRACE(outcome.message);
    EXPECT_EQ(outcome.kind, Kind::too_large);
    EXPECT_EQ(outcome.code(), ExitCode::upload_rejected);
    const std::size_t bytes = server.last_request(kPath)->body.size();
    EXPECT_NE(outcome.message.find("refuses bodies of " + std::to_string(bytes) + " bytes"),
              std::string::npos);
    EXPECT_NE(outcome.message.find("--max-request-kb"), std::string::npos);
  }
}

TEST_F(PostgrestAnswers, SqlstateClassesDecideWhatARefusalIs) {
  struct Case {
    int status;
    std::string code;
    Kind kind;
    int requests;  // with max_retries 2
  };
  const std::vector<Case> cases = {
      {400, "22003", Kind::row_refused, 1}, {400, "22P02", Kind::row_refused, 1},
      {400, "22001", Kind::row_refused, 1}, {409, "23505", Kind::row_refused, 1},
      {409, "23503", Kind::row_refused, 1}, {400, "23502", Kind::row_refused, 1},
      {500, "54000", Kind::row_refused, 1}, {400, "54000", Kind::row_refused, 1},
      {503, "22023", Kind::row_refused, 1}, {400, "PGRST102", Kind::rejected, 1},
      {400, "42P10", Kind::rejected, 1},    {401, "PGRST301", Kind::rejected, 1},
      {403, "42501", Kind::rejected, 1},    {404, "PGRST205", Kind::rejected, 1},
      {500, "57014", Kind::transient, 3},   {503, "PGRST000", Kind::transient, 3},
      {500, "21000", Kind::transient, 3},   {429, "", Kind::transient, 3},
  };
  for (const Case& c : cases) {
    const std::string body =
        R"({"code":")" + c.code + R"(","details":null,"hint":null,)" + R"("message":"refused"})";
    answer(Step::respond(c.status, body, {{"Content-Type", "application/json"}}));
    const int before = server.request_count(kPath);
    const UpsertOutcome outcome = post(2);
    SCOPED_TRACE(std::to_string(c.status) + " " + c.code + ": " + outcome.message);
    EXPECT_EQ(outcome.kind, c.kind);
    EXPECT_EQ(server.request_count(kPath) - before, c.requests);
    EXPECT_NE(outcome.message.find("HTTP " + std::to_string(c.status)), std::string::npos);
  }
}

TEST_F(PostgrestAnswers, AKeyEchoedAnywhereNeverLeaks) {
  const std::vector<std::pair<int, std::string>> kinds = {
      {400, "text/plain"}, {400, "application/json"}, {500, "application/json"},
      {413, "text/html"},  {200, "text/html"},        {401, "application/json"}};
  for (std::size_t offset = 0; offset <= 400; ++offset) {
    key = random_key(static_cast<unsigned>(offset));
    const auto& [status, type] = kinds[offset % kinds.size()];
    // The key whole, or a part of at least 8 characters, starting at `offset`.
    const std::size_t part = offset % 3 == 0 ? key.size() : 8 + offset % (key.size() - 8);
    const std::string echoed = key.substr(offset % 5, std::min(part, key.size() - offset % 5));
    std::string body;
    if (type == "application/json") {
      body = R"({"code":"22P02","message":")" + std::string(offset, 'm') + echoed +
             R"(","details":")" + echoed + R"(","hint":null})";
    } else {
      body = std::string(offset, 'x') + echoed + "\nsecond line " + key;
    }
    answer(Step::respond(status, body, {{"Content-Type", type}}));
    const UpsertOutcome outcome = post(1, Resolution::merge_duplicates, 0);
    SCOPED_TRACE("offset " + std::to_string(offset) + ", HTTP " + std::to_string(status));
    EXPECT_FALSE(outcome.ok());
    EXPECT_EQ(key_run_in(outcome.message, key), "") << outcome.message;
  }
}

}  // namespace
}  // namespace kz::test
