#include "common/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/build_info.hpp"
#include "common/error.hpp"

namespace kz {
namespace {

using Clock = std::chrono::system_clock;

TEST(LogColour, OnlyOnATerminalAndWithoutNoColor) {
  // no-color.org: any non-empty NO_COLOR turns colour off; an empty one does not.
  const std::vector<std::pair<const char*, bool>> no_color_values = {
      {nullptr, true}, {"", true}, {"1", false}, {"0", false}, {"yes", false}, {" ", false}};
  for (const bool tty : {false, true}) {
    for (const auto& [value, allows] : no_color_values) {
      EXPECT_EQ(use_colour(tty, value), tty && allows)
          << "tty " << tty << " NO_COLOR " << (value ? value : "(unset)");
    }
  }
}

TEST(LogFormatOption, ParsesOnlyTheTwoWords) {
  EXPECT_EQ(parse_log_format("plain"), LogFormat::plain);
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  for (const char* other : {"", "JSON", "Plain", "json ", "text", "jsonl"}) {
    EXPECT_FALSE(parse_log_format(other)) << other;
  }
}

LogFormat format_of(std::vector<std::string> args) {
  args.insert(args.begin(), "kzscrape");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return log_format_in_args(static_cast<int>(argv.size()), argv.data());
}

TEST(LogFormatOption, FoundInArgvBeforeParsingInEitherSpellingLastOneWins) {
  EXPECT_EQ(format_of({}), LogFormat::plain);
  EXPECT_EQ(format_of({"--log-format", "json"}), LogFormat::json);
  EXPECT_EQ(format_of({"--log-format=json"}), LogFormat::json);
  EXPECT_EQ(format_of({"--bogus", "--log-format", "json", "--db"}), LogFormat::json);
  EXPECT_EQ(format_of({"--log-format", "json", "--log-format=plain"}), LogFormat::plain);
  EXPECT_EQ(format_of({"--log-format=plain", "--log-format", "json"}), LogFormat::json);
  // A bad or missing value keeps what came before (the parser then names the error).
  EXPECT_EQ(format_of({"--log-format", "xml"}), LogFormat::plain);
  EXPECT_EQ(format_of({"--log-format=json", "--log-format", "xml"}), LogFormat::json);
  EXPECT_EQ(format_of({"--log-format"}), LogFormat::plain);
  EXPECT_EQ(format_of({"--log-formats=json"}), LogFormat::plain);
}

// Back from "2026-12-01T07:00:58.123Z" to milliseconds since the epoch.
int64_t parse_utc_millis(const std::string& text) {
  static const std::regex shape(R"(^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$)");
  std::smatch m;
  if (!std::regex_match(text, m, shape)) return INT64_MIN;
  std::tm parts{};
  parts.tm_year = std::stoi(m[1]) - 1900;
  parts.tm_mon = std::stoi(m[2]) - 1;
  parts.tm_mday = std::stoi(m[3]);
  parts.tm_hour = std::stoi(m[4]);
  parts.tm_min = std::stoi(m[5]);
  parts.tm_sec = std::stoi(m[6]);
  return static_cast<int64_t>(timegm(&parts)) * 1000 + std::stoi(m[7]);
}

TEST(JsonLogLine, TimeIsUtcWithMillisecondsForAnyInstant) {
  std::mt19937_64 random(15);
  std::uniform_int_distribution<int64_t> millis(0, 4102444800000);  // 1970 .. 2100
  std::vector<int64_t> instants = {0, 999, 1000, 1764572458123, 4102444799999};
  for (int i = 0; i < 200; ++i) instants.push_back(millis(random));
  const std::string pool = "KZPool_001";
  for (const int64_t ms : instants) {
    const LogLine line{Clock::time_point(std::chrono::milliseconds(ms)), "info", "kzscrape", &pool,
                       "m"};
    const auto object = nlohmann::json::parse(format_json_log_line(line));
    EXPECT_EQ(parse_utc_millis(object.at("time").get<std::string>()), ms) << object.dump();
  }
}

TEST(JsonLogLine, HasTheFiveFieldsInOrderAndNullWithoutPool) {
  const std::string pool = "KZPool_001";
  const auto at = Clock::time_point(std::chrono::milliseconds(1764572458123));
  EXPECT_EQ(format_json_log_line({at, "warn", "kzscrape", &pool, "alert opened"}),
            R"({"time":"2025-12-01T07:00:58.123Z","level":"warn","program":"kzscrape",)"
            R"("pool":"KZPool_001","message":"alert opened"})"
            "\n");
  const auto object =
      nlohmann::json::parse(format_json_log_line({at, "error", "kzupload", nullptr, "x"}));
  EXPECT_TRUE(object.at("pool").is_null());
  EXPECT_EQ(object.size(), 5u);
}

TEST(JsonLogLine, AnyBytesInTheMessageOrPoolStillGiveOneValidJsonLine) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 80);
  std::vector<std::string> texts = {"",     "\n",       "a\r\nb", std::string(1, '\0') + "x",
                                    "\x7f", "\xff\xfe", "\xc3",   "caf\xc3\xa9 \xe2\x82\xbf",
                                    "\"\\/"};
  for (int c = 0; c < 32; ++c) texts.push_back("ctl" + std::string(1, static_cast<char>(c)));
  for (int i = 0; i < 300; ++i) {
    std::string text(static_cast<size_t>(length(random)), ' ');
    for (char& ch : text) ch = static_cast<char>(byte(random));
    texts.push_back(text);
  }
  for (const std::string& text : texts) {
    const std::string line = format_json_log_line({Clock::now(), "error", "kzscrape", &text, text});
    ASSERT_EQ(line.find('\n'), line.size() - 1) << "one line only";
    nlohmann::json object;
    ASSERT_NO_THROW(object = nlohmann::json::parse(line)) << line;
    const auto message = object.at("message").get<std::string>();
    EXPECT_EQ(object.at("pool").get<std::string>(), message);
    // Valid UTF-8 comes back as it was; invalid bytes become U+FFFD, never dropped silently.
    bool valid = true;
    try {
      (void)nlohmann::json(text).dump();
    } catch (const nlohmann::json::type_error&) {
      valid = false;
    }
    if (valid) {
      EXPECT_EQ(message, text);
    } else {
      EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << line;
    }
  }
}

TEST(PlainLogLine, KeepsTodaysShapeAndColoursOnlyTheLevelWord) {
  const std::string pool = "KZPool_001";
  const auto now = Clock::now();
  EXPECT_EQ(format_plain_log_line({now, "error", "kzscrape", &pool, "fetching"}, false),
            "kzscrape: error: KZPool_001: fetching\n");
  EXPECT_EQ(format_plain_log_line({now, "info", "kzupload", nullptr, "done"}, false),
            "kzupload: info: done\n");
  EXPECT_EQ(format_plain_log_line({now, "error", "kzscrape", &pool, "x"}, true),
            "kzscrape: \033[31merror\033[0m: KZPool_001: x\n");
  EXPECT_EQ(format_plain_log_line({now, "warning", "kzscrape", nullptr, "x"}, true),
            "kzscrape: \033[33mwarning\033[0m: x\n");
  for (const char* level : {"trace", "debug", "info"}) {
    EXPECT_EQ(format_plain_log_line({now, level, "kz", nullptr, "x"}, true),
              format_plain_log_line({now, level, "kz", nullptr, "x"}, false))
        << level;
  }
  for (const char* level : {"trace", "debug", "info", "warning", "error"}) {
    EXPECT_EQ(format_plain_log_line({now, level, "kz", nullptr, "x"}, false).find('\033'),
              std::string::npos)
        << level;
  }
}

TEST(LogPoolScope, NestsAndRestoresAndIsPerThread) {
  EXPECT_EQ(current_log_pool(), nullptr);
  {
    const LogPoolScope outer("KZPool_001");
    ASSERT_NE(current_log_pool(), nullptr);
    EXPECT_EQ(*current_log_pool(), "KZPool_001");
    {
      const LogPoolScope inner("KZPool_002");
      EXPECT_EQ(*current_log_pool(), "KZPool_002");
    }
    EXPECT_EQ(*current_log_pool(), "KZPool_001");
    std::vector<std::string> seen(8);
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < seen.size(); ++i) {
      threads.emplace_back([i, &seen] {
        seen[i] = current_log_pool() ? "leaked" : "none";
        const LogPoolScope own("pool" + std::to_string(i));
        for (int k = 0; k < 100; ++k) std::this_thread::yield();
        seen[i] += "/" + *current_log_pool();
      });
    }
    threads.clear();
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], "none/pool" + std::to_string(i));
    EXPECT_EQ(*current_log_pool(), "KZPool_001");
  }
  EXPECT_EQ(current_log_pool(), nullptr);
}

TEST(PlainLogSink, CarriesThePoolOfTheLoggingThread) {
  std::ostringstream text;
  auto logger = std::make_shared<spdlog::logger>("kztest", plain_log_sink(text));
  logger->warn("no pool");
  {
    const LogPoolScope scope("KZPool_007");
    logger->error("fetching: HTTP {}", 503);
  }
  EXPECT_EQ(text.str(),
            "kztest: warning: no pool\nkztest: error: KZPool_007: fetching: HTTP 503\n");
}

TEST(InitLogging, RefusesAnUnknownLevel) {
  for (const char* level : {"verbose", "", "WARN2"}) {
    EXPECT_THROW(init_logging("kztest", level, false), Error) << level;
  }
}

TEST(BuildInfo, VersionLineHasTheShapeHelp2manReads) {
  const std::regex shape(R"(^kzscrape \d+\.\d+\.\d+ \(git ([0-9a-f]{7,}(, modified)?|unknown)\)$)");
  EXPECT_TRUE(std::regex_match(version_line("kzscrape"), shape)) << version_line("kzscrape");
}

TEST(Redact, ReplacesEverySecretOccurrence) {
  EXPECT_EQ(redact("key=abc&again=abc", "abc"), "key=[REDACTED]&again=[REDACTED]");
  EXPECT_EQ(redact("nothing", ""), "nothing");
}

}  // namespace
}  // namespace kz
