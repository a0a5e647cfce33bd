#pragma once

// Builds the text of a config file with a "notify" object one field per line, and records where
// each value starts while writing it, so that tests know an error's line:column without asking
// the parser's own position code.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

// A key and its value as raw JSON text ("\"abc\"", "42", "[\"a\", \"b\"]").
using ConfigField = std::pair<std::string, std::string>;
using ConfigObject = std::vector<ConfigField>;

// A JSON string literal for `text` (no characters that need escaping beyond \ and ").
inline std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct ConfigText {
  std::string text;
  // "line:column" by place: "notify", "notify/<key>", "d<i>" (destination i's '{'),
  // "d<i>/<key>" (the value of a destination's key), "top/<key>".
  std::map<std::string, std::string> at;
};

// {<top fields>, "notify": {<settings>, "destinations": [<destinations>]}}; no "destinations"
// key when `destinations` is nullptr.
inline ConfigText config_text(const ConfigObject& top, const ConfigObject& settings,
                              const std::vector<ConfigObject>* destinations) {
  ConfigText out;
  int line = 1;
  const auto add = [&](const std::string& indent, const std::string& text) {
    out.text += indent + text + "\n";
    ++line;
  };
  const auto place = [&](const std::string& name, const std::string& indent, size_t offset) {
    out.at[name] = std::to_string(line) + ":" + std::to_string(indent.size() + offset + 1);
  };
  add("", "{");
  for (const auto& [key, value] : top) {
    place("top/" + key, "  ", key.size() + 4);
    add("  ", "\"" + key + "\": " + value + ",");
  }
  place("notify", "  ", 10);
  add("  ", "\"notify\": {");
  for (size_t i = 0; i < settings.size(); ++i) {
    const auto& [key, value] = settings[i];
    place("notify/" + key, "    ", key.size() + 4);
    const bool last = i + 1 == settings.size() && destinations == nullptr;
    add("    ", "\"" + key + "\": " + value + (last ? "" : ","));
  }
  if (destinations != nullptr) {
    place("notify/destinations", "    ", 16);
    add("    ", "\"destinations\": [");
    for (size_t d = 0; d < destinations->size(); ++d) {
      const std::string name = "d" + std::to_string(d);
      place(name, "      ", 0);
      add("      ", "{");
      const ConfigObject& fields = (*destinations)[d];
      for (size_t i = 0; i < fields.size(); ++i) {
        const auto& [key, value] = fields[i];
        place(name + "/" + key, "        ", key.size() + 4);
        add("        ", "\"" + key + "\": " + value + (i + 1 == fields.size() ? "" : ","));
      }
      add("      ", d + 1 == destinations->size() ? "}" : "},");
    }
    add("    ", "]");
  }
  add("  ", "}");
  add("", "}");
  return out;
}

// `object` without `key`, or with its value replaced (added at the end when absent).
inline ConfigObject without(ConfigObject object, const std::string& key) {
  std::erase_if(object, [&](const ConfigField& f) { return f.first == key; });
  return object;
}
inline ConfigObject with(ConfigObject object, const std::string& key, const std::string& value) {
  for (auto& field : object) {
    if (field.first == key) {
      field.second = value;
      return object;
    }
  }
  object.emplace_back(key, value);
  return object;
}

}  // namespace kz::test
