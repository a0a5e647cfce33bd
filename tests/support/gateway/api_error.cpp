#include "support/gateway/api_error.hpp"

namespace kz::test {
namespace {

nlohmann::ordered_json string_or_null(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

ApiError::ApiError(int status, nlohmann::ordered_json body, HeaderList headers)
    : std::runtime_error(body.dump()),
      status_(status),
      body_(std::move(body)),
      headers_(std::move(headers)) {}

ApiError postgrest_error(int status, std::string code, std::string message,
                         std::optional<std::string> details, std::optional<std::string> hint,
                         HeaderList headers) {
  nlohmann::ordered_json body;
  body["code"] = std::move(code);
  body["details"] = string_or_null(details);
  body["hint"] = string_or_null(hint);
  body["message"] = std::move(message);
  return ApiError(status, std::move(body), std::move(headers));
}

ApiError gateway_error(int status, std::string message, std::optional<std::string> hint) {
  nlohmann::ordered_json body;
  body["message"] = std::move(message);
  if (hint) body["hint"] = *hint;
  return ApiError(status, std::move(body));
}

bool sqlstate_is_unavailable(std::string_view sqlstate) {
  return starts_with(sqlstate, "08") || starts_with(sqlstate, "53") || sqlstate == "57P01";
}

int status_for_sqlstate(std::string_view sqlstate, bool anon) {
  if (sqlstate == "23505" || sqlstate == "23503") return 409;
  if (sqlstate == "42501") return anon ? 401 : 403;
  if (sqlstate == "25006") return 405;
  if (sqlstate == "57014") return 500;
  if (sqlstate_is_unavailable(sqlstate)) return 503;
  if (sqlstate == "21000" || starts_with(sqlstate, "40")) return 500;
  // 23502, 23514, 22P02, 22003, 22001, 42703 and anything else.
  return 400;
}

ApiError error_from_database(const PgErrorFields& error, bool anon, int retry_after_seconds) {
  int status = status_for_sqlstate(error.sqlstate, anon);
  HeaderList headers;
  if (status == 503) headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  if (status == 401) headers.emplace_back("WWW-Authenticate", "Bearer");
  return postgrest_error(status, error.sqlstate, error.message, error.detail, error.hint,
                         std::move(headers));
}

}  // namespace kz::test
