#pragma once

// Generated Telegram tokens and the check that none shows in a line, for the Telegram channel's
// tests.

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>

namespace kz::test {

// A token shaped like BotFather's: "<bot id>:<35 characters of [A-Za-z0-9_-]>".
inline std::string generated_token(std::mt19937& rng) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string token =
      std::to_string(std::uniform_int_distribution<int64_t>(100000, 9999999999)(rng));
  token += ':';
  for (int i = 0; i < 35; ++i) token += kChars[std::uniform_int_distribution<size_t>(0, 63)(rng)];
  return token;
}

// `text` with a random choice of its characters written %XX (random hex case).
inline std::string percent_encoded(const std::string& text, std::mt19937& rng) {
  static const char kUpper[] = "0123456789ABCDEF";
  static const char kLower[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c == ':' || std::bernoulli_distribution(0.3)(rng)) {
      const char* hex = std::bernoulli_distribution(0.5)(rng) ? kUpper : kLower;
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

inline std::string percent_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The token, nor its secret part, appears in `text`, also once %XX are decoded.
inline void expect_no_token(const std::string& text, const std::string& token) {
  const std::string secret = token.substr(token.find(':') + 1);
  for (const std::string& form : {text, percent_decoded(text)}) {
    EXPECT_EQ(form.find(token), std::string::npos) << text;
    EXPECT_EQ(form.find(secret), std::string::npos) << text;
  }
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
}

}  // namespace kz::test
