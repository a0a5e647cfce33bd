#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace kz {

// Parses JSON like nlohmann::json::parse(text, nullptr, false), except that every number is
// kept as a string holding its exact text: 12 -> "12", 3.8384e+16 -> "3.8384e+16",
// 0.30000000000000004 -> "0.30000000000000004" (never read through a double). A reader then
// sees one form whether the sender wrote a number or a string. Integers, which carry no
// source text, are written back in decimal, which is their text in valid JSON ("-0" -> "0").
// A repeated key keeps its last value. Returns a discarded value (is_discarded()) when `text`
// is not JSON.
nlohmann::json parse_json_exact(std::string_view text);

}  // namespace kz
