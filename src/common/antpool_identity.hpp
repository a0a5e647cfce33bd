#pragma once

#include <string>
#include <string_view>

namespace kz {

// The identity in the cache (pool.observer_url) of the Antpool pool labelled `account_name`:
// "antpool://<account_name>", the operator's label as in Supabase, so that the Antpool account
// read under it (user_id, sub_account) may change. Bytes that a URL reader would take for
// userinfo, path, query, fragment or an escape ('@' '/' '?' '#' '%' ':', spaces, controls) are
// written %XX, so that redacted_url() shows the label unchanged. Used by AntpoolAccount::identity()
// and the pools file (pool_config.cpp).
inline std::string antpool_identity(std::string_view account_name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "antpool://";
  for (const char ch : account_name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || std::string_view("@/?#%:\\").find(ch) != std::string_view::npos) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace kz
