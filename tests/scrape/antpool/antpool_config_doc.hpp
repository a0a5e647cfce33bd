#pragma once

#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace kz::test {

// A pools file built from parts and rendered with random white space, which records
// where each value starts, so that tests compute the expected "file:line:column"
// from the text they wrote rather than from the parser under test.
struct JsonObject {
  std::vector<std::pair<std::string, std::string>> entries;  // key, raw JSON value

  void set(const std::string& key, const std::string& raw) {
    for (auto& [k, v] : entries) {
      if (k == key) {
        v = raw;
        return;
      }
    }
    entries.emplace_back(key, raw);
  }
  void erase(const std::string& key) {
    std::erase_if(entries, [&](const auto& entry) { return entry.first == key; });
  }
};

struct PoolsDoc {
  std::optional<JsonObject> antpool;
  std::vector<JsonObject> pools;
};

struct RenderedDoc {
  std::string text;
  std::map<std::string, size_t> offsets;  // JSON pointer -> byte offset of its value

  // "<source>:<line>:<column>" of the value at `pointer`.
  std::string where(const std::string& pointer, const std::string& source = "pools.json") const {
    const size_t offset = offsets.at(pointer);
    int line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n')
        ++line, column = 1;
      else
        ++column;
    }
    return source + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

class DocRenderer {
 public:
  explicit DocRenderer(unsigned seed) : rng_(seed) {}

  RenderedDoc render(const PoolsDoc& doc) {
    out_ = {};
    out_.offsets[""] = 0;
    out_.text = "{";
    bool first = true;
    if (doc.antpool) {
      key("antpool");
      object(*doc.antpool, "/antpool");
      first = false;
    }
    if (!first) out_.text += ",";
    key("pools");
    out_.offsets["/pools"] = out_.text.size();
    out_.text += "[";
    for (size_t i = 0; i < doc.pools.size(); ++i) {
      if (i) out_.text += ",";
      space(true);
      object(doc.pools[i], "/pools/" + std::to_string(i));
    }
    space(true);
    out_.text += "]";
    space(true);
    out_.text += "}\n";
    return out_;
  }

 private:
  void space(bool newline_ok) {
    const int kind = std::uniform_int_distribution<int>(0, newline_ok ? 3 : 2)(rng_);
    if (kind == 1) out_.text += " ";
    if (kind == 2) out_.text += "\t ";
    if (kind == 3) out_.text += "\n" + std::string(static_cast<size_t>(kind) * 2, ' ');
  }
  void key(const std::string& name) {
    space(true);
    out_.text += "\"" + name + "\"";
    space(false);
    out_.text += ":";
    space(true);
  }
  void object(const JsonObject& object, const std::string& pointer) {
    out_.offsets[pointer] = out_.text.size();
    out_.text += "{";
    for (size_t i = 0; i < object.entries.size(); ++i) {
      if (i) out_.text += ",";
      key(object.entries[i].first);
      out_.offsets[pointer + "/" + object.entries[i].first] = out_.text.size();
      out_.text += object.entries[i].second;
    }
    space(true);
    out_.text += "}";
  }

  std::mt19937 rng_;
  RenderedDoc out_;
};

inline std::string json_text(const std::string& text) {
  return "\"" + text + "\"";
}

}  // namespace kz::test
