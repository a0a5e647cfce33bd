#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kz {

// The SHA-256 digest of `data` (FIPS 180-4, computed by OpenSSL's EVP interface) as 64
// lower-case hex digits. Throws std::runtime_error if OpenSSL fails (out of memory).
std::string sha256_hex(std::string_view data);

// `size` bytes as hex digits, two per byte, lower-case unless `upper`.
std::string to_hex(const unsigned char* bytes, size_t size, bool upper = false);

}  // namespace kz
