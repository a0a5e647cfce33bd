#include "support/gateway/rest_request.hpp"

#include <array>

namespace kz::test {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct Recognized {
  std::optional<std::string> Preferences::*slot;
  std::array<const char*, 3> tokens;
};

const std::array<Recognized, 5> kRecognized = {{
    {&Preferences::resolution,
     {"resolution=merge-duplicates", "resolution=ignore-duplicates", nullptr}},
    {&Preferences::missing, {"missing=default", "missing=null", nullptr}},
    {&Preferences::representation,
     {"return=representation", "return=minimal", "return=headers-only"}},
    {&Preferences::count, {"count=exact", "count=planned", "count=estimated"}},
    {&Preferences::handling, {"handling=strict", "handling=lenient", nullptr}},
}};

}  // namespace

Preferences Preferences::parse(const std::vector<std::string>& header_values) {
  Preferences preferences;
  for (const auto& value : header_values) {
    for (const auto& item : split_list(value)) {
      if (item.empty()) continue;
      bool known = false;
      for (const auto& recognized : kRecognized) {
        for (const char* token : recognized.tokens) {
          if (token == nullptr || item != token) continue;
          known = true;
          auto& slot = preferences.*(recognized.slot);
          if (!slot) slot = item;
        }
      }
      if (!known) preferences.invalid.push_back(item);
    }
  }
  return preferences;
}

std::string Preferences::applied() const {
  std::string header;
  for (const auto* value : {&resolution, &missing, &representation, &count, &handling}) {
    if (!*value) continue;
    if (!header.empty()) header += ", ";
    header += **value;
  }
  return header;
}

std::string quote_ident(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '\0') break;
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string quote_literal(std::string_view text) {
  std::string quoted = "'";
  bool has_backslash = false;
  for (char c : text) {
    if (c == '\0') break;
    if (c == '\'') quoted += '\'';
    if (c == '\\') {
      quoted += '\\';
      has_backslash = true;
    }
    quoted += c;
  }
  quoted += "'";
  return has_backslash ? "E" + quoted : quoted;
}

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    items.emplace_back(trim(text.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) return items;
    start = end + 1;
  }
}

}  // namespace kz::test
