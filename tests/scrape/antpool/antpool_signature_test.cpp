// The signature of ../shared/antpool-api.md §2: its worked example and negative vectors (copied
// here; tests do not read the spec).

#include "scrape/antpool/antpool_signature.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace kz {
namespace {

constexpr const char* kExample = "6BD336E2D64FDB04785BECA88BDCADFCA63F71471914FD96F76BD4A4E98FE63C";

TEST(AntpoolSignature, WorkedExample) {
  EXPECT_EQ(antpool_signature("demo_user", "k123", "s456", 1700000000000), kExample);
}

TEST(AntpoolSignature, NegativeVectorsDifferFromTheExample) {
  // Nonce in seconds, the wrong order key + userId + nonce, and nonce + 1 (§2's table).
  const std::string seconds = antpool_signature("demo_user", "k123", "s456", 1700000000);
  EXPECT_EQ(seconds, "43F5761892EC099C08FB6FE63DEB3E7638101814F9001838F0CA3AC9D183EDAD");
  // The wrong order is the right function given swapped arguments: "k123demo_user" + nonce.
  const std::string swapped = antpool_signature("k123", "demo_user", "s456", 1700000000000);
  EXPECT_EQ(swapped, "398F15A558D0BACA7864D6AABC31FA7D9B5A70724A27F4008064772110027921");
  const std::string next = antpool_signature("demo_user", "k123", "s456", 1700000000001);
  EXPECT_EQ(next, "BF32E5D5CE6F079A7135AD8A2F7AFE8CB15EC9693FF40E2583826D4682719047");
  for (const std::string& other : {seconds, swapped, next}) EXPECT_NE(other, kExample);
}

TEST(AntpoolSignature, UpperCaseHexOf32BytesForAnyInput) {
  for (const std::string& secret : {std::string(), std::string("s"), std::string(200, 'x')}) {
    for (int64_t nonce : {int64_t{0}, int64_t{1}, int64_t{1700000000000}}) {
      const std::string signature = antpool_signature("u\xC3\xA9", "key", secret, nonce);
      ASSERT_EQ(signature.size(), 64u);
      for (char c : signature) {
        EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'F')) << c;
      }
    }
  }
}

TEST(AntpoolSignature, EveryInputChangesIt) {
  const std::string base = antpool_signature("demo_user", "k123", "s456", 1700000000000);
  EXPECT_NE(antpool_signature("demo_usex", "k123", "s456", 1700000000000), base);
  EXPECT_NE(antpool_signature("demo_user", "k124", "s456", 1700000000000), base);
  EXPECT_NE(antpool_signature("demo_user", "k123", "s457", 1700000000000), base);
}

}  // namespace
}  // namespace kz
