#include "upload/connection_check.hpp"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/secret_file.hpp"
#include "upload/postgrest_answer.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/supabase_tables.hpp"

namespace kz {
namespace {

std::string joined(const std::vector<const char*>& names) {
  std::string out;
  for (const char* name : names) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

// One check's requests and printed lines.
class Checker {
 public:
  Checker(const CheckSettings& settings, std::string url, HttpTransport& transport,
          const Sleeper& sleeper, std::ostream& out)
      : settings_(settings),
        url_(std::move(url)),
        transport_(transport),
        sleeper_(sleeper),
        out_(out) {}

  HttpResult send(const std::string& method, const std::string& path, bool with_key,
                  std::string body = "", std::string prefer = "") {
    HttpRequest request;
    request.method = method;
    request.url = url_ + path;
    request.follow_redirects = false;
    request.body = std::move(body);
    if (with_key) {
      request.headers = {{"apikey", settings_.service_key},
                         {"Authorization", "Bearer " + settings_.service_key}};
    }
    request.headers.emplace_back("Accept", "application/json");
    if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (!prefer.empty()) request.headers.emplace_back("Prefer", prefer);
    last_url_ = request.url;
    return send_with_retries(transport_, request, settings_.http, sleeper_);
  }

  void pass(const std::string& text) { out_ << "\u2713 " << secret_free(text) << '\n'; }
  ExitCode fail(ExitCode code, const std::string& text, const std::string& fix) {
    out_ << "\u2717 " << secret_free(text) << " -> " << fix << '\n';  // a fix is our own text
    if (first_failure_ == ExitCode::ok) first_failure_ = code;
    return code;
  }
  // The failure of a request that got no usable answer (network, 5xx, 3xx), or nothing.
  std::optional<ExitCode> fail_unusable(const std::string& what, const HttpResult& result) {
    if (!result.response) {
      return fail(ExitCode::upload_transient, what + ": " + result.transport_error,
                  "check SUPABASE_URL and the network, then try again");
    }
    const HttpResponse& response = *result.response;
    if (response.status >= 300 && response.status < 400) {
      return fail(ExitCode::upload_rejected, what,
                  describe_redirect(last_url_, response, settings_.service_key));
    }
    if (response.status >= 500 || response.status == 429) {
      return fail(ExitCode::upload_transient, what + ": " + status_text(response),
                  "the server is unavailable; try again later");
    }
    return std::nullopt;
  }
  std::string status_text(const HttpResponse& response) const {
    return "HTTP " + std::to_string(response.status) +
           server_summary(parse_server_error(response.body, settings_.service_key));
  }
  ExitCode first_failure() const { return first_failure_; }
  const std::string& url() const { return url_; }

 private:
  std::string secret_free(const std::string& text) const {
    return redact_key(text, settings_.service_key);
  }

  const CheckSettings& settings_;
  std::string url_;
  HttpTransport& transport_;
  const Sleeper& sleeper_;
  std::ostream& out_;
  std::string last_url_;
  ExitCode first_failure_ = ExitCode::ok;
};

// PostgREST answers data and errors alike as JSON with a JSON content type; a web server, a
// proxy's error page or a wrong path does not.
bool answers_like_postgrest(const HttpResponse& response) {
  const std::string type = response.header("content-type").value_or("");
  return type.find("json") != std::string::npos && nlohmann::json::accept(response.body);
}

// The step's failure when the answer is not PostgREST's: SUPABASE_URL is not the project's.
void fail_not_postgrest(Checker& c, const std::string& what, const HttpResponse& response,
                        const std::string& reason = "not JSON") {
  c.fail(ExitCode::upload_transient, what + ": " + describe_not_postgrest(response, reason, ""),
         "SUPABASE_URL must be the project's URL (https://<project>.supabase.co), which "
         "serves its REST API under /rest/v1/");
}

bool check_url(Checker& c) {
  const HttpResult result = c.send("GET", "/rest/v1/", false);
  if (c.fail_unusable("SUPABASE_URL " + c.url(), result)) return false;
  c.pass("SUPABASE_URL " + c.url() + " answers directly, without a redirect");
  return true;
}

bool check_key(Checker& c, const std::string& key) {
  const KeyIdentity identity = identify_key(key);
  const std::string fix =
      "set SUPABASE_SERVICE_KEY to the project's service_role (or sb_secret_) key";
  if (identity.role == KeyRole::anon) {
    c.fail(ExitCode::upload_rejected, "key: this is the anon key: use the service_role key", fix);
    return false;
  }
  if (identity.role != KeyRole::service) {
    c.fail(ExitCode::upload_rejected,
           identity.role == KeyRole::other
               ? "key: its role is '" + identity.claim + "', not service_role"
               : "key: " + identity.claim,
           fix);
    return false;
  }
  const HttpResult result = c.send("GET", "/rest/v1/accounts?select=account_name&limit=0", true);
  if (c.fail_unusable("key", result)) return false;
  const long status = result.response->status;
  if (!answers_like_postgrest(*result.response)) {
    fail_not_postgrest(c, "key", *result.response);
    return false;
  }
  if (status == 401 || status == 403) {
    c.fail(ExitCode::upload_rejected,
           "key: Supabase refuses it (" + c.status_text(*result.response) + ")",
           fix + " of this project");
    return false;
  }
  c.pass("key: a service key, accepted");
  return true;
}

const char* file_adding(const TableSpec& table, const std::string& column) {
  for (const char* later : table.later_columns) {
    if (column == later) return table.key_file;
  }
  return table.creates;
}

// The column kzupload writes that an error message names, or "".
std::string column_named(const TableSpec& table, const std::string& message) {
  for (const char* column : table.columns) {
    for (const std::string& form :
         {"." + std::string(column) + " ", "'" + std::string(column) + "'",
          "\"" + std::string(column) + "\""}) {
      if (message.find(form) != std::string::npos) return column;
    }
  }
  return "";
}

bool check_table(Checker& c, const TableSpec& table) {
  const std::string what = std::string("table ") + table.name;
  const HttpResult result = c.send(
      "GET",
      std::string("/rest/v1/") + table.name + "?select=" + joined(table.columns) + "&limit=0",
      true);
  if (c.fail_unusable(what, result)) return false;
  const HttpResponse& response = *result.response;
  if (!answers_like_postgrest(response)) {
    fail_not_postgrest(c, what, response);
    return false;
  }
  const ServerError error = parse_server_error(response.body, "");
  if (response.status == 404 || error.code == "PGRST205" || error.code == "42P01") {
    c.fail(ExitCode::upload_rejected, what + " is missing", std::string("apply ") + table.creates);
    return false;
  }
  if (error.code == "42703" || error.code == "PGRST204") {
    const std::string column = column_named(table, error.message);
    c.fail(ExitCode::upload_rejected,
           what + " lacks " +
               (column.empty() ? "a column kzupload writes" : "the column " + column) + " (" +
               c.status_text(response) + ")",
           std::string("apply ") + (column.empty()
                                        ? std::string(table.creates) + " and " + table.key_file
                                        : file_adding(table, column)));
    return false;
  }
  if (response.status != 200 && response.status != 206) {
    c.fail(ExitCode::upload_rejected, what + ": " + c.status_text(response),
           "use the service_role key and apply the sql/ files in order");
    return false;
  }
  c.pass(what + " has the columns kzupload writes");
  return true;
}

void check_unique_key(Checker& c, const TableSpec& table) {
  const std::string what = std::string("unique key ") + table.name + "(" + table.unique_key + ")";
  const HttpResult result =
      c.send("POST",
             std::string("/rest/v1/") + table.name + "?columns=" + table.unique_key +
                 "&on_conflict=" + table.unique_key,
             true, "[]", "resolution=merge-duplicates,return=minimal,count=exact");
  if (c.fail_unusable(what, result)) return;
  const HttpResponse& response = *result.response;
  const ServerError error = parse_server_error(response.body, "");
  if (error.code == "42P10") {
    c.fail(ExitCode::upload_rejected, what + " is missing", std::string("apply ") + table.key_file);
  } else if (response.status >= 200 && response.status < 300) {
    if (const auto wrong = not_postgrest_success(response, 0, true)) {
      fail_not_postgrest(c, what, response, *wrong);
    } else {
      c.pass(what + " exists");
    }
  } else if (!answers_like_postgrest(response)) {
    fail_not_postgrest(c, what, response);
  } else {
    c.fail(ExitCode::upload_rejected, what + ": " + c.status_text(response),
           std::string("apply ") + table.key_file);
  }
}

}  // namespace

ExitCode check_connection(const CheckSettings& settings, HttpTransport& transport,
                          const Sleeper& sleeper, std::ostream& out) {
  std::string url;
  try {
    if (!settings.supabase_url.empty()) url = normalize_supabase_url(settings.supabase_url);
  } catch (const Error& e) {
    out << "\u2717 " << e.what() << " -> set SUPABASE_URL=https://<project>.supabase.co\n";
    return ExitCode::usage;
  }
  Checker c(settings, url, transport, sleeper, out);
  if (url.empty()) {
    return c.fail(ExitCode::usage, "SUPABASE_URL is not set",
                  "set SUPABASE_URL=https://<project>.supabase.co");
  }
  if (!check_url(c)) return c.first_failure();
  if (settings.service_key.empty()) {
    return c.fail(ExitCode::usage, "no service key",
                  "set SUPABASE_SERVICE_KEY or pass --key-file FILE");
  }
  if (!check_key(c, settings.service_key)) return c.first_failure();
  std::vector<const TableSpec*> present;
  for (const TableSpec& table : supabase_tables()) {
    if (check_table(c, table)) present.push_back(&table);
  }
  for (const TableSpec* table : present) check_unique_key(c, *table);
  return c.first_failure();
}

ExitCode run_connection_check(const std::string& key_file, const HttpOptions& http,
                              std::ostream& out) {
  const auto trimmed = [](std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return std::string();
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  };
  CheckSettings settings;
  settings.http = http;
  settings.http.max_retries = std::min(settings.http.max_retries, 1);
  if (const char* url = std::getenv("SUPABASE_URL")) settings.supabase_url = trimmed(url);
  if (!key_file.empty()) {
    settings.service_key = read_secret_file(key_file, "--key-file");
  } else if (const char* key = std::getenv("SUPABASE_SERVICE_KEY")) {
    settings.service_key = trimmed(key);
  }
  CurlTransport transport(settings.http);
  return check_connection(settings, transport, real_sleeper(), out);
}

}  // namespace kz
