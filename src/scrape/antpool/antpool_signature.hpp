#pragma once

#include <cstdint>
#include <string>

namespace kz {

// Antpool's request signature (../shared/antpool-api.md §2): HMAC-SHA256 (OpenSSL) keyed by
// `secret` over user_id + key + decimal(nonce), as 64 upper-case hex digits.
// antpool_signature("demo_user", "k123", "s456", 1700000000000) ==
//   "6BD336E2D64FDB04785BECA88BDCADFCA63F71471914FD96F76BD4A4E98FE63C".
std::string antpool_signature(const std::string& user_id, const std::string& key,
                              const std::string& secret, int64_t nonce);

}  // namespace kz
