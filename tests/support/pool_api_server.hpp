#pragma once

// A btcpool.kz-like JSON API for tests, on 127.0.0.1 with an ephemeral port:
// GET /ru/api?v=1&method=<m>&currency=BTC with the header X-API-KEY. It answers
// {"status":"OK","data":...} in the documented shapes: summary_data as set, and
// the paged methods (workers, profit_history filtered by from/to,
// payment_history) as {"count","offset","limit","total","list"} pages of the
// rows set. A wrong or missing key gets HTTP 401. An override may replace any
// answer, to script faults.
//
//   kz::test::PoolApiServer api("secret-key");
//   api.set_rows("workers", {api_worker(1, "w1", true, "100000000000000", ...)});
//   ... kzscrape --source api --api-url api.url() ...

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kz::test {

struct ApiCall {
  std::string method;                        // the method= parameter
  std::map<std::string, std::string> query;  // every query parameter
  std::optional<std::string> key;            // the X-API-KEY header
  int index = 0;                             // earlier calls of the same method
};

struct ApiReply {
  int status = 200;
  std::string body;
};

class PoolApiServer {
 public:
  explicit PoolApiServer(std::string key);  // starts serving; throws when it cannot
  ~PoolApiServer();
  PoolApiServer(const PoolApiServer&) = delete;
  PoolApiServer& operator=(const PoolApiServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>/ru/api"

  void set_summary(nlohmann::json data);
  void set_rows(const std::string& method, std::vector<nlohmann::json> rows);
  // Called first for each call with a valid key; an answer replaces the normal one.
  void set_override(std::function<std::optional<ApiReply>(const ApiCall&)> override);

  std::vector<ApiCall> calls() const;
  int call_count(const std::string& method) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// {"status":"OK","data":data}, with each api_number() written as a bare number.
std::string api_ok(const nlohmann::json& data);
// A value the server sends as a bare JSON number with exactly this text ("3.8384e+16",
// "1E3", "0.30000000000000004"), which a json value holding a double could not keep.
nlohmann::json api_number(const std::string& text);
// A page of a paged method in the documented shape.
nlohmann::json api_page(const std::vector<nlohmann::json>& rows, int64_t offset, int64_t limit,
                        int64_t total);

// Rows in the documented shapes; every value a string as the API sends them.
nlohmann::json api_summary(int active, int inactive, const std::string& hashrate_10min_hs,
                           const std::string& hashrate_24hour_hs, const std::string& balance);
nlohmann::json api_worker(int id, const std::string& name, bool online,
                          const std::string& hashrate_hs, int64_t last_active,
                          const std::string& reject_rate);
nlohmann::json api_profit_day(const std::string& date, const std::string& pps,
                              const std::string& pplns, const std::string& total,
                              const std::string& hashrate_hs);
nlohmann::json api_payment(const std::string& id, const std::string& amount,
                           const std::string& address, const std::string& tx, int64_t created);

}  // namespace kz::test
