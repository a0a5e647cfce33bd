// Issue 15: --log-format json on the four binaries (every stderr line one JSON object, the pool
// in its own field), the same messages as plain text, and the exit codes unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include "integration/kzscrape_fixture.hpp"
#include "integration/log_lines.hpp"

namespace kz::test {
namespace {

struct Runs {
  ProcessResult plain;
  ProcessResult json;
  std::vector<JsonLogLine> lines;
};

// Digits (sizes, milliseconds, ports) may differ between two runs; the words may not.
std::string without_digits(const std::string& text) {
  return std::regex_replace(text, std::regex("[0-9]+"), "#");
}

class LogFormat : public KzscrapeTest {
 protected:
  // Runs `binary args` once in plain and once with --log-format json (after `reset`, so that both
  // start from the same state), parses every json line, and checks that both runs print the
  // same lines and exit with the same code.
  Runs run_both(
      const std::string& binary, std::vector<std::string> args,
      const std::vector<std::pair<std::string, std::string>>& env = {},
      const std::function<void()>& reset = [] {}) {
    Runs runs;
    std::vector<std::string> argv = {binary};
    argv.insert(argv.end(), args.begin(), args.end());
    reset();
    runs.plain = run_process(argv, env, std::chrono::seconds(60));
    reset();
    argv.insert(argv.begin() + 1, {"--log-format", "json"});
    const int64_t from = now_ms();
    runs.json = run_process(argv, env, std::chrono::seconds(60));
    const std::string program = std::filesystem::path(binary).filename().string();
    runs.lines = parse_json_log(runs.json.err, program, from, now_ms());
    EXPECT_EQ(runs.json.exit_code, runs.plain.exit_code) << runs.json.err;
    EXPECT_EQ(without_digits(runs.json.out), without_digits(runs.plain.out)) << "stdout untouched";
    std::vector<std::string> plain_lines, json_lines;
    for (const auto& line : split_lines(runs.plain.err))
      plain_lines.push_back(without_digits(line));
    for (const auto& line : runs.lines) json_lines.push_back(without_digits(line.plain()));
    std::sort(plain_lines.begin(), plain_lines.end());
    std::sort(json_lines.begin(), json_lines.end());
    EXPECT_EQ(json_lines, plain_lines) << "plain:\n"
                                       << runs.plain.err << "json:\n"
                                       << runs.json.err;
    EXPECT_FALSE(runs.lines.empty());
    return runs;
  }

  void remove_cache() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(db_ + suffix);
    }
  }

  std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // Two pools on the page server: KZPool_0 answers the page, KZPool_1 answers 500.
  std::string two_pools() {
    server_.set("/pool/0", {Step::ok(read_test_data("observer_en_60.html"))});
    server_.set("/pool/1", {Step::respond(500)});
    return write_file("pools.json",
                      R"({"pools": [{"account_name": "KZPool_0", "observer_url": ")" +
                          server_.url("/pool/0") + R"("}, {"account_name": "KZPool_1", )" +
                          R"("observer_url": ")" + server_.url("/pool/1") + R"("}]})");
  }

  static size_t count_if(const std::vector<JsonLogLine>& lines,
                         const std::function<bool(const JsonLogLine&)>& test) {
    return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), test));
  }
};

TEST_F(LogFormat, KzscrapeFleetLinesCarryTheirPoolAndTheSummaryNone) {
  const std::string config = two_pools();
  const auto runs = run_both(KZSCRAPE_PATH,
                             {"--config", config, "--db", db_, "--retries", "0", "--log-level",
                              "debug", "--render", "never"},
                             {}, [this] { remove_cache(); });
  EXPECT_EQ(runs.json.exit_code, 8) << runs.json.err;
  const auto& lines = runs.lines;
  EXPECT_EQ(count_if(lines,
                     [](const auto& l) {
                       return l.level == "error" && l.pool == "KZPool_1" &&
                              l.message.starts_with("fetching");
                     }),
            1u)
      << runs.json.err;
  EXPECT_EQ(count_if(lines,
                     [](const auto& l) {
                       return l.level == "error" && !l.pool &&
                              l.message == "1 of 2 pools failed (see the lines above)";
                     }),
            1u)
      << runs.json.err;
  EXPECT_GE(count_if(lines,
                     [](const auto& l) {
                       return l.pool == "KZPool_0" && l.message.starts_with("stored snapshot");
                     }),
            1u)
      << runs.json.err;
  // The fleet runs pools on threads: each thread's lines name its own pool.
  for (const auto& line : lines) {
    if (line.message.find("/pool/1") != std::string::npos) {
      EXPECT_EQ(line.pool, "KZPool_1");
    }
    if (line.message.find("/pool/0") != std::string::npos) {
      EXPECT_EQ(line.pool, "KZPool_0");
    }
  }
  EXPECT_NE(runs.plain.err.find("kzscrape: error: KZPool_1: fetching"), std::string::npos)
      << runs.plain.err;
}

TEST_F(LogFormat, KzscrapeWarningsOfOnePoolRunCarryIt) {
  // A page with offline workers opens alerts: warnings of the pool's run.
  server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  const auto runs = run_both(KZSCRAPE_PATH,
                             {"--url", server_.url("/observer"), "--db", db_, "--account",
                              "KZPool_001", "--offline-high-count", "0"},
                             {}, [this] { remove_cache(); });
  EXPECT_EQ(runs.json.exit_code, 0) << runs.json.err;
  EXPECT_GE(count_if(runs.lines, [](const auto& l) { return l.level == "warn"; }), 1u)
      << runs.json.err;
  for (const auto& line : runs.lines) EXPECT_EQ(line.pool, "KZPool_001") << line.message;
}

TEST_F(LogFormat, KzuploadErrorsPerPoolAndWithoutSettings) {
  const std::string config = two_pools();
  ASSERT_EQ(
      run_process({KZSCRAPE_PATH, "--config", config, "--db", db_, "--retries", "0"}).exit_code, 8);
  // Nothing listens on port 1: KZPool_0 (the one with rows) fails for now, on its own line, and
  // the fleet's code says some pools failed (8).
  const auto runs = run_both(
      KZUPLOAD_PATH, {"--config", config, "--db", db_, "--timeout", "2"},
      {{"SUPABASE_URL", "http://127.0.0.1:1"}, {"SUPABASE_SERVICE_KEY", "sk-never-logged"}});
  EXPECT_EQ(runs.json.exit_code, 8) << runs.json.err;
  EXPECT_EQ(count_if(runs.lines,
                     [](const auto& l) { return l.level == "error" && l.pool == "KZPool_0"; }),
            1u)
      << runs.json.err;
  EXPECT_EQ(runs.json.err.find("sk-never-logged"), std::string::npos);
  const auto unset = run_both(KZUPLOAD_PATH, {"--account", "KZPool_0", "--db", db_},
                              {{"SUPABASE_URL", ""}, {"SUPABASE_SERVICE_KEY", ""}});
  EXPECT_EQ(unset.json.exit_code, 2);
  ASSERT_EQ(unset.lines.size(), 1u) << unset.json.err;
  EXPECT_EQ(unset.lines[0].level, "error");
  EXPECT_FALSE(unset.lines[0].pool);
}

TEST_F(LogFormat, KzreportOnAMissingCache) {
  const auto runs = run_both(KZREPORT_PATH, {"metrics", "--db", (dir_ / "none.db").string()});
  EXPECT_EQ(runs.json.exit_code, 5) << runs.json.err;
  ASSERT_EQ(runs.lines.size(), 1u);
  EXPECT_EQ(runs.lines[0].level, "error");
  EXPECT_NE(runs.lines[0].message.find("none.db"), std::string::npos);
}

TEST_F(LogFormat, KznotifyBadConfigAndAMuteWarning) {
  const std::string bad = write_file("notify.json", "{\"notify\": {\"destinations\": 3}}");
  const auto runs = run_both(KZNOTIFY_PATH, {"--config", bad, "--db", db_});
  EXPECT_EQ(runs.json.exit_code, 2) << runs.json.err;
  ASSERT_FALSE(runs.lines.empty());
  EXPECT_EQ(runs.lines.back().level, "error");
  two_pools();
  ASSERT_EQ(run_process({KZSCRAPE_PATH, "--url", server_.url("/pool/0"), "--db", db_}).exit_code,
            0);
  const auto mute = run_both(
      KZNOTIFY_PATH, {"--db", db_, "mute", "--pool", "KZPool_404", "--for", "1h"}, {}, [this] {
        run_process({KZNOTIFY_PATH, "--db", db_, "unmute", "--pool", "KZPool_404"});
      });
  EXPECT_EQ(mute.json.exit_code, 0) << mute.json.err;
  EXPECT_EQ(count_if(mute.lines,
                     [](const auto& l) {
                       return l.level == "warn" &&
                              l.message.starts_with("pool KZPool_404 is not in the cache");
                     }),
            1u)
      << mute.json.err;
}

TEST_F(LogFormat, CommandLineErrorsAreJsonTooEvenBeforeParsing) {
  for (const std::string binary : {KZSCRAPE_PATH, KZUPLOAD_PATH, KZNOTIFY_PATH, KZREPORT_PATH}) {
    const std::vector<std::vector<std::string>> bad_args = {{"--no-such-option", "x"},
                                                            {"--log-level", "loud"}};
    for (const auto& args : bad_args) {
      std::vector<std::string> argv = {binary, "--log-format=json"};
      if (binary == KZREPORT_PATH) argv.push_back("metrics");  // it needs a subcommand first
      argv.insert(argv.end(), args.begin(), args.end());
      const int64_t from = now_ms();
      const auto run = run_process(argv);
      const auto lines = parse_json_log(run.err, std::filesystem::path(binary).filename().string(),
                                        from, now_ms());
      EXPECT_EQ(run.exit_code, 2) << binary << " " << args[0] << ": " << run.err;
      ASSERT_EQ(lines.size(), 1u) << run.err;
      EXPECT_EQ(lines[0].level, "error");
      EXPECT_NE(lines[0].message.find(args[0]), std::string::npos) << run.err;
    }
    // A wrong --log-format itself: a plain line naming the choices.
    const auto wrong = run_process({binary, "--log-format", "xml"});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("{plain,json}"), std::string::npos) << wrong.err;
  }
}

}  // namespace
}  // namespace kz::test
