// LOG_FORMAT=json: the wrapper's own lines are one JSON object each (time, level, program,
// pool, message), checked with generated messages (quotes, backslashes, control characters,
// any bytes) read back by a JSON parser; the stages get --log-format json and their JSON lines
// pass through unchanged.
#include <nlohmann/json.hpp>
#include <random>
#include <regex>

#include "integration/cron_stand_in.hpp"

namespace kz::test {
namespace {

// Parses one log line; fails the test when it is not one JSON object of the agreed shape.
nlohmann::ordered_json wrapper_line(const std::string& line) {
  nlohmann::ordered_json object;
  try {
    object = nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << e.what() << ": " << line;
    return {};
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "level", "program", "pool", "message"}))
      << line;
  EXPECT_TRUE(std::regex_match(object.value("time", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << line;
  EXPECT_EQ(object.value("program", ""), "run_scraper_and_upload");
  EXPECT_TRUE(object.contains("pool") && object["pool"].is_null()) << line;
  return object;
}

// Appends code point `c` as UTF-8.
void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Valid UTF-8 with what JSON must escape: C0 controls (no NUL: it cannot be in a variable),
// quotes, backslashes, DEL, and 2- to 4-byte characters.
std::string generated_text(std::mt19937& random) {
  static const char32_t picks[] = {1,     8,      9,      10,      12,       13,  27,  31,
                                   '"',   '\\',   '/',    '\'',    '{',      '}', 127, 0xE9,
                                   0x416, 0x20AC, 0xFFFD, 0x1F600, 0x10FFFF, 'a', ' ', '$'};
  std::string out;
  const int length = std::uniform_int_distribution<int>(1, 30)(random);
  for (int i = 0; i < length; ++i) {
    append_utf8(out, picks[std::uniform_int_distribution<size_t>(0, std::size(picks) - 1)(random)]);
  }
  return out;
}

// The invalid value reaches the log inside the error message, which is checked exactly.
TEST(CronLogFormat, GeneratedMessagesReadBackExactly) {
  std::mt19937 random(2026);
  const StandInRun run(stand_in_folder());
  for (int round = 0; round < 60; ++round) {
    std::filesystem::remove(run.dir() / "cron.log");
    const std::string value = "x" + generated_text(random);
    Settings settings = run.settings();
    StandInRun::set(settings, "LOG_FORMAT", "json");
    StandInRun::set(settings, "SCRAPE_TIME_LIMIT", value);
    ASSERT_EQ(run.run(settings).exit_code, 2) << run.log();
    const auto lines = run.log_lines();
    ASSERT_EQ(lines.size(), 1u) << run.log();
    const auto object = wrapper_line(lines[0]);
    EXPECT_EQ(object.value("level", ""), "error");
    EXPECT_EQ(
        object.value("message", ""),
        "error: SCRAPE_TIME_LIMIT must be a whole number of seconds above 0, not '" + value + "'")
        << lines[0];
  }
}

// Any bytes at all (not UTF-8 too): still one line a JSON parser reads.
TEST(CronLogFormat, AnyBytesStillMakeOneJsonLine) {
  std::mt19937 random(15);
  const StandInRun run(stand_in_folder());
  for (int round = 0; round < 60; ++round) {
    std::filesystem::remove(run.dir() / "cron.log");
    std::string value = "x";
    const int length = std::uniform_int_distribution<int>(1, 24)(random);
    for (int i = 0; i < length; ++i) {
      value += static_cast<char>(std::uniform_int_distribution<int>(1, 255)(random));
    }
    Settings settings = run.settings();
    StandInRun::set(settings, "LOG_FORMAT", "json");
    StandInRun::set(settings, "SCRAPE_TIME_LIMIT", value);
    ASSERT_EQ(run.run(settings).exit_code, 2) << run.log();
    const auto lines = run.log_lines();
    ASSERT_EQ(lines.size(), 1u) << run.log();
    const auto object = wrapper_line(lines[0]);
    EXPECT_TRUE(object.value("message", "").starts_with("error: SCRAPE_TIME_LIMIT must be"));
  }
}

TEST(CronLogFormat, StagesGetJsonAndTheirJsonLinesPassThrough) {
  const StandInRun run(stand_in_folder());
  const std::string own =
      R"({"time":"2026-12-01T07:00:58.123Z","level":"warn","program":"kzscrape",)"
      R"("pool":"KZPool_001","message":"a \"quoted\" \\ word"})";
  const std::string foreign = "AddressSanitizer: \"not\" JSON\tat all";
  run.stage("kzscrape", StageOutcome::exits_with(3), own + "\n" + foreign + "\n");
  Settings settings = run.settings();
  StandInRun::set(settings, "LOG_FORMAT", "json");
  StandInRun::set(settings, "METRICS_FILE", (run.dir() / "kzpool.prom").string());
  ASSERT_EQ(run.run(settings).exit_code, 23) << run.log();
  for (const char* stage : {"kzscrape", "kznotify", "kzupload", "kzreport"}) {
    const auto args = run.args(stage);
    ASSERT_GE(args.size(), 2u) << stage;
    EXPECT_EQ(std::vector<std::string>(args.end() - 2, args.end()),
              (std::vector<std::string>{"--log-format", "json"}))
        << stage;
  }
  const auto lines = run.log_lines();
  ASSERT_FALSE(lines.empty());
  size_t passed = 0, wrapped = 0;
  for (const auto& line : lines) {
    if (line == own) {
      ++passed;
      continue;
    }
    const auto object = wrapper_line(line);
    if (object.value("message", "") == foreign) ++wrapped;
  }
  EXPECT_EQ(passed, 1u) << run.log();
  EXPECT_EQ(wrapped, 1u) << run.log();
  EXPECT_NE(run.log().find(R"("level":"error","program":"run_scraper_and_upload","pool":null,)"
                           R"("message":"kzscrape: failed with exit code 3)"),
            std::string::npos)
      << run.log();
}

TEST(CronLogFormat, PlainIsTheDefaultAndOtherFormatsAreBadSettings) {
  const StandInRun run(stand_in_folder());
  ASSERT_EQ(run.run(run.settings()).exit_code, 0) << run.log();
  for (const auto& arg : run.args("kzscrape")) EXPECT_NE(arg, "--log-format");
  EXPECT_TRUE(run.log().starts_with("20")) << run.log();
  for (const std::string format : {"xml", "JSON", "json "}) {
    std::filesystem::remove(run.dir() / "cron.log");
    std::filesystem::remove(run.dir() / "kzscrape.args");
    Settings settings = run.settings();
    StandInRun::set(settings, "LOG_FORMAT", format);
    EXPECT_EQ(run.run(settings).exit_code, 2) << format;
    EXPECT_NE(run.log().find("error: LOG_FORMAT must be plain or json, not '" + format + "'"),
              std::string::npos)
        << run.log();
    EXPECT_FALSE(run.ran("kzscrape"));
  }
}

}  // namespace
}  // namespace kz::test
