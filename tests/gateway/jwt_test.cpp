// The HS256 pieces the gateway verifies keys with.

#include "support/gateway/jwt.hpp"

#include <gtest/gtest.h>

namespace kz::test {
namespace {

std::string hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  }
  return out;
}

TEST(JwtTest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(JwtTest, Base64UrlUsesTheUrlAlphabetWithoutPadding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_encode("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw");
  EXPECT_EQ(base64url_decode("YW55IGNhcm5hbCBwbGVhcw"), "any carnal pleas");
  EXPECT_EQ(base64url_decode("-_8="), "\xfb\xff");
  EXPECT_FALSE(base64url_decode("a+b/").has_value());
}

TEST(JwtTest, SignedTokenVerifiesAndCarriesTheRole) {
  auto verdict = verify_jwt(make_jwt("service_role", "secret", 2000), "secret", 1000);
  ASSERT_TRUE(std::holds_alternative<VerifiedJwt>(verdict));
  EXPECT_EQ(std::get<VerifiedJwt>(verdict).role, "service_role");
}

TEST(JwtTest, TamperedPayloadFailsTheSignature) {
  std::string token = make_jwt("anon", "secret", 2000);
  std::string forged_payload = base64url_encode(R"({"role":"service_role","exp":2000})");
  auto first_dot = token.find('.');
  auto second_dot = token.find('.', first_dot + 1);
  token.replace(first_dot + 1, second_dot - first_dot - 1, forged_payload);
  auto verdict = verify_jwt(token, "secret", 1000);
  ASSERT_TRUE(std::holds_alternative<JwtRejection>(verdict));
  EXPECT_EQ(std::get<JwtRejection>(verdict).code, "PGRST301");
}

TEST(JwtTest, ExpiryAllowsThirtySecondsOfSkew) {
  std::string token = make_jwt("anon", "secret", 1000);
  EXPECT_TRUE(std::holds_alternative<VerifiedJwt>(verify_jwt(token, "secret", 1029)));
  auto late = verify_jwt(token, "secret", 1031);
  ASSERT_TRUE(std::holds_alternative<JwtRejection>(late));
  EXPECT_EQ(std::get<JwtRejection>(late).code, "PGRST303");
  EXPECT_EQ(std::get<JwtRejection>(late).message, "JWT expired");
}

TEST(JwtTest, TokenWithoutRoleClaimHasNoRole) {
  auto verdict = verify_jwt(make_jwt_with_claims({{"sub", "user"}}, "secret"), "secret", 0);
  ASSERT_TRUE(std::holds_alternative<VerifiedJwt>(verdict));
  EXPECT_FALSE(std::get<VerifiedJwt>(verdict).role.has_value());
}

}  // namespace
}  // namespace kz::test
