#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace kz::test {

// One stderr line of a binary run with --log-format json.
struct JsonLogLine {
  std::string level;
  std::string program;
  std::optional<std::string> pool;
  std::string message;
  int64_t time_ms = 0;

  // The same line as --log-format plain prints it.
  std::string plain() const {
    return program + ": " + (level == "warn" ? "warning" : level) + ": " +
           (pool ? *pool + ": " : "") + message;
  }
};

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "2026-12-01T07:00:58.123Z" to milliseconds since the epoch; nullopt for any other shape.
inline std::optional<int64_t> utc_millis(const std::string& text) {
  static const std::regex shape(R"(^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$)");
  std::smatch m;
  if (!std::regex_match(text, m, shape)) return std::nullopt;
  std::tm parts{};
  parts.tm_year = std::stoi(m[1]) - 1900;
  parts.tm_mon = std::stoi(m[2]) - 1;
  parts.tm_mday = std::stoi(m[3]);
  parts.tm_hour = std::stoi(m[4]);
  parts.tm_min = std::stoi(m[5]);
  parts.tm_sec = std::stoi(m[6]);
  return static_cast<int64_t>(timegm(&parts)) * 1000 + std::stoi(m[7]);
}

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Every stderr line parsed as one JSON object with exactly the five fields, typed, of
// `program`, timed within [from_ms, to_ms] (a second of slack); a failed expectation otherwise.
inline std::vector<JsonLogLine> parse_json_log(const std::string& err, const std::string& program,
                                               int64_t from_ms, int64_t to_ms) {
  std::vector<JsonLogLine> lines;
  for (const std::string& text : split_lines(err)) {
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      ADD_FAILURE() << "not JSON: " << text << " (" << e.what() << ")";
      continue;
    }
    if (!object.is_object() || object.size() != 5 || !object["time"].is_string() ||
        !object["level"].is_string() || !object["program"].is_string() ||
        !(object["pool"].is_string() || object["pool"].is_null()) ||
        !object["message"].is_string()) {
      ADD_FAILURE() << "not the five typed fields: " << text;
      continue;
    }
    JsonLogLine line;
    line.level = object["level"];
    line.program = object["program"];
    if (object["pool"].is_string()) line.pool = object["pool"].get<std::string>();
    line.message = object["message"];
    const auto time = utc_millis(object["time"]);
    EXPECT_TRUE(time) << "time not UTC ISO-8601 with ms: " << text;
    line.time_ms = time.value_or(0);
    EXPECT_GE(line.time_ms, from_ms - 1000) << text;
    EXPECT_LE(line.time_ms, to_ms + 1000) << text;
    EXPECT_TRUE(std::regex_match(line.level, std::regex("trace|debug|info|warn|error"))) << text;
    EXPECT_EQ(line.program, program) << text;
    if (line.pool) {
      EXPECT_FALSE(line.pool->empty()) << text;
      EXPECT_FALSE(line.message.starts_with(*line.pool + ": ")) << "pool repeated: " << text;
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace kz::test
