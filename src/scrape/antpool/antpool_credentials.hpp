#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/pool_config.hpp"
#include "scrape/antpool/antpool_account.hpp"

namespace kz {

// Looks up an environment variable by name; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process's own environment (getenv).
EnvLookup process_environment();

// Reads an Antpool key pair from a JSON file {"key": "...", "secret": "..."}
// (exactly these two keys, non-empty strings without white space). The file must
// be a regular file owned by the running user and not readable or writable by
// group or others (mode 0600 or stricter). `owner` names who needs it in errors
// ("pool antpool_001", "--antpool-credentials"). Every problem is a
// kz::Error(usage) naming `owner` and the reason, never the key or the secret;
// the path only once the file has opened (a secret pasted for a path stays unsaid).
AntpoolCredentials read_antpool_credentials_file(const std::string& path, const std::string& owner);

// The credentials of a pool with source "antpool": from its credentials_file, or
// from the environment variables named by key_env and secret_env (surrounding white
// space dropped; unset or empty: an error naming the variable, not its value).
// Throws kz::Error(usage) as above.
AntpoolCredentials load_antpool_credentials(const PoolConfig& pool, const EnvLookup& env);

// The pool's AntpoolAccount (names from the pools file, credentials loaded).
// Throws kz::Error(usage) for a pool that is not an Antpool pool, or as above.
AntpoolAccount antpool_account(const PoolConfig& pool, const EnvLookup& env);

}  // namespace kz
