#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/http.hpp"

namespace kz {

struct PoolApiOptions {
  std::string url = "https://btcpool.kz/ru/api";
  std::string key;  // sent only in the X-API-KEY header; never logged
  int page_size = 100;
  int max_pages = 1000;  // a runaway guard: 100,000 rows at the default page size
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// btcpool.kz's JSON API: GET <url>?v=1&method=<m>&currency=BTC&..., answers
// {"status":"OK","data":...}. Throws kz::Error: fetch_failed (network, HTTP
// errors after retries), api_key_rejected (401/403, or an error naming the
// key), api_error (status ERROR), no_data (not JSON or an unexpected shape),
// api_paging (pages that repeat or a total that changes), usage (the API redirects to
// another origin: the key is never sent there; a redirect within the origin is followed).
class PoolApiClient {
 public:
  PoolApiClient(PoolApiOptions options, HttpTransport& transport, HttpOptions http, Sleeper sleeper)
      : options_(std::move(options)),
        transport_(transport),
        http_(std::move(http)),
        sleeper_(std::move(sleeper)) {}

  // The "data" member of one call's answer, every number in it as a string of its exact text
  // (see parse_json_exact).
  nlohmann::json call(const std::string& method, const QueryParams& params = {});

  // Every row of a paged method, page after page. `id_field` names the member
  // that identifies a row; a row seen on an earlier page means the pages repeat.
  std::vector<nlohmann::json> fetch_all(const std::string& method, const QueryParams& params,
                                        const std::string& id_field);

 private:
  std::string request_url(const std::string& method, const QueryParams& params) const;

  PoolApiOptions options_;
  HttpTransport& transport_;
  HttpOptions http_;
  Sleeper sleeper_;
};

// The API's message about an unexpected answer, in one line: "the API answered
// something unexpected: <what> (method <m>)".
[[noreturn]] void throw_unexpected(const std::string& method, const std::string& what);

// A non-negative whole number, from the exact text of a JSON number or a string (as
// PoolApiClient::call() gives both): "12", "1.2e1", "12.0" -> 12; "12.5", "-1", "1,2" -> nullopt.
std::optional<int64_t> json_count(const nlohmann::json& value);

}  // namespace kz
