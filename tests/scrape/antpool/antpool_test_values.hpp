#pragma once

// Helpers of the Antpool mapping tests: exact JSON as the client gives it, expected values
// computed independently of the code under test, and the no_data check.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"
#include "common/json_exact.hpp"

namespace kz::test {

// What AntpoolClient hands over: numbers kept as their exact text.
inline nlohmann::json exact(const std::string& text) {
  nlohmann::json value = parse_json_exact(text);
  EXPECT_FALSE(value.is_discarded()) << text;
  return value;
}

// The nearest double to "<mantissa>e<power>", computed by the C library (independently of the
// code under test).
inline double nearest(const std::string& mantissa, int power) {
  return std::strtod((mantissa + "e" + std::to_string(power)).c_str(), nullptr);
}

// `fn` throws kz::Error(no_data) whose message names `endpoint` and `field`.
inline void expect_no_data(const std::function<void()>& fn, const std::string& endpoint,
                           const std::string& field) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one naming " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_data) << e.what();
    EXPECT_NE(std::string(e.what()).find(endpoint), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

// 1864218 -> "0.01864218", written here rather than with the code under test.
inline std::string btc_text(int64_t sat) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%08lld", static_cast<long long>(sat / 100'000'000),
                static_cast<long long>(sat % 100'000'000));
  return text;
}

// A JSON member value: the text quoted (a JSON string) or bare (a JSON number).
inline std::string as_json(const std::string& text, bool quoted) {
  return quoted ? "\"" + text + "\"" : text;
}

}  // namespace kz::test
