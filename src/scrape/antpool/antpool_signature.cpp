#include "scrape/antpool/antpool_signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "common/sha256.hpp"

namespace kz {

std::string antpool_signature(const std::string& user_id, const std::string& key,
                              const std::string& secret, int64_t nonce) {
  const std::string message = user_id + key + std::to_string(nonce);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed (OpenSSL HMAC)");
  }
  return to_hex(digest, length, true);
}

}  // namespace kz
