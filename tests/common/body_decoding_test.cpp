#include "common/body_decoding.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace kz {
namespace {

// `window_bits` as deflateInit2 takes them: 31 gzip, 15 zlib, -15 raw deflate.
std::string compress(const std::string& in, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string text(std::size_t n, uint32_t seed) {
  std::string out;
  for (std::size_t i = 0; out.size() < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    out += "row " + std::to_string(seed % 9973) + " Воркер\n";
  }
  return out;
}

struct Encoding {
  std::string header;
  int window_bits;
};
const Encoding kEncodings[] = {{"gzip", 31}, {"x-gzip", 31}, {"deflate", 15}, {"deflate", -15}};

TEST(BodyDecoder, DecodesEachEncodingFedInPiecesOfAnySize) {
  for (const Encoding& e : kEncodings) {
    for (std::size_t piece : {1u, 2u, 7u, 1000u, 100000u}) {
      const std::string plain = text(30000, static_cast<uint32_t>(piece));
      const std::string encoded = compress(plain, e.window_bits);
      BodyDecoder decoder(e.header);
      std::string out;
      for (std::size_t at = 0; at < encoded.size(); at += piece) {
        ASSERT_EQ(decoder.write(std::string_view(encoded).substr(at, piece), out, 1 << 20),
                  BodyDecoder::Status::ok);
      }
      EXPECT_EQ(out, plain) << e.header << " " << e.window_bits;
      EXPECT_TRUE(decoder.complete()) << decoder.problem();
    }
  }
}

TEST(BodyDecoder, AStreamCutAnywhereIsIncomplete) {
  for (const Encoding& e : kEncodings) {
    const std::string encoded = compress(text(5000, 3), e.window_bits);
    for (std::size_t cut = 1; cut < encoded.size(); cut += 37) {
      BodyDecoder decoder(e.header);
      std::string out;
      ASSERT_EQ(decoder.write(std::string_view(encoded).substr(0, cut), out, 1 << 20),
                BodyDecoder::Status::ok);
      EXPECT_FALSE(decoder.complete()) << e.header << " cut at " << cut;
      EXPECT_NE(decoder.problem().find("stops before its end"), std::string::npos);
    }
    // The trailer alone missing (gzip's CRC and length, zlib's Adler-32).
    const std::size_t trailer = e.window_bits == 31 ? 8 : e.window_bits == 15 ? 4 : 0;
    if (trailer == 0) continue;
    BodyDecoder decoder(e.header);
    std::string out;
    (void)decoder.write(std::string_view(encoded).substr(0, encoded.size() - trailer), out,
                        1 << 20);
    EXPECT_FALSE(decoder.complete()) << e.header;
  }
}

TEST(BodyDecoder, ConcatenatedGzipMembersAreOneBody) {
  const std::string a = text(3000, 1), b = text(2000, 2);
  BodyDecoder decoder("gzip");
  std::string out;
  ASSERT_EQ(decoder.write(compress(a, 31) + compress(b, 31), out, 1 << 20),
            BodyDecoder::Status::ok);
  EXPECT_EQ(out, a + b);
  EXPECT_TRUE(decoder.complete());
}

TEST(BodyDecoder, CorruptDataTrailingDataAndUnknownEncodingsAreMalformed) {
  std::string encoded = compress(text(3000, 5), 31);
  encoded[encoded.size() / 2] = static_cast<char>(encoded[encoded.size() / 2] ^ 0x55);
  encoded[encoded.size() / 2 + 1] = static_cast<char>(encoded[encoded.size() / 2 + 1] ^ 0x55);
  std::string out;
  BodyDecoder corrupt("gzip");
  EXPECT_EQ(corrupt.write(encoded, out, 1 << 20), BodyDecoder::Status::malformed);
  EXPECT_FALSE(corrupt.complete());

  BodyDecoder trailing("deflate");
  out.clear();
  EXPECT_EQ(trailing.write(compress("abc", 15) + "xyz", out, 1 << 20),
            BodyDecoder::Status::malformed);
  EXPECT_NE(trailing.problem().find("after the end"), std::string::npos);

  BodyDecoder unknown("br");
  EXPECT_EQ(unknown.write("abc", out, 1 << 20), BodyDecoder::Status::malformed);
  EXPECT_NE(unknown.problem().find("\"br\""), std::string::npos);
}

TEST(BodyDecoder, IdentityPassesThroughAndNothingIsWhole) {
  for (const std::string header : {"", "identity", " Identity "}) {
    BodyDecoder decoder(header);
    std::string out;
    EXPECT_EQ(decoder.write("abc", out, 10), BodyDecoder::Status::ok);
    EXPECT_EQ(out, "abc");
    EXPECT_TRUE(decoder.complete());
  }
  BodyDecoder empty("gzip");
  EXPECT_TRUE(empty.complete());
}

TEST(BodyDecoder, TheDecodedSizeIsCapped) {
  const std::string plain(200000, 'x');
  BodyDecoder decoder("gzip");
  std::string out;
  EXPECT_EQ(decoder.write(compress(plain, 31), out, 50000), BodyDecoder::Status::too_large);
  EXPECT_LE(out.size(), 50000u);
  std::string identity;
  EXPECT_EQ(BodyDecoder("").write(plain, identity, 50000), BodyDecoder::Status::too_large);
}

}  // namespace
}  // namespace kz
