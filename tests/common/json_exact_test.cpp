#include "common/json_exact.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace kz {
namespace {

using json = nlohmann::json;

TEST(JsonExact, NumbersKeepTheirText) {
  const json doc = parse_json_exact(
      R"({"a":3.8384e+16,"b":4.941e-05,"c":12,"d":0.5,"e":1E3,"f":-7,"g":18446744073709551615,)"
      R"("h":123456789012345678901234567890,"i":[1.0,2e0,-0.0],"j":"0.1","k":null,"l":true,)"
      R"("m":0.30000000000000004,"n":-0})");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["a"], "3.8384e+16");
  EXPECT_EQ(doc["b"], "4.941e-05");
  EXPECT_EQ(doc["c"], "12");
  EXPECT_EQ(doc["d"], "0.5");
  EXPECT_EQ(doc["e"], "1E3");
  EXPECT_EQ(doc["f"], "-7");
  EXPECT_EQ(doc["g"], "18446744073709551615");
  EXPECT_EQ(doc["h"], "123456789012345678901234567890");
  EXPECT_EQ(doc["i"], json::array({"1.0", "2e0", "-0.0"}));
  EXPECT_EQ(doc["j"], "0.1");
  EXPECT_TRUE(doc["k"].is_null());
  EXPECT_EQ(doc["l"], true);
  EXPECT_EQ(doc["m"], "0.30000000000000004");
  EXPECT_EQ(doc["n"], "0");
}

// A random document written out by hand, with the DOM parse_json_exact must give for it.
struct Sample {
  std::string text;
  json expected;
};

Sample random_value(std::mt19937& random, int depth) {
  const auto pick = random() % (depth > 3 ? 5 : 7);
  switch (pick) {
    case 0: {
      const std::string integer = std::to_string(static_cast<int32_t>(random()));
      return {integer, integer};
    }
    case 1: {
      static const char* forms[] = {"0.5", "1E3", "3.8384e+16", "4.941e-05", "-2.5E-007", "10.00"};
      const std::string text = forms[random() % 6];
      return {text, text};
    }
    case 2: {
      const std::string s = "s" + std::to_string(random() % 100);
      return {"\"" + s + "\"", s};
    }
    case 3:
      return {"null", nullptr};
    case 4:
      return random() % 2 ? Sample{"true", true} : Sample{"false", false};
    case 5: {
      Sample array{"[", json::array()};
      const auto n = random() % 4;
      for (unsigned i = 0; i < n; ++i) {
        Sample item = random_value(random, depth + 1);
        array.text += (i ? " , " : "") + item.text;
        array.expected.push_back(item.expected);
      }
      array.text += "]";
      return array;
    }
    default: {
      Sample object{"{", json::object()};
      const auto n = random() % 4;
      for (unsigned i = 0; i < n; ++i) {
        Sample item = random_value(random, depth + 1);
        const std::string key = "k" + std::to_string(i);
        object.text += (i ? ",\n" : "") + ("\"" + key + "\": ") + item.text;
        object.expected[key] = item.expected;
      }
      object.text += "}";
      return object;
    }
  }
}

TEST(JsonExact, RandomDocumentsKeepTheirShapeAndNumberText) {
  std::mt19937 random(99);
  for (int i = 0; i < 500; ++i) {
    const Sample sample = random_value(random, 0);
    EXPECT_EQ(parse_json_exact(sample.text), sample.expected) << sample.text;
  }
}

TEST(JsonExact, RepeatedKeysKeepTheLast) {
  EXPECT_EQ(parse_json_exact(R"({"a":1,"a":{"b":2}})"), json::parse(R"({"a":{"b":"2"}})"));
}

TEST(JsonExact, TextThatIsNotJsonIsDiscarded) {
  for (const char* text : {"", "{", "[1,]", "{\"a\":1} x", "nul", "01", "1.", ".5", "{'a':1}",
                           "<html></html>", "[1e]", "\"\\x\""}) {
    EXPECT_TRUE(parse_json_exact(text).is_discarded()) << text;
  }
}

}  // namespace
}  // namespace kz
