#include "upload/supabase_key.hpp"

#include <nlohmann/json.hpp>
#include <optional>

namespace kz {
namespace {

std::optional<std::string> base64url_decode(const std::string& text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == '-' || c == '+') value = 62;
    if (c == '_' || c == '/') value = 63;
    if (c == '=') break;
    if (value < 0) return std::nullopt;
    buffer = ((buffer << 6) | static_cast<unsigned>(value)) & 0xFFFFU;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

KeyIdentity identify_key(const std::string& key) {
  if (key.starts_with("sb_secret_")) return {KeyRole::service, "sb_secret_"};
  if (key.starts_with("sb_publishable_")) return {KeyRole::anon, "sb_publishable_"};
  const auto first = key.find('.');
  const auto second = first == std::string::npos ? first : key.find('.', first + 1);
  if (second == std::string::npos) {
    return {KeyRole::unreadable, "it is neither a JWT nor an sb_secret_ key"};
  }
  const auto payload = base64url_decode(key.substr(first + 1, second - first - 1));
  const auto json = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
  if (!json.is_object()) return {KeyRole::unreadable, "its JWT payload cannot be read"};
  const auto role = json.find("role");
  if (role == json.end() || !role->is_string()) {
    return {KeyRole::unreadable, "its JWT has no role claim"};
  }
  const std::string claim = role->get<std::string>();
  if (claim == "service_role") return {KeyRole::service, claim};
  if (claim == "anon") return {KeyRole::anon, claim};
  return {KeyRole::other, claim.substr(0, 40)};
}

}  // namespace kz
