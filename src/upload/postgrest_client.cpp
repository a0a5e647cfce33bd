#include "upload/postgrest_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/logging.hpp"

namespace kz {
namespace {

using std::chrono::milliseconds;

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

struct ServerError {
  std::string code, message, details, hint;
};

ServerError parse_server_error(const std::string& body) {
  ServerError error;
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    error.message = body.substr(0, 300);
    return error;
  }
  const auto field = [&](const char* name) {
    auto it = json.find(name);
    if (it == json.end() || it->is_null()) return std::string();
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  error.code = field("code");
  error.message = field("message");
  error.details = field("details");
  error.hint = field("hint");
  return error;
}

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

std::string server_summary(const ServerError& error) {
  std::string out;
  if (!error.code.empty()) out += " " + error.code;
  if (!error.message.empty()) out += ": " + error.message;
  if (!error.details.empty()) out += "; details: " + error.details;
  if (!error.hint.empty()) out += "; hint: " + error.hint;
  return out;
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

std::string describe_rejection(const std::string& what, long status, const std::string& body) {
  const ServerError error = parse_server_error(body);
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
  const std::string path = "/rest/v1/" + table;
  const std::string prefer =
      std::string("resolution=") +
      (resolution == Resolution::merge_duplicates ? "merge-duplicates" : "ignore-duplicates") +
      ",return=minimal";
  HttpRequest request;
  request.method = "POST";
  request.url = config_.base_url + path + "?on_conflict=" + on_conflict;
  request.headers = {{"apikey", config_.service_key},
                     {"Authorization", "Bearer " + config_.service_key},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"},
                     {"Prefer", prefer}};
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
    return;
  }

  const auto start = std::chrono::steady_clock::now();
  const auto left = std::chrono::duration_cast<milliseconds>(config_.deadline - start);
  if (left <= milliseconds(0)) {
    throw Error(ExitCode::upload_transient,
                what +
                    ": the run's time limit (--timeout) is used up; the rows stay pending for "
                    "the next run");
  }
  HttpOptions options = config_.http;
  options.total_timeout = std::min(options.total_timeout, left);
  const HttpResult result = send_with_retries(transport_, request, options, sleeper_);
  requests_ += result.attempts;
  const auto took =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  const auto secret_free = [&](const std::string& text) {
    return one_line(redact(text, config_.service_key));
  };

  if (!result.response) {
    throw Error(ExitCode::upload_transient,
                secret_free(what + ": " + result.transport_error + attempts_text(result, took)));
  }
  const long status = result.response->status;
  if (status >= 200 && status < 300) {
    spdlog::debug("{} -> HTTP {} in {} ms ({} attempt(s))", what, status, took.count(),
                  result.attempts);
    return;
  }
  if (status >= 500 || is_retryable_status(status)) {
    throw Error(ExitCode::upload_transient,
                secret_free(what + ": HTTP " + std::to_string(status) +
                            server_summary(parse_server_error(result.response->body)) +
                            attempts_text(result, took)));
  }
  throw Error(ExitCode::upload_rejected,
              secret_free(describe_rejection(what, status, result.response->body)));
}

}  // namespace kz

namespace kz {

// Interface stub until the answer checks land: classifies the thrown error.
UpsertOutcome PostgrestClient::try_upsert(const std::string& table, const std::string& on_conflict,
                                          const std::string& body, std::size_t rows,
                                          Resolution resolution) {
  try {
    upsert(table, on_conflict, body, rows, resolution);
    return {};
  } catch (const Error& e) {
    const std::string message = e.what();
    UpsertOutcome outcome;
    outcome.message = message;
    if (e.code() == ExitCode::upload_transient) {
      outcome.kind = UpsertOutcome::Kind::transient;
    } else if (message.find("HTTP 413") != std::string::npos) {
      outcome.kind = UpsertOutcome::Kind::too_large;
    } else {
      outcome.kind = UpsertOutcome::Kind::rejected;
      for (const char* cls : {" 22", " 23", " 54"}) {
        const auto at = message.find(std::string(cls));
        if (at != std::string::npos && message.find(": HTTP") < at) {
          outcome.kind = UpsertOutcome::Kind::row_refused;
        }
      }
    }
    return outcome;
  }
}

}  // namespace kz
