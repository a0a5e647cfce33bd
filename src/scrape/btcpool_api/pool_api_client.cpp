#include "scrape/btcpool_api/pool_api_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "common/decimal_text.hpp"
#include "common/error.hpp"
#include "common/http_redirects.hpp"
#include "common/url_text.hpp"
#include "common/json_exact.hpp"

namespace kz {
namespace {

constexpr size_t kMaxQuoted = 200;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// `text` on one line, cut to a readable length, with the key (should the API
// echo it) replaced.
std::string quote(std::string text, const std::string& key) {
  if (key.size() >= 4) {
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key)) {
      text.replace(pos, key.size(), "[redacted]");
    }
  }
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "...";
  return text;
}

// The API's own words about an error: the first string member of the usual names.
std::string error_message(const nlohmann::json& answer) {
  for (const char* name : {"message", "error", "msg", "data", "description"}) {
    auto it = answer.find(name);
    if (it != answer.end() && it->is_string()) return it->get<std::string>();
  }
  return answer.dump();
}

bool names_the_key(const std::string& message) {
  const std::string text = lower(message);
  return text.find("key") != std::string::npos || text.find("ключ") != std::string::npos ||
         text.find("auth") != std::string::npos || text.find("токен") != std::string::npos;
}

// The rows of one page: the one array member of `data` ("list", "rows", ...).
const nlohmann::json* page_rows(const nlohmann::json& data) {
  const nlohmann::json* rows = nullptr;
  for (const auto& [name, value] : data.items()) {
    if (!value.is_array()) continue;
    if (rows) return nullptr;
    rows = &value;
  }
  return rows;
}

std::string row_id(const nlohmann::json& row, const std::string& id_field) {
  auto it = row.find(id_field);
  if (it == row.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

[[noreturn]] void throw_paging(const std::string& method, const std::string& what) {
  throw Error(ExitCode::api_paging, "the pool API's pages of " + method + " are inconsistent: " +
                                        what + "; nothing was stored, try again later");
}

}  // namespace

void throw_unexpected(const std::string& method, const std::string& what) {
  throw Error(ExitCode::no_data,
              "the API answered something unexpected: " + what + " (method " + method + ")");
}

std::optional<int64_t> json_count(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto decimal = parse_decimal_text(value.get_ref<const std::string&>());
  if (!decimal || decimal->negative) return std::nullopt;
  return decimal_to_integer(*decimal, 0, Rounding::exact);
}

std::string PoolApiClient::request_url(const std::string& method, const QueryParams& params) const {
  std::string url = options_.url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "v=1&method=" + method + "&currency=BTC";
  for (const auto& [name, value] : params) url += "&" + name + "=" + value;
  return url;
}

nlohmann::json PoolApiClient::call(const std::string& method, const QueryParams& params) {
  HttpRequest request;
  request.url = request_url(method, params);
  request.headers = {{"Accept", "application/json"}, {"X-API-KEY", options_.key}};
  const HttpResult result = send_with_retries(transport_, request, http_, sleeper_);
  const std::string where = "the pool API (method " + method + ")";
  const std::string attempts =
      result.attempts <= 1 ? "" : " (after " + std::to_string(result.attempts) + " attempts)";
  if (!result.response) {
    throw Error(ExitCode::fetch_failed,
                "calling " + where + ": " + quote(result.transport_error, options_.key) + attempts);
  }
  const HttpResponse& response = *result.response;
  // The transport follows a redirect within the API's origin only, so that X-API-KEY goes
  // nowhere else; one to another origin comes back here.
  if (response.redirect_url && !same_origin(*response.redirect_url, request.url)) {
    throw Error(ExitCode::usage,
                where + " redirects to " + redacted_url(*response.redirect_url) + " (HTTP " +
                    std::to_string(response.status) +
                    "), another origin: the API key was not sent there; if that is the pool's "
                    "API, give it as --api-url");
  }
  if (response.status == 401 || response.status == 403) {
    const auto answer = parse_json_exact(response.body);
    const std::string said =
        answer.is_object() ? ": " + quote(error_message(answer), options_.key) : "";
    throw Error(ExitCode::api_key_rejected, where + " refused the API key (HTTP " +
                                                std::to_string(response.status) + said +
                                                "); check --api-key-file or KZPOOL_API_KEY");
  }
  nlohmann::json answer = parse_json_exact(response.body);
  // A client error that carries the API's own error answer is reported as that answer.
  const bool error_answer = response.status >= 400 && response.status < 500 && answer.is_object() &&
                            answer.contains("status");
  if (response.status != 200 && !error_answer) {
    throw Error(ExitCode::fetch_failed,
                "calling " + where + ": HTTP " + std::to_string(response.status) + attempts);
  }
  if (answer.is_discarded() || !answer.is_object()) {
    throw_unexpected(method, "not a JSON object: '" + quote(response.body, options_.key) + "'");
  }
  const auto status = answer.find("status");
  if (status == answer.end() || !status->is_string()) {
    throw_unexpected(method, "no \"status\" member");
  }
  if (*status != "OK" || response.status != 200) {
    const std::string message = quote(error_message(answer), options_.key);
    if (names_the_key(message)) {
      throw Error(ExitCode::api_key_rejected, where + " refused the API key: " + message +
                                                  " (check --api-key-file or KZPOOL_API_KEY)");
    }
    throw Error(ExitCode::api_error, where + " answered status " +
                                         quote(status->get<std::string>(), options_.key) + ": " +
                                         message);
  }
  if (!answer.contains("data")) throw_unexpected(method, "status OK without \"data\"");
  spdlog::debug("pool API {}: {} bytes", method, response.body.size());
  return std::move(answer["data"]);
}

std::vector<nlohmann::json> PoolApiClient::fetch_all(const std::string& method,
                                                     const QueryParams& params,
                                                     const std::string& id_field) {
  std::vector<nlohmann::json> all;
  std::set<std::string> seen;
  std::optional<int64_t> total;
  const auto paging_error = [&method](const std::string& what) { throw_paging(method, what); };
  for (int page = 0; page < options_.max_pages; ++page) {
    const auto offset = static_cast<int64_t>(all.size());
    QueryParams query = params;
    query.emplace_back("offset", std::to_string(offset));
    query.emplace_back("limit", std::to_string(options_.page_size));
    nlohmann::json data = call(method, query);
    if (data.is_array() && page == 0) {  // an unpaged answer: every row at once
      return data.get<std::vector<nlohmann::json>>();
    }
    if (!data.is_object()) throw_unexpected(method, "\"data\" is not an object");
    const nlohmann::json* rows = page_rows(data);
    const auto page_total = data.contains("total") ? json_count(data["total"]) : std::nullopt;
    if (!rows || !page_total) {
      throw_unexpected(method, "a page without one list of rows and a \"total\"");
    }
    if (total && *page_total != *total) {
      paging_error("the total changed from " + std::to_string(*total) + " to " +
                   std::to_string(*page_total) + " at offset " + std::to_string(offset));
    }
    total = page_total;
    if (data.contains("offset") && json_count(data["offset"]) != offset) {
      paging_error("asked for offset " + std::to_string(offset) + ", got offset " +
                   data["offset"].dump());
    }
    for (const nlohmann::json& row : *rows) {
      if (!row.is_object()) throw_unexpected(method, "a row that is not an object");
      const std::string id = row_id(row, id_field);
      if (id.empty()) throw_unexpected(method, "a row without \"" + id_field + "\"");
      if (!seen.insert(id).second) {
        paging_error("the page at offset " + std::to_string(offset) + " repeats " + id_field + " " +
                     quote(id, options_.key));
      }
      all.push_back(row);
    }
    if (static_cast<int64_t>(all.size()) > *total) {
      paging_error(std::to_string(all.size()) + " rows, more than the total " +
                   std::to_string(*total));
    }
    if (static_cast<int64_t>(all.size()) == *total) return all;
    if (rows->empty()) {
      paging_error("an empty page at offset " + std::to_string(offset) + " before the total " +
                   std::to_string(*total));
    }
  }
  throw_paging(method, "more than " + std::to_string(options_.max_pages) + " pages");
}

}  // namespace kz
