#include "upload/postgrest_answer.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>

#include "common/logging.hpp"

namespace kz {
namespace {

constexpr std::size_t kMaxRedacted = 64 * 1024;
constexpr std::size_t kMinKeyRun = 8;
constexpr std::size_t kMaxField = 300;

std::string cut(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Never split a UTF-8 sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

std::string describe_not_postgrest(const HttpResponse& response, const std::string& reason,
                                   const std::string& key) {
  const auto type = response.header("content-type");
  const std::string body = quote_first_line(response.body, key);
  return "not a PostgREST answer (" + reason + "): HTTP " + std::to_string(response.status) + ", " +
         (type && !type->empty() ? "content type " + one_line(cut(*type, 100))
                                 : "no content type") +
         ", " + (body.empty() ? "empty body" : "body: " + body);
}

std::string redact_key(std::string text, const std::string& key) {
  if (key.empty()) return text;
  text = redact(std::move(text), key);
  if (text.size() > kMaxRedacted) text.resize(kMaxRedacted);
  if (key.size() < kMinKeyRun) return text;
  std::unordered_set<std::string_view> runs;
  for (std::size_t i = 0; i + kMinKeyRun <= key.size(); ++i) {
    runs.insert(std::string_view(key).substr(i, kMinKeyRun));
  }
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = std::string_view(text).substr(i);
    if (rest.size() >= kMinKeyRun && runs.contains(rest.substr(0, kMinKeyRun))) {
      std::size_t length = kMinKeyRun;
      while (length < rest.size() && key.find(rest.substr(0, length + 1)) != std::string::npos) {
        ++length;
      }
      out += "[REDACTED]";
      i += length;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string quote_first_line(const std::string& body, const std::string& key,
                             std::size_t max_bytes) {
  const std::string redacted = redact_key(body, key);
  const std::string first = trimmed(redacted.substr(0, redacted.find_first_of("\r\n")));
  return one_line(cut(first, max_bytes));
}

ServerError parse_server_error(const std::string& body, const std::string& key) {
  ServerError error;
  const std::string redacted = redact_key(body, key);
  const auto json = nlohmann::json::parse(redacted, nullptr, false);
  if (!json.is_object()) {
    error.message = one_line(cut(trimmed(redacted), kMaxField));
    return error;
  }
  const auto field = [&](const char* name) {
    auto it = json.find(name);
    if (it == json.end() || it->is_null()) return std::string();
    return one_line(cut(it->is_string() ? it->get<std::string>() : it->dump(), kMaxField));
  };
  error.code = field("code");
  error.message = field("message");
  error.details = field("details");
  error.hint = field("hint");
  return error;
}

std::string server_summary(const ServerError& error) {
  std::string out;
  if (!error.code.empty()) out += " " + error.code;
  if (!error.message.empty()) out += ": " + error.message;
  if (!error.details.empty()) out += "; details: " + error.details;
  if (!error.hint.empty()) out += "; hint: " + error.hint;
  return out;
}

bool refuses_a_row(const std::string& sqlstate) {
  const bool shape =
      sqlstate.size() == 5 && std::all_of(sqlstate.begin(), sqlstate.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) ||
               std::isupper(static_cast<unsigned char>(c));
      });
  return shape &&
         (sqlstate.starts_with("22") || sqlstate.starts_with("23") || sqlstate.starts_with("54"));
}

std::optional<std::string> not_postgrest_success(const HttpResponse& response, std::size_t rows,
                                                 bool every_row_counted) {
  const long status = response.status;
  if (status != 201 && !(status == 200 && every_row_counted)) {
    return "PostgREST answers an upsert with " +
           std::string(every_row_counted ? "201 or 200" : "201");
  }
  const auto range = response.header("content-range");
  if (!range) return "no Content-Range";
  const std::string text = trimmed(*range);
  const std::string digits = text.starts_with("*/") ? text.substr(2) : "";
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "Content-Range '" + one_line(cut(text, 40)) + "' is not */<rows>";
  }
  const auto total = std::stoull(digits);
  if (every_row_counted ? total != rows : total > rows) {
    std::string reason =
        "Content-Range counts " + digits + " rows of the " + std::to_string(rows) + " sent";
    // PostgREST itself reports fewer when the database drops rows (a trigger, rule or policy).
    if (total < rows) reason += "; a trigger, rule or policy in the database may drop rows";
    return reason;
  }
  const std::string body = trimmed(response.body);
  if (!body.empty() && !nlohmann::json::accept(body)) return "the body is not JSON";
  return std::nullopt;
}

RedirectTarget redirect_target(const std::string& request_url, const std::string& location) {
  const std::string target = trimmed(location);
  const auto scheme_end = request_url.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? "https" : request_url.substr(0, scheme_end);
  const auto authority_end = request_url.find_first_of("/?#", scheme_end + 3);
  const std::string origin = request_url.substr(0, authority_end);
  std::string absolute;
  const auto colon = target.find(':');
  const bool has_scheme = colon != std::string::npos && colon > 0 &&
                          std::isalpha(static_cast<unsigned char>(target[0])) &&
                          target.find_first_of("/?#") > colon;
  if (has_scheme) {
    absolute = target;
  } else if (target.starts_with("//")) {
    absolute = scheme + ":" + target;
  } else if (target.starts_with("/")) {
    absolute = origin + target;
  } else {
    std::string base = request_url.substr(0, request_url.find_first_of("?#"));
    const auto slash = base.rfind('/');
    base = slash != std::string::npos && slash > scheme_end + 2 ? base.substr(0, slash) : origin;
    absolute = base + "/" + target;
  }
  absolute = absolute.substr(0, absolute.find_first_of("?#"));
  const auto host_start = absolute.find("://");
  if (host_start != std::string::npos) {
    const auto path_start = absolute.find('/', host_start + 3);
    const auto at = absolute.rfind('@', path_start);
    if (at != std::string::npos && at > host_start)
      absolute.erase(host_start + 3, at - host_start - 2);
  }
  RedirectTarget out;
  const auto rest = absolute.find("/rest/v1");
  out.rest_path = rest != std::string::npos;
  if (out.rest_path) absolute.resize(rest);
  while (absolute.ends_with('/')) absolute.pop_back();
  out.url = absolute;
  return out;
}

std::string describe_redirect(const std::string& request_url, const HttpResponse& response,
                              const std::string& key) {
  const std::string status = "HTTP " + std::to_string(response.status);
  const auto location = response.header("location");
  if (!location || trimmed(*location).empty()) {
    return "SUPABASE_URL answers " + status + " without a Location: check SUPABASE_URL";
  }
  // The HTTP layer's resolution of the Location when it made one.
  const RedirectTarget target =
      redirect_target(request_url, response.redirect_url.value_or(*location));
  const std::string url = one_line(redact_key(target.url, key));
  if (!target.rest_path) {
    return "SUPABASE_URL redirects to " + url + " (" + status +
           "), which is not a REST API path: check SUPABASE_URL (https://<project>.supabase.co)";
  }
  return "SUPABASE_URL redirects to " + url + ": use that URL (" + status + ")";
}

}  // namespace kz
