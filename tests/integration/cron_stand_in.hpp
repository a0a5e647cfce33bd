#pragma once

// scripts/run_scraper_and_upload.sh with stand-in stages: small sh scripts named kzscrape,
// kznotify, kzupload and kzreport in a folder given as KZ_BIN_DIR, each ending as told
// (a code, its time limit, a signal) after writing given lines to stderr, and recording its
// arguments and environment. Fast enough to run every combination of stage outcomes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/process.hpp"

namespace kz::test {

using Settings = std::vector<std::pair<std::string, std::string>>;

// How a stand-in stage ends: exits with `code` (0 = success), runs past its time limit, or
// kills itself with SIGKILL.
struct StageOutcome {
  enum class Kind { exits, time_limit, signal };
  Kind kind = Kind::exits;
  int code = 0;

  static StageOutcome exits_with(int code) { return {Kind::exits, code}; }
  static StageOutcome times_out() { return {Kind::time_limit, 0}; }
  static StageOutcome killed() { return {Kind::signal, 0}; }
  bool failed() const { return kind != Kind::exits || code != 0; }
  // The stage's own code, 1..19, or 0 when it had none (success, time limit, signal, other).
  int own_code() const { return kind == Kind::exits && code >= 1 && code <= 19 ? code : 0; }
  std::string text() const {
    if (kind == Kind::time_limit) return "time limit";
    if (kind == Kind::signal) return "SIGKILL";
    return "exit " + std::to_string(code);
  }
};

// One scratch folder: bin/ with the stand-ins, the lock, the log, what the stages recorded.
class StandInRun {
 public:
  explicit StandInRun(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "bin");
    for (const char* name : {"kzscrape", "kznotify", "kzupload", "kzreport"}) {
      stage(name, StageOutcome::exits_with(0));
    }
    std::ofstream(dir_ / "notify.json") << "{\"notify\": {}}\n";
  }
  StandInRun(const StandInRun&) = delete;
  StandInRun& operator=(const StandInRun&) = delete;
  ~StandInRun() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Makes stage `name` write `stderr_lines` (as they are) and end as `outcome`.
  void stage(const std::string& name, StageOutcome outcome,
             const std::string& stderr_lines = "") const {
    const auto path = dir_ / "bin" / name;
    const std::string record = (dir_ / name).string();
    std::ofstream(record + ".stderr", std::ios::binary) << stderr_lines;
    std::ostringstream script;
    script << "#!/bin/sh\n"
           << "printf '%s\\n' \"$@\" >'" << record << ".args'\n"
           << "cat /proc/$$/environ >'" << record << ".environ'\n"
           << "cat '" << record << ".stderr' >&2\n";
    switch (outcome.kind) {
      case StageOutcome::Kind::exits:
        script << "exit " << outcome.code << "\n";
        break;
      case StageOutcome::Kind::time_limit:
        script << "exec sleep 60\n";
        break;
      case StageOutcome::Kind::signal:
        script << "kill -KILL $$\n";
        break;
    }
    write_executable(path, script.str());
  }

  // A one-pool run with kznotify, the stand-ins in KZ_BIN_DIR, 1 s time limits, logging to
  // log().
  Settings settings() const {
    return {{"PATH", "/usr/bin:/bin"},
            {"KZ_BIN_DIR", (dir_ / "bin").string()},
            {"OBSERVER_URL", "http://127.0.0.1:9/observer"},
            {"ACCOUNT_NAME", "KZPool_001"},
            {"DB_PATH", (dir_ / "cache.db").string()},
            {"LOG_FILE", (dir_ / "cron.log").string()},
            {"NOTIFY_CONFIG", (dir_ / "notify.json").string()},
            {"SCRAPE_TIME_LIMIT", "1"},
            {"NOTIFY_TIME_LIMIT", "1"},
            {"UPLOAD_TIME_LIMIT", "1"},
            {"KZ_CONFIG", ""},
            {"LOG_FORMAT", ""},
            {"HEALTHCHECK_URL", ""}};
  }
  static void set(Settings& settings, const std::string& name, const std::string& value) {
    for (auto& [n, v] : settings) {
      if (n == name) {
        v = value;
        return;
      }
    }
    settings.emplace_back(name, value);
  }

  // Runs the script with `settings` in its env file (PATH in its environment) and
  // `environment` added to its environment.
  ProcessResult run(const Settings& settings, const Settings& environment = {},
                    std::chrono::seconds limit = std::chrono::seconds(60)) const {
    Settings env = path_only(settings);
    env.insert(env.end(), environment.begin(), environment.end());
    return run_process({script(), "--env-file", env_file(settings)}, env, limit);
  }
  // The env file's path: on the script's command line only, so it finds the script's pid.
  std::string env_file_path() const { return (dir_ / "kzpool.env").string(); }
  // The settings in the environment rather than an env file.
  ProcessResult run_in_environment(const Settings& settings,
                                   std::chrono::seconds limit = std::chrono::seconds(60)) const {
    return run_process({script()}, settings, limit);
  }
  static std::string script() { return std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"; }

  const std::filesystem::path& dir() const { return dir_; }
  std::string log() const { return read(dir_ / "cron.log"); }
  std::vector<std::string> log_lines() const { return lines(log()); }
  // The arguments stage `name` got; empty when it did not run.
  std::vector<std::string> args(const std::string& name) const {
    return lines(read(dir_ / (name + ".args")));
  }
  bool ran(const std::string& name) const {
    return std::filesystem::exists(dir_ / (name + ".args"));
  }
  // NAME -> value of stage `name`'s environment.
  std::map<std::string, std::string> environment(const std::string& name) const {
    std::map<std::string, std::string> env;
    std::istringstream in(read(dir_ / (name + ".environ")));
    for (std::string entry; std::getline(in, entry, '\0');) {
      const auto eq = entry.find('=');
      if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
  }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  // O_CLOEXEC: a child forked meanwhile by another thread must not keep the file open for
  // writing, or exec(2) of the stand-in fails with ETXTBSY ("Text file busy").
  static void write_executable(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::remove(path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    ASSERT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  }

  // Writes the settings but PATH as an env file (single-quoted values) and returns its path.
  std::string env_file(const Settings& settings) const {
    const std::filesystem::path path = env_file_path();
    std::ofstream file(path, std::ios::binary);
    for (const auto& [name, value] : settings) {
      if (name == "PATH") continue;
      std::string quoted;
      for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      file << name << "='" << quoted << "'\n";
    }
    return path.string();
  }
  static Settings path_only(const Settings& settings) {
    for (const auto& [name, value] : settings) {
      if (name == "PATH") return {{"PATH", value}};
    }
    return {};
  }

  std::filesystem::path dir_;
};

// A scratch folder per test under the temporary folder.
inline std::filesystem::path stand_in_folder(const std::string& suffix = "") {
  return std::filesystem::temp_directory_path() /
         ("kz_cron_" + std::to_string(::getpid()) + "_" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix);
}

}  // namespace kz::test
