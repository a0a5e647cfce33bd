#include "common/config_reader.hpp"

namespace kz {

using nlohmann::json;

json parse_config_json(const std::string& text, const std::string& source_name) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line and column.
    int line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n')
        line++, column = 1;
      else
        column++;
    }
    std::string what = e.what();
    if (auto colon = what.rfind(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw Error(ExitCode::usage, source_name + ":" + std::to_string(line) + ":" +
                                     std::to_string(column) + ": invalid JSON: " + what);
  }
}

ConfigReader::ConfigReader(const std::string& text, std::string source_name)
    : source_(std::move(source_name)), layout_(json_layout(text)) {
  if (!layout_.duplicate_keys.empty()) {
    const auto& [pointer, at] = layout_.duplicate_keys.front();
    fail_at(at, "duplicate key '" + pointer.substr(pointer.rfind('/') + 1) + "'");
  }
}

void ConfigReader::fail_at(TextPosition at, const std::string& message) const {
  throw Error(ExitCode::usage, source_ + ":" + std::to_string(at.line) + ":" +
                                   std::to_string(at.column) + ": " + message);
}

void ConfigReader::fail(const std::string& pointer, const std::string& message) const {
  auto found = layout_.positions.find(pointer);
  fail_at(found == layout_.positions.end() ? TextPosition{} : found->second, message);
}

void ConfigReader::only_keys(const json& object, const std::string& pointer,
                             const std::set<std::string>& known, const std::string& where) const {
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) fail(pointer + "/" + key, "unknown key '" + key + "' in " + where);
  }
}

std::string ConfigReader::text(const json& object, const std::string& pointer, const char* key,
                               bool required, const std::string& where) const {
  if (!object.contains(key)) {
    if (required) fail(pointer, "missing '" + std::string(key) + "' in " + where);
    return "";
  }
  const json& value = object.at(key);
  if (!value.is_string()) fail(pointer + "/" + key, "'" + std::string(key) + "' must be a string");
  std::string result = value.get<std::string>();
  if (required && result.empty()) fail(pointer + "/" + key, "'" + std::string(key) + "' is empty");
  return result;
}

}  // namespace kz
