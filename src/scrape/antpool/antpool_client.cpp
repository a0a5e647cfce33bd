#include "scrape/antpool/antpool_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include "common/decimal_text.hpp"
#include "common/json_exact.hpp"
#include "common/sha256.hpp"
#include "common/termination.hpp"
#include "scrape/antpool/antpool_signature.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxQuoted = 200;
// More pages than any account has (50 rows a page: 50,000 workers); beyond it, a server that
// never says "last page" is read no further.
constexpr int kMaxPages = 1000;

// RFC 3986 unreserved characters stay, every other byte is %XX
// (application/x-www-form-urlencoded accepts both forms of a space).
std::string form_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

// `text` on one line, cut to a readable length, without any of `secrets`.
std::string quote(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
      text.replace(pos, secret.size(), "[redacted]");
    }
  }
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "...";
  return text;
}

// What to do about the key for codes -6..-10 (../shared/antpool-api.md §3, §10).
const char* key_hint(int code) {
  switch (code) {
    case -6:
      return "the API key is unknown or disabled: check the key in the credentials";
    case -7:
      return "user_id must be the account name, not the e-mail; check the key and secret";
    case -8:
      return "this host's IP address is not in the key's allowed-IP list on Antpool";
    case -9:
      return "the key lacks the permission for this call: enable it for the key on Antpool";
    case -10:
      return "the user is unknown to Antpool: check user_id and sub_account";
    default:
      return nullptr;
  }
}

// What to do about another code, when the code says more than its message
// (../shared/antpool-api.md §2: nonces strictly increase per key, -18 "Nonce error").
const char* code_hint(int code) {
  if (code == -18) {
    return "Nonce error: is this key used by another cache or program? each key needs its own "
           "nonce sequence";
  }
  return nullptr;
}

// Whether an HTTP status other than 200 may change within a run: 5xx, 429 (too many requests)
// and 408 (request timeout) may; another 4xx answers the same to every retry.
bool retried_status(int64_t status) {
  return status >= 500 || status == 429 || status == 408;
}

// What to do about an HTTP status that is not retried (../shared/antpool-api.md §4: more than
// 600 calls in 10 minutes ban the IP; the answer then is unknown, 403 is the likely one).
std::string status_hint(int64_t status) {
  switch (status) {
    case 403:
      return "Antpool refused with HTTP 403: an IP ban (more than 600 calls in 10 minutes) or an "
             "IP not allowed";
    case 404:
      return "no such API endpoint: is --antpool-url / antpool.url right?";
    default:
      return "a client error, which a retry would not mend";
  }
}

std::optional<int64_t> whole_number(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto decimal = parse_decimal_text(value.get_ref<const std::string&>());
  if (!decimal) return std::nullopt;
  return decimal_to_integer(*decimal, 0, Rounding::exact);
}

bool takes_page_enable(const std::string& endpoint) {
  return endpoint == "paymentHistoryV2.htm" || endpoint == "workers.htm";
}

// One attempt's verdict.
struct Attempt {
  CallOutcome outcome;
  std::optional<nlohmann::json> data;  // success
  std::optional<Error> failure;        // a failure that no retry mends
};

// The POST of one call: key, nonce, signature, userId for another account than the key's, then
// `params`, form-encoded.
HttpRequest signed_request(const std::string& url, const AntpoolAccount& account, int64_t nonce,
                           const std::string& signature, const FormParams& params) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.follow_redirects = false;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = "key=" + form_encode(account.credentials.key) + "&nonce=" + std::to_string(nonce) +
                 "&signature=" + signature;
  if (account.sub_account && *account.sub_account != account.user_id) {
    request.body += "&userId=" + form_encode(*account.sub_account);
  }
  for (const auto& [name, value] : params) {
    request.body += "&" + form_encode(name) + "=" + form_encode(value);
  }
  return request;
}

// What one attempt's result means: data, a failure no retry mends, or (neither) a transient
// failure. Its outcome's error quotes the server without `secrets`.
Attempt judge(const HttpResult& result, const std::string& where,
              const std::vector<std::string>& secrets) {
  Attempt attempt;
  if (!result.response) {
    attempt.outcome.error = "network: " + quote(result.transport_error, secrets);
  } else {
    const HttpResponse& response = *result.response;
    attempt.outcome.http_status = static_cast<int>(response.status);
    const nlohmann::json answer =
        response.status == 200 ? parse_json_exact(response.body) : nlohmann::json();
    const auto code_it = answer.is_object() ? answer.find("code") : answer.end();
    const auto code = code_it != answer.end() ? whole_number(*code_it) : std::optional<int64_t>();
    if (response.status != 200) {
      attempt.outcome.error = "HTTP " + std::to_string(response.status);
      if (!retried_status(response.status)) {
        attempt.failure = Error(ExitCode::fetch_failed,
                                "calling " + where + ": " + attempt.outcome.error + ": " +
                                    status_hint(response.status) + " (not retried: 1 attempt)");
      }
    } else if (!code) {
      attempt.outcome.error = "HTTP 200 with a body that is not Antpool's JSON envelope: '" +
                              quote(response.body.substr(0, 80), secrets) + "'";
    } else {
      attempt.outcome.api_code = static_cast<int>(std::clamp<int64_t>(*code, -999999, 999999));
      const auto message_it = answer.find("message");
      const std::string message = message_it != answer.end() && message_it->is_string()
                                      ? quote(message_it->get<std::string>(), secrets)
                                      : "(no message)";
      if (*code == 0 && answer.contains("data") && !answer["data"].is_null()) {
        attempt.data = answer["data"];
      } else if (*code == 0) {
        attempt.outcome.error = "code 0 without \"data\"";
        attempt.failure = Error(ExitCode::no_data, where + " answered code 0 without \"data\"");
      } else if (const char* hint = key_hint(static_cast<int>(*attempt.outcome.api_code))) {
        attempt.outcome.error = "code " + std::to_string(*code) + ": " + message;
        attempt.failure = Error(ExitCode::api_key_rejected, where + " refused the key: code " +
                                                                std::to_string(*code) + " \"" +
                                                                message + "\" (" + hint + ")");
      } else {
        attempt.outcome.error = "code " + std::to_string(*code) + ": " + message;
        const char* code_note = code_hint(static_cast<int>(*attempt.outcome.api_code));
        attempt.failure =
            Error(ExitCode::api_error, where + " answered code " + std::to_string(*code) + ": \"" +
                                           message + "\"" +
                                           (code_note ? std::string(" (") + code_note + ")" : ""));
      }
    }
  }
  return attempt;
}

}  // namespace

AntpoolClient::AntpoolClient(std::string base_url, HttpTransport& transport, HttpOptions http,
                             Sleeper sleeper, CallGate& gate)
    : base_url_(std::move(base_url)),
      transport_(transport),
      http_(std::move(http)),
      sleeper_(std::move(sleeper)),
      gate_(gate) {}

nlohmann::json AntpoolClient::call(const AntpoolAccount& account, const std::string& endpoint,
                                   const FormParams& params, Tier tier) {
  const AntpoolCredentials& credentials = account.credentials;
  const CallRequest call_request{endpoint, account.account_name, sha256_hex(credentials.key), tier};
  const std::string where = "Antpool " + endpoint + " for account " + account.account_name;
  std::string last_error;
  for (int retry = 0;; ++retry) {
    const auto slot = gate_.reserve(call_request);
    if (!slot) {
      throw BudgetExhausted("no call left in the Antpool budget for " + endpoint + " of account " +
                            account.account_name);
    }
    const std::string signature =
        antpool_signature(account.user_id, credentials.key, credentials.secret, slot->nonce);
    const std::vector<std::string> secrets = {credentials.secret, credentials.key, signature,
                                              std::to_string(slot->nonce)};
    const HttpRequest request =
        signed_request(base_url_ + endpoint, account, slot->nonce, signature, params);
    const auto started = std::chrono::steady_clock::now();
    const HttpResult result = transport_.perform(request, http_.total_timeout);
    Attempt attempt = judge(result, where, secrets);
    attempt.outcome.duration_ms =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started)
            .count();
    gate_.record(*slot, attempt.outcome);
    spdlog::debug("{}: {} in {} ms", where,
                  attempt.outcome.error.empty() ? "ok" : attempt.outcome.error,
                  attempt.outcome.duration_ms);
    if (attempt.data) return std::move(*attempt.data);
    if (attempt.failure) throw *attempt.failure;

    last_error = attempt.outcome.error;
    const int attempts = retry + 1;
    const auto failed = [&](const std::string& why) {
      return Error(ExitCode::fetch_failed, "calling " + where + ": " + last_error + " (" + why +
                                               " after " + std::to_string(attempts) +
                                               (attempts == 1 ? " attempt)" : " attempts)"));
    };
    if (termination_signal() != 0) throw failed(terminated_by(termination_signal()));
    if (retry >= http_.max_retries) throw failed("gave up");
    const int shift = std::min(retry, 30);
    const auto delay = std::min<int64_t>(http_.backoff_base.count() * (int64_t{1} << shift),
                                         http_.backoff_max.count());
    sleeper_(milliseconds(delay));
    if (termination_signal() != 0) throw failed(terminated_by(termination_signal()));
  }
}

std::vector<nlohmann::json> AntpoolClient::fetch_pages(
    const AntpoolAccount& account, const std::string& endpoint, const FormParams& params,
    const std::string& rows_at, int page_size, Tier tier,
    const std::function<bool(const std::vector<nlohmann::json>&)>& enough) {
  const std::string where = "Antpool " + endpoint + " for account " + account.account_name;
  const auto paging = [&](const std::string& what) {
    return Error(ExitCode::api_paging, "the pages of " + where + " are inconsistent: " + what +
                                           "; nothing was stored, try again later");
  };
  const auto unexpected = [&](const std::string& what) {
    return Error(ExitCode::no_data, where + ": " + what);
  };
  std::vector<nlohmann::json> rows;
  std::optional<int64_t> total_page;
  std::optional<int64_t> total_record;
  for (int page = 1;; ++page) {
    if (page > kMaxPages) {
      throw paging("more than " + std::to_string(kMaxPages) + " pages");
    }
    FormParams query = params;
    if (takes_page_enable(endpoint)) query.emplace_back("pageEnable", "1");
    query.emplace_back("page", std::to_string(page));
    query.emplace_back("pageSize", std::to_string(page_size));
    const nlohmann::json data = call(account, endpoint, query, tier);
    const nlohmann::json* paged = &data;
    if (!rows_at.empty()) {
      const nlohmann::json::json_pointer pointer(rows_at);
      if (!data.is_object() || !data.contains(pointer)) {
        throw unexpected("the answer has no \"" + rows_at.substr(1) + "\"");
      }
      paged = &data.at(pointer);
    }
    if (!paged->is_object()) throw unexpected("a page that is not a JSON object");
    const auto number = [&](const char* name) {
      const auto it = paged->find(name);
      const auto value = it != paged->end() ? whole_number(*it) : std::optional<int64_t>();
      if (!value || *value < 0) {
        throw unexpected(std::string("a page without a readable \"") + name + "\"");
      }
      return *value;
    };
    const int64_t got_page = number("page");
    const int64_t got_total_page = number("totalPage");
    const int64_t got_total_record = number("totalRecord");
    const auto rows_it = paged->find("rows");
    if (rows_it == paged->end() || !rows_it->is_array()) {
      throw unexpected("a page without \"rows\"");
    }
    if (got_page != page) {
      throw paging("asked for page " + std::to_string(page) + ", got page " +
                   std::to_string(got_page) + " (of " + std::to_string(got_total_page) + ")");
    }
    if (total_page && (*total_page != got_total_page || *total_record != got_total_record)) {
      throw paging("the total changed from " + std::to_string(*total_record) + " rows in " +
                   std::to_string(*total_page) + " pages to " + std::to_string(got_total_record) +
                   " rows in " + std::to_string(got_total_page) + " pages at page " +
                   std::to_string(page));
    }
    total_page = got_total_page;
    total_record = got_total_record;
    for (const nlohmann::json& row : *rows_it) rows.push_back(row);
    if (enough && enough(rows)) return rows;
    if (page >= got_total_page) break;
  }
  if (static_cast<int64_t>(rows.size()) != *total_record) {
    throw paging("the pages held " + std::to_string(rows.size()) + " rows, the total says " +
                 std::to_string(*total_record));
  }
  return rows;
}

}  // namespace kz
