#include "scrape/antpool/antpool_credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace kz {
namespace {

constexpr const char* form = "{\"key\": \"...\", \"secret\": \"...\"}";
constexpr size_t max_file_bytes = 64 * 1024;

[[noreturn]] void refuse(const std::string& owner, const std::string& reason) {
  throw Error(ExitCode::usage, owner + ": " + reason);
}

bool has_space(const std::string& text) {
  for (unsigned char c : text) {
    if (c <= ' ' || c == 0x7f) return true;
  }
  return false;
}

// Closes the descriptor on every path out.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string read_private_file(const std::string& path, const std::string& owner) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) {
    refuse(owner, std::string("cannot open the credentials file (") + std::strerror(errno) +
                      "); it takes the path of a JSON file " + form);
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    refuse(owner, "the credentials file " + path + " is not a regular file");
  }
  if (st.st_uid != ::geteuid()) {
    refuse(owner, "the credentials file " + path + " belongs to uid " + std::to_string(st.st_uid) +
                      ", not to the user running kzscrape (uid " + std::to_string(::geteuid()) +
                      ")");
  }
  if ((st.st_mode & 077) != 0) {
    refuse(owner,
           "the credentials file " + path + " is open to group or others: chmod 600 " + path);
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) refuse(owner, "cannot read " + path + " (" + std::strerror(errno) + ")");
    if (got == 0) break;
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > max_file_bytes) refuse(owner, "the credentials file " + path + " is too big");
  }
  return text;
}

std::string field(const nlohmann::json& document, const char* name, const std::string& path,
                  const std::string& owner) {
  if (!document.contains(name)) {
    refuse(owner, "the credentials file " + path + " has no \"" + name + "\" (" + form + ")");
  }
  const nlohmann::json& value = document.at(name);
  if (!value.is_string()) {
    refuse(owner, "\"" + std::string(name) + "\" in " + path + " must be a string");
  }
  std::string text = value.get<std::string>();
  if (text.empty()) refuse(owner, "\"" + std::string(name) + "\" in " + path + " is empty");
  if (has_space(text)) {
    refuse(owner, "\"" + std::string(name) + "\" in " + path + " holds white space");
  }
  return text;
}

std::string from_env(const EnvLookup& env, const std::string& name, const std::string& owner) {
  const std::optional<std::string> value = env(name);
  if (!value) refuse(owner, "the environment variable " + name + " is not set");
  const char* const spaces = " \t\r\n";
  const auto first = value->find_first_not_of(spaces);
  if (first == std::string::npos) refuse(owner, "the environment variable " + name + " is empty");
  std::string text = value->substr(first, value->find_last_not_of(spaces) - first + 1);
  if (has_space(text))
    refuse(owner, "the environment variable " + name + " holds white space inside");
  return text;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

AntpoolCredentials read_antpool_credentials_file(const std::string& path,
                                                 const std::string& owner) {
  const std::string text = read_private_file(path, owner);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    refuse(owner, "the credentials file " + path + " is empty");
  }
  // No parser message: it would quote the text around the fault, the secret perhaps.
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    refuse(owner, "the credentials file " + path + " is not JSON of the form " + form);
  }
  for (const auto& [name, value] : document.items()) {
    if (name != "key" && name != "secret") {
      refuse(owner, "the credentials file " + path + " holds keys other than " + form);
    }
  }
  AntpoolCredentials credentials;
  credentials.key = field(document, "key", path, owner);
  credentials.secret = field(document, "secret", path, owner);
  return credentials;
}

AntpoolCredentials load_antpool_credentials(const PoolConfig& pool, const EnvLookup& env) {
  const std::string owner = "pool " + pool.account_name;
  if (!pool.antpool) refuse(owner, "is not an Antpool pool (\"source\": \"antpool\")");
  const AntpoolPoolConfig& config = *pool.antpool;
  if (!config.credentials_file.empty()) {
    return read_antpool_credentials_file(config.credentials_file, owner);
  }
  AntpoolCredentials credentials;
  credentials.key = from_env(env, config.key_env, owner);
  credentials.secret = from_env(env, config.secret_env, owner);
  return credentials;
}

AntpoolAccount antpool_account(const PoolConfig& pool, const EnvLookup& env) {
  AntpoolAccount account;
  account.credentials = load_antpool_credentials(pool, env);
  account.account_name = pool.account_name;
  account.user_id = pool.antpool->user_id;
  account.sub_account = pool.antpool->sub_account;
  return account;
}

}  // namespace kz
