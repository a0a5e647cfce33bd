#pragma once

// Error answers of the gateway: Supabase's API gateway bodies ({"message","hint"}), PostgREST's
// {"code","details","hint","message"}, and the SQLSTATE -> HTTP status table of postgrest.md.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kz::test {

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// An error response, thrown by the request handlers and turned into the HTTP answer.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, nlohmann::ordered_json body, HeaderList headers = {});
  int status() const { return status_; }
  const nlohmann::ordered_json& body() const { return body_; }
  const HeaderList& headers() const { return headers_; }

 private:
  int status_;
  nlohmann::ordered_json body_;
  HeaderList headers_;
};

// {"code":...,"details":...,"hint":...,"message":...}; absent details/hint are null.
ApiError postgrest_error(int status, std::string code, std::string message,
                         std::optional<std::string> details = {},
                         std::optional<std::string> hint = {}, HeaderList headers = {});

// The API gateway's own answers (before PostgREST): {"message":...[,"hint":...]}.
ApiError gateway_error(int status, std::string message, std::optional<std::string> hint = {});

// A PostgreSQL error as libpq reports it.
struct PgErrorFields {
  std::string sqlstate;
  std::string message;
  std::optional<std::string> detail;
  std::optional<std::string> hint;
};

// HTTP status for a SQLSTATE per postgrest.md. `anon` selects 401 over 403 for 42501.
int status_for_sqlstate(std::string_view sqlstate, bool anon);
// 08*, 53* and 57P01: the answer carries Retry-After.
bool sqlstate_is_unavailable(std::string_view sqlstate);

// The PostgREST answer for a database error: verbatim message/detail/hint, mapped status,
// Retry-After on 503, WWW-Authenticate: Bearer on 401.
ApiError error_from_database(const PgErrorFields& error, bool anon, int retry_after_seconds);

}  // namespace kz::test
