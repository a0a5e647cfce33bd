#include "upload/postgrest_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "upload/postgrest_answer.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

std::string sqlstate_of(const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return "";
  const auto it = json.find("code");
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

// send_with_retries retries every 5xx; a 5xx that refuses a row (e.g. 500 with SQLSTATE 54000,
// an index row too big) is final, so it is handed back as 400 and its status restored after.
class RowRefusalsAreFinal : public HttpTransport {
 public:
  explicit RowRefusalsAreFinal(HttpTransport& inner) : inner_(inner) {}
  HttpResult perform(const HttpRequest& request, std::chrono::milliseconds timeout) override {
    HttpResult result = inner_.perform(request, timeout);
    if (result.response && is_retryable_status(result.response->status) &&
        refuses_a_row(sqlstate_of(result.response->body))) {
      held_status_ = result.response->status;
      result.response->status = 400;
    }
    return result;
  }
  void restore(HttpResult& result) const {
    if (held_status_ && result.response && result.response->status == 400) {
      result.response->status = *held_status_;
    }
  }

 private:
  HttpTransport& inner_;
  std::optional<long> held_status_;
};

std::string advice(long status, const std::string& code) {
  if (status == 401) return "check SUPABASE_SERVICE_KEY: it must be the project's service_role key";
  if (status == 403 || code == "42501") {
    return "the key may not write this table: use the service_role key";
  }
  if (code == "42P10") return "apply sql/002_upsert_keys.sql to the database (see README)";
  if (code == "PGRST204") {
    return "the table lacks a column kzupload writes: apply sql/001_schema.sql and "
           "sql/002_upsert_keys.sql (see README)";
  }
  if (code == "PGRST205" || status == 404) {
    return "the table is missing: apply sql/001_schema.sql (see README)";
  }
  if (code == "23503") {
    return "the account row is missing from accounts (kzupload writes it first; was it deleted?)";
  }
  return "";
}

std::string attempts_text(const HttpResult& result, milliseconds took) {
  return " (" + std::to_string(result.attempts) + " attempt" + (result.attempts == 1 ? "" : "s") +
         " in " + std::to_string(took.count()) + " ms; the rows stay pending for the next run)";
}

}  // namespace

std::string normalize_supabase_url(const std::string& url) {
  std::string out = url;
  while (!out.empty() && (out.back() == '/' || out.back() == ' ')) out.pop_back();
  if (out.ends_with("/rest/v1")) out.resize(out.size() - 8);
  if (!out.starts_with("https://") && !out.starts_with("http://")) {
    throw Error(ExitCode::usage, "SUPABASE_URL '" + url +
                                     "' is not an http(s) URL like https://<project>.supabase.co");
  }
  return out;
}

std::string describe_rejection(const std::string& what, long status, const std::string& body,
                               const std::string& key) {
  const ServerError error = parse_server_error(body, key);
  std::string message = what + ": HTTP " + std::to_string(status) + server_summary(error);
  if (const std::string hint = advice(status, error.code); !hint.empty()) {
    message += " -> " + hint;
  }
  return one_line(message);
}

PostgrestClient::PostgrestClient(PostgrestConfig config, HttpTransport& transport, Sleeper sleeper,
                                 std::ostream* dry_run)
    : config_(std::move(config)),
      transport_(transport),
      sleeper_(std::move(sleeper)),
      dry_run_(dry_run) {}

void PostgrestClient::upsert(const std::string& table, const std::string& on_conflict,
                             const std::string& body, std::size_t rows, Resolution resolution) {
  const UpsertOutcome outcome = try_upsert(table, on_conflict, body, rows, resolution);
  if (!outcome.ok()) throw Error(outcome.code(), outcome.message);
}

UpsertOutcome PostgrestClient::try_upsert(const std::string& table, const std::string& on_conflict,
                                          const std::string& body, std::size_t rows,
                                          Resolution resolution) {
  using Kind = UpsertOutcome::Kind;
  const std::string path = "/rest/v1/" + table;
  const bool merge = resolution == Resolution::merge_duplicates;
  HttpRequest request;
  request.method = "POST";
  request.url = config_.base_url + path + "?on_conflict=" + on_conflict;
  request.headers = {
      {"apikey", config_.service_key},
      {"Authorization", "Bearer " + config_.service_key},
      {"Content-Type", "application/json"},
      {"Accept", "application/json"},
      {"Prefer", std::string("resolution=") + (merge ? "merge-duplicates" : "ignore-duplicates") +
                     ",return=minimal,count=exact"}};
  request.body = body;
  const std::string what =
      "POST " + path + " (" + std::to_string(rows) + (rows == 1 ? " row)" : " rows)");

  if (dry_run_ != nullptr) {
    *dry_run_ << request.method << ' ' << request.url << '\n';
    for (const auto& [name, value] : request.headers) {
      const bool secret = name == "apikey" || name == "Authorization";
      *dry_run_ << name << ": " << (secret ? "[REDACTED]" : value) << '\n';
    }
    *dry_run_ << '\n' << redact(body, config_.service_key) << "\n\n";
    return {};
  }

  const auto start = std::chrono::steady_clock::now();
  const auto left = std::chrono::duration_cast<milliseconds>(config_.deadline - start);
  if (left <= milliseconds(0)) {
    return {Kind::transient, what +
                                 ": the run's time limit (--timeout) is used up; the rows stay "
                                 "pending for the next run"};
  }
  HttpOptions options = config_.http;
  options.total_timeout = std::min(options.total_timeout, left);
  RowRefusalsAreFinal transport(transport_);
  HttpResult result = send_with_retries(transport, request, options, sleeper_);
  transport.restore(result);
  requests_ += result.attempts;
  const auto took =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  const auto secret_free = [&](const std::string& text) {
    return one_line(redact_key(text, config_.service_key));
  };

  if (!result.response) {
    return {Kind::transient,
            secret_free(what + ": " + result.transport_error + attempts_text(result, took))};
  }
  const HttpResponse& response = *result.response;
  const long status = response.status;
  if (status >= 300 && status < 400) {
    return {Kind::rejected,
            what + ": " + describe_redirect(request.url, response, config_.service_key)};
  }
  if (status >= 200 && status < 300) {
    if (const auto wrong = not_postgrest_success(response, rows, merge)) {
      return {Kind::transient,
              what + ": " + describe_not_postgrest(response, *wrong, config_.service_key) +
                  " -> check that SUPABASE_URL is the project's URL; the rows stay pending for the "
                  "next run"};
    }
    spdlog::debug("{} -> HTTP {} in {} ms ({} attempt(s))", what, status, took.count(),
                  result.attempts);
    return {};
  }
  if (status == 413) {
    return {Kind::too_large,
            one_line(what + ": HTTP 413" +
                     server_summary(parse_server_error(response.body, config_.service_key)) +
                     " -> a proxy or the server refuses bodies of " + std::to_string(body.size()) +
                     " bytes: lower --max-request-kb or raise the proxy's limit")};
  }
  if (refuses_a_row(sqlstate_of(response.body))) {
    return {Kind::row_refused,
            describe_rejection(what, status, response.body, config_.service_key)};
  }
  if (status >= 500 || is_retryable_status(status)) {
    return {Kind::transient,
            one_line(what + ": HTTP " + std::to_string(status) +
                     server_summary(parse_server_error(response.body, config_.service_key)) +
                     attempts_text(result, took))};
  }
  return {Kind::rejected, describe_rejection(what, status, response.body, config_.service_key)};
}

}  // namespace kz
