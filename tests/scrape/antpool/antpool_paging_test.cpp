// AntpoolClient::fetch_pages against a local paged stand-in: every page collected in order, the
// paging quirk and changing totals refused, the `enough` early stop; and a retry stopped by a
// termination signal.

#include <gtest/gtest.h>

#include <csignal>

#include "common/termination.hpp"
#include "scrape/antpool/antpool_client_fixture.hpp"

namespace kz::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

AntpoolAccount account() {
  return AntpoolAccount{"antpool_007", "owner", std::nullopt, kCredentials};
}

// `total` rows "r0", "r1", ... served `page_size` per page in the shape of userWorkerList.htm
// (under "result") or paymentHistoryV2.htm (directly in "data"). `answer_page` and
// `total_record` let a test make the pages lie.
struct PagedRows {
  PagedRows(int rows, bool result) : total(rows), under_result(result) {}
  int total;
  bool under_result;
  std::function<int(int asked)> answer_page = [](int asked) { return asked; };
  std::function<int(int asked)> total_record{};

  Reply operator()(const SeenRequest& seen, int) const {
    const int page = std::stoi(seen.params.at("page"));
    const int size = std::stoi(seen.params.at("pageSize"));
    const int answered = answer_page(page);
    const int records = total_record ? total_record(page) : total;
    json rows = json::array();
    for (int i = (answered - 1) * size; i < std::min(total, answered * size); ++i) {
      rows.push_back({{"workerId", "r" + std::to_string(i)}});
    }
    const json paged = {{"page", answered},
                        {"totalPage", (records + size - 1) / size},
                        {"pageSize", size},
                        {"totalRecord", records},
                        {"rows", rows}};
    const json data = under_result ? json{{"coinType", "BTC"}, {"result", paged}} : paged;
    return Reply{200, json{{"code", 0}, {"message", "ok"}, {"data", data}}.dump()};
  }
};

class AntpoolPagingTest : public ::testing::Test {
 protected:
  AntpoolClient client(const FakeAntpool& server) {
    HttpOptions http;
    http.max_retries = 2;
    return AntpoolClient(
        server.url(), transport_, http, [](milliseconds) {}, gate_);
  }
  CurlTransport transport_{HttpOptions{}};
  RecordingGate gate_;
};

TEST_F(AntpoolPagingTest, CollectsEveryPageInOrder) {
  for (const int total : {0, 1, 9, 10, 11, 35, 50}) {
    for (const int size : {1, 10, 50}) {
      for (const bool under_result : {true, false}) {
        PagedRows rows(total, under_result);
        FakeAntpool server("owner", rows);
        const std::string endpoint = under_result ? "userWorkerList.htm" : "paymentHistoryV2.htm";
        const auto got =
            client(server).fetch_pages(account(), endpoint, {{"coinType", "BTC"}},
                                       under_result ? "/result" : "", size, Tier::workers);
        ASSERT_EQ(got.size(), static_cast<size_t>(total)) << total << "/" << size;
        for (int i = 0; i < total; ++i) EXPECT_EQ(got[i]["workerId"], "r" + std::to_string(i));
        const auto seen = server.seen();
        const size_t pages = total == 0 ? 1 : static_cast<size_t>((total + size - 1) / size);
        ASSERT_EQ(seen.size(), pages) << total << "/" << size;
        for (size_t i = 0; i < seen.size(); ++i) {
          EXPECT_EQ(seen[i].params.at("page"), std::to_string(i + 1));
          EXPECT_EQ(seen[i].params.at("pageSize"), std::to_string(size));
          EXPECT_EQ(seen[i].params.at("coinType"), "BTC");
          EXPECT_EQ(seen[i].params.count("pageEnable"), under_result ? 0u : 1u);
          EXPECT_TRUE(seen[i].signature_ok);
          EXPECT_TRUE(seen[i].nonce_increased);
        }
      }
    }
  }
}

TEST_F(AntpoolPagingTest, APageThatComesBackAsPageOneIsInconsistent) {
  for (const int repeated_at : {2, 3, 5}) {
    PagedRows rows(120, true);
    rows.answer_page = [repeated_at](int asked) { return asked == repeated_at ? 1 : asked; };
    FakeAntpool server("owner", rows);
    const std::string what = thrown(
        [&] {
          client(server).fetch_pages(account(), "userWorkerList.htm", {}, "/result", 20,
                                     Tier::workers);
        },
        ExitCode::api_paging, gate_);
    EXPECT_NE(what.find("asked for page " + std::to_string(repeated_at) + ", got page 1"),
              std::string::npos)
        << what;
    EXPECT_EQ(server.seen().size(), static_cast<size_t>(repeated_at));
  }
}

TEST_F(AntpoolPagingTest, ATotalThatChangesIsInconsistent) {
  for (const int delta : {-1, 1, 25}) {
    PagedRows rows(100, false);
    rows.total_record = [delta](int asked) { return asked >= 3 ? 100 + delta : 100; };
    FakeAntpool server("owner", rows);
    const std::string what = thrown(
        [&] {
          client(server).fetch_pages(account(), "paymentHistoryV2.htm", {{"type", "recv"}}, "", 10,
                                     Tier::daily);
        },
        ExitCode::api_paging, gate_);
    EXPECT_NE(what.find("the total changed"), std::string::npos) << what;
    EXPECT_EQ(server.seen().size(), 3u);
  }
}

TEST_F(AntpoolPagingTest, EnoughStopsEarly) {
  for (const int wanted : {1, 10, 11, 33}) {
    PagedRows rows(100, false);
    FakeAntpool server("owner", rows);
    const auto got =
        client(server).fetch_pages(account(), "paymentHistoryV2.htm", {{"type", "payout"}}, "", 10,
                                   Tier::daily, [wanted](const std::vector<json>& so_far) {
                                     return static_cast<int>(so_far.size()) >= wanted;
                                   });
    const size_t pages = static_cast<size_t>((wanted + 9) / 10);
    EXPECT_EQ(server.seen().size(), pages) << wanted;
    EXPECT_EQ(got.size(), pages * 10) << wanted;
  }
}

TEST_F(AntpoolPagingTest, ARunawayPagerIsCutOff) {
  // A server that claims 5000 one-row pages: read up to the guard of 1000 pages, then refused.
  PagedRows rows(5000, true);
  FakeAntpool server("owner", rows);
  const std::string what = thrown(
      [&] {
        client(server).fetch_pages(account(), "userWorkerList.htm", {}, "/result", 1,
                                   Tier::workers);
      },
      ExitCode::api_paging, gate_);
  EXPECT_NE(what.find("more than 1000 pages"), std::string::npos) << what;
  EXPECT_EQ(server.seen().size(), 1000u);
}

TEST_F(AntpoolPagingTest, AMissingPagingFieldIsNoData) {
  FakeAntpool server("owner", [](const SeenRequest&, int) {
    return Reply{200, R"({"code":0,"message":"ok","data":{"result":{"page":1,"rows":[]}}})"};
  });
  const std::string what = thrown(
      [&] {
        client(server).fetch_pages(account(), "userWorkerList.htm", {}, "/result", 10,
                                   Tier::workers);
      },
      ExitCode::no_data, gate_);
  EXPECT_NE(what.find("totalPage"), std::string::npos) << what;
}

TEST_F(AntpoolPagingTest, ATerminationSignalStopsTheRetries) {
  FakeAntpool server("owner", [](const SeenRequest&, int) {
    return Reply{503, "<html>busy</html>", "text/html"};
  });
  TerminationScope scope;
  HttpOptions http;
  http.max_retries = 5;
  int sleeps = 0;
  AntpoolClient stopping(
      server.url(), transport_, http,
      [&sleeps](milliseconds) {
        ++sleeps;
        std::raise(SIGTERM);  // arrives during the backoff
      },
      gate_);
  const std::string what = thrown([&] { stopping.call(account(), "account.htm", {}, Tier::daily); },
                                  ExitCode::fetch_failed, gate_);
  EXPECT_EQ(scope.end(), SIGTERM);
  EXPECT_NE(what.find("SIGTERM"), std::string::npos) << what;
  EXPECT_EQ(sleeps, 1);
  EXPECT_EQ(server.seen().size(), 1u);
}

}  // namespace
}  // namespace kz::test
