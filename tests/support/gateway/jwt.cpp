#include "support/gateway/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <vector>

namespace kz::test {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

JwtRejection decode_error(std::string message, std::optional<std::string> details = {}) {
  return {"PGRST301", std::move(message), std::move(details)};
}

JwtRejection claims_error(std::string message) {
  return {"PGRST303", std::move(message), {}};
}

std::vector<std::string_view> split_dots(std::string_view token) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

std::optional<nlohmann::json> decode_json_part(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  auto json = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  return json;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = decode_char(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
       &length);
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string make_jwt_with_claims(const nlohmann::json& claims, std::string_view secret) {
  std::string signing_input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims.dump());
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

std::string make_jwt(std::string_view role, std::string_view secret, std::int64_t exp) {
  return make_jwt_with_claims({{"iss", "supabase-demo"}, {"role", role}, {"exp", exp}}, secret);
}

std::variant<VerifiedJwt, JwtRejection> verify_jwt(std::string_view token, std::string_view secret,
                                                   std::int64_t now_unix_seconds) {
  if (token.empty()) return decode_error("Empty JWT is sent in Authorization header");
  auto parts = split_dots(token);
  if (parts.size() != 3) {
    return decode_error("Expected 3 parts in JWT; got " + std::to_string(parts.size()));
  }
  auto header = decode_json_part(parts[0]);
  if (!header) return decode_error("JWT couldn't be decoded");
  if (header->value("alg", "") != "HS256") {
    return decode_error("Wrong or unsupported encoding algorithm");
  }
  std::string signing_input(token.substr(0, parts[0].size() + 1 + parts[1].size()));
  std::string expected = hmac_sha256(secret, signing_input);
  auto signature = base64url_decode(parts[2]);
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return decode_error("No suitable key or wrong key type",
                        "None of the keys was able to decode the JWT");
  }
  auto claims = decode_json_part(parts[1]);
  if (!claims) return claims_error("Parsing claims failed");
  if (claims->contains("exp")) {
    const auto& exp = (*claims)["exp"];
    if (!exp.is_number()) return claims_error("The JWT 'exp' claim must be a number");
    if (static_cast<double>(now_unix_seconds - kJwtLeewaySeconds) > exp.get<double>()) {
      return claims_error("JWT expired");
    }
  }
  if (claims->contains("nbf")) {
    const auto& nbf = (*claims)["nbf"];
    if (!nbf.is_number()) return claims_error("The JWT 'nbf' claim must be a number");
    if (static_cast<double>(now_unix_seconds + kJwtLeewaySeconds) < nbf.get<double>()) {
      return claims_error("JWT not yet valid");
    }
  }
  VerifiedJwt verified{*claims, std::nullopt};
  if (claims->contains("role") && (*claims)["role"].is_string()) {
    verified.role = (*claims)["role"].get<std::string>();
  }
  return verified;
}

}  // namespace kz::test
