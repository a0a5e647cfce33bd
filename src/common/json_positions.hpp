#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kz {

struct TextPosition {
  int line = 1;
  int column = 1;
};

struct JsonLayout {
  // Where each value starts, by JSON pointer ("" for the root, "/pools/0/account_name").
  std::map<std::string, TextPosition> positions;
  // Pointers of keys repeated within one object (nlohmann::json keeps the last silently).
  std::vector<std::pair<std::string, TextPosition>> duplicate_keys;
};

// nlohmann::json keeps no positions; config errors need them. Expects text
// that already parsed as JSON.
JsonLayout json_layout(std::string_view text);

}  // namespace kz
