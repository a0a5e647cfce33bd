#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "common/json_positions.hpp"

namespace kz {

// Parses JSON text of a config file; a syntax error is a kz::Error(usage)
// "<source>:<line>:<column>: invalid JSON: ...".
nlohmann::json parse_config_json(const std::string& text, const std::string& source_name);

// Typed reads from a parsed config file whose errors name the place in the
// text: kz::Error(usage) "<source>:<line>:<column>: <message>". Values are
// addressed by JSON pointer ("/pools/0/user_id"). The constructor refuses a
// key repeated within one object.
class ConfigReader {
 public:
  ConfigReader(const std::string& text, std::string source_name);

  [[noreturn]] void fail_at(TextPosition at, const std::string& message) const;
  // At the value `pointer` names (the file's start if it has none).
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;

  // Refuses a key of `object` outside `known`: "unknown key 'x' in <where>".
  void only_keys(const nlohmann::json& object, const std::string& pointer,
                 const std::set<std::string>& known, const std::string& where) const;

  // object[key] as a string; "" when absent and not required. Required means
  // present and not empty.
  std::string text(const nlohmann::json& object, const std::string& pointer, const char* key,
                   bool required, const std::string& where) const;

  // object[key] as T (a whole number when T is integral) within [min, max];
  // `out` untouched when absent.
  template <typename T>
  void number(const nlohmann::json& object, const std::string& pointer, const char* key,
              std::optional<T>& out, double min, double max) const {
    if (!object.contains(key)) return;
    const nlohmann::json& value = object.at(key);
    const bool integral = std::is_integral_v<T>;
    if (!value.is_number() || (integral && !value.is_number_integer())) {
      fail(pointer + "/" + key,
           "'" + std::string(key) + "' must be " + (integral ? "a whole number" : "a number"));
    }
    const double number = value.get<double>();
    if (number < min || number > max) {
      std::ostringstream range;
      range << "'" << key << "' must be between " << min << " and " << max;
      fail(pointer + "/" + key, range.str());
    }
    out = value.get<T>();
  }

 private:
  std::string source_;
  JsonLayout layout_;
};

}  // namespace kz
