#pragma once

// Telling a Supabase service key from an anon key without asking the server.

#include <string>

namespace kz {

// What a Supabase key is, read locally without a request: a JWT's `role` claim (base64url
// payload), or the prefix of a new-style key (sb_secret_ = service, sb_publishable_ = anon).
enum class KeyRole { service, anon, other, unreadable };
struct KeyIdentity {
  KeyRole role = KeyRole::unreadable;
  std::string claim;  // the JWT's role claim as written (other), or why it is unreadable
};
KeyIdentity identify_key(const std::string& key);

}  // namespace kz
