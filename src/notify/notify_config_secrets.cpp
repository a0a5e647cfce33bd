// Where a destination's secrets come from: a file (read_secret_file) or an environment variable.

#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/secret_file.hpp"
#include "notify/notify_config_fields.hpp"

namespace kz {
namespace {

using nlohmann::json;

std::string env_name(const ConfigReader& reader, const json& object, const std::string& pointer,
                     const char* key, const std::string& where) {
  std::string name = reader.text(object, pointer, key, true, where);
  const bool valid =
      (name[0] < '0' || name[0] > '9') &&
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
          std::string::npos;
  if (!valid) {
    reader.fail(
        pointer + "/" + key,
        "'" + std::string(key) + "' must name an environment variable (letters, digits, _)");
  }
  return name;
}

std::string trimmed(const std::string& text) {
  const char* const spaces = " \t\r\n";
  const auto first = text.find_first_not_of(spaces);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

// Like the Antpool credentials file: a secret open to others is refused, not used. The path is
// not shown (a key given by mistake instead of a path must not be printed); the error's place is.
void check_private(const ConfigReader& reader, const std::string& pointer, const char* key,
                   const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;  // read_secret_file says
  const std::string given = "the file given to '" + std::string(key) + "'";
  if (st.st_uid != ::geteuid()) {
    reader.fail(pointer + "/" + key, given + " belongs to uid " + std::to_string(st.st_uid) +
                                         ", not to the user running kznotify (uid " +
                                         std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & 077) != 0) {
    reader.fail(pointer + "/" + key, given + " is open to group or others: chmod 600 it");
  }
}

}  // namespace

Secret read_secret(const ConfigReader& reader, const nlohmann::json& object,
                   const std::string& pointer, const std::string& where, const char* file_key,
                   const char* env_key, bool required, const std::string& thing,
                   const GetEnv& getenv) {
  const bool file = object.contains(file_key);
  const bool env = env_key != nullptr && object.contains(env_key);
  if (file && env) {
    reader.fail(pointer + "/" + env_key,
                where + " has both '" + file_key + "' and '" + env_key + "': give one");
  }
  if (file) {
    const std::string path = reader.text(object, pointer, file_key, true, where);
    check_private(reader, pointer, file_key, path);
    try {
      return {read_secret_file(path, "'" + std::string(file_key) + "'"),
              "the " + thing + " in " + file_key};
    } catch (const Error& e) {
      reader.fail(pointer + "/" + file_key, e.what());
    }
  }
  if (env) {
    const std::string name = env_name(reader, object, pointer, env_key, where);
    const char* value = getenv(name.c_str());
    const std::string origin = "the environment variable " + name + " (" + env_key + ")";
    if (value == nullptr)
      reader.fail(pointer + "/" + env_key,
                  origin + " is not set (under the cron wrapper, name it in NOTIFY_ENV_PASS)");
    std::string text = trimmed(value);
    if (text.empty()) reader.fail(pointer + "/" + env_key, origin + " is empty");
    return {std::move(text), "the " + thing + " in $" + name};
  }
  if (required) {
    reader.fail(pointer, where + " needs '" + file_key + "'" +
                             (env_key ? " or '" + std::string(env_key) + "'" : std::string()));
  }
  return {};
}

}  // namespace kz
