#pragma once

// HS256 JSON Web Tokens as Supabase issues them (its API keys are such tokens) and as PostgREST
// verifies them: signature, `exp` with 30 s of leeway, `role` claim.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace kz::test {

std::string base64url_encode(std::string_view bytes);                     // no padding
std::optional<std::string> base64url_decode(std::string_view text);       // padding optional
std::string hmac_sha256(std::string_view key, std::string_view message);  // 32 raw bytes

// A signed token with the claims {"iss":"supabase-demo","role":<role>,"exp":<exp>}, like the
// anon and service_role keys of a Supabase project. exp is in seconds since the epoch.
std::string make_jwt(std::string_view role, std::string_view secret, std::int64_t exp);
// A signed token with any claims (e.g. without a role, or with an "authenticated" user role).
std::string make_jwt_with_claims(const nlohmann::json& claims, std::string_view secret);

inline constexpr std::int64_t kJwtLeewaySeconds = 30;

struct VerifiedJwt {
  nlohmann::json claims;
  std::optional<std::string> role;  // the "role" claim when it is a string
};

// PostgREST's answer to a token it rejects: always 401 with this code and message.
struct JwtRejection {
  std::string code;  // PGRST301 (undecodable or bad signature) or PGRST303 (claims)
  std::string message;
  std::optional<std::string> details;
};

std::variant<VerifiedJwt, JwtRejection> verify_jwt(std::string_view token, std::string_view secret,
                                                   std::int64_t now_unix_seconds);

}  // namespace kz::test
