#pragma once

// scripts/run_scraper_and_upload.sh with the real binaries, a page server and the local
// Supabase (PostgreSQL behind the PostgREST-compatible gateway), plus what the fault tests
// need: running the script in the background and finding and reading its stages' processes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "integration/kzscrape_fixture.hpp"
#include "support/gateway/local_supabase.hpp"

namespace kz::test {

using Settings = std::vector<std::pair<std::string, std::string>>;

class CronScript : public KzscrapeTest {
 protected:
  static LocalSupabase& supabase() {
    static std::unique_ptr<LocalSupabase> instance = std::make_unique<LocalSupabase>();
    return *instance;
  }

  void SetUp() override {
    KzscrapeTest::SetUp();
    supabase().database().truncate_public_tables();
    supabase().faults().clear();
    server_.set("/observer", {Step::ok(read_test_data("observer_en_60.html"))});
  }

  // The settings of a one-pool run logging to dir_/cron.log, with the binaries on PATH.
  Settings env(const std::string& key) {
    const std::string bins = std::filesystem::path(KZSCRAPE_PATH).parent_path().string() + ":" +
                             std::filesystem::path(KZUPLOAD_PATH).parent_path().string();
    return {{"PATH", bins + ":/usr/bin:/bin"},
            {"OBSERVER_URL", server_.url("/observer")},
            {"ACCOUNT_NAME", "KZPool_001"},
            {"CLIENT_NAME", "Acme"},
            {"DB_PATH", db_},
            {"LOG_FILE", (dir_ / "cron.log").string()},
            {"SUPABASE_URL", supabase().url()},
            {"SUPABASE_SERVICE_KEY", key},
            {"KZ_CONFIG", ""},
            {"KZ_BIN_DIR", ""}};
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
  static ProcessResult cron_with(const Settings& settings,
                                 std::chrono::seconds limit = std::chrono::seconds(120)) {
    return run_process({std::string(KZ_SCRIPTS_DIR) + "/run_scraper_and_upload.sh"}, settings,
                       limit);
  }
  ProcessResult cron(const std::string& key) { return cron_with(env(key)); }
  std::future<ProcessResult> cron_in_background(const Settings& settings) {
    return std::async(std::launch::async, [settings] { return cron_with(settings); });
  }

  std::string log() { return read_file(dir_ / "cron.log"); }
  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string pg(const std::string& sql) {
    return supabase().database().query_value(sql).value_or("NULL");
  }

  // The NUL-separated fields of /proc/<pid>/<file>.
  static std::vector<std::string> proc_fields(pid_t pid, const char* file) {
    std::vector<std::string> fields;
    std::istringstream in(read_file(std::filesystem::path("/proc") / std::to_string(pid) / file));
    for (std::string field; std::getline(in, field, '\0');) fields.push_back(field);
    return fields;
  }
  // NAME -> value of a process's environment as it started.
  static std::map<std::string, std::string> environment_of(pid_t pid) {
    std::map<std::string, std::string> env;
    for (const std::string& entry : proc_fields(pid, "environ")) {
      const auto eq = entry.find('=');
      if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
  }
  // The parent's pid from /proc/<pid>/status, 0 when unknown.
  static pid_t parent_of(pid_t pid) {
    std::istringstream status(
        read_file(std::filesystem::path("/proc") / std::to_string(pid) / "status"));
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("PPid:")) return std::stoi(line.substr(5));
    }
    return 0;
  }
  // Processes running `binary` (after exec) whose command line contains `mention`.
  static std::vector<pid_t> processes(const std::string& binary, const std::string& mention) {
    std::vector<pid_t> pids;
    std::error_code ec;
    const auto wanted = std::filesystem::canonical(binary, ec);
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
      const auto exe = std::filesystem::read_symlink(entry.path() / "exe", ec);
      if (ec || exe != wanted) continue;
      std::string cmdline;
      for (const auto& arg : proc_fields(std::stoi(name), "cmdline")) cmdline += arg + ' ';
      if (cmdline.find(mention) != std::string::npos) pids.push_back(std::stoi(name));
    }
    return pids;
  }
  // Waits (polling, up to `bound`) for one such process; nullopt when none appeared.
  static std::optional<pid_t> wait_for_process(
      const std::string& binary, const std::string& mention,
      std::chrono::seconds bound = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < until) {
      const auto pids = processes(binary, mention);
      if (!pids.empty()) return pids.front();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }
  // Polls until the page server has seen `path` (up to `bound`).
  bool wait_for_request(const std::string& path,
                        std::chrono::seconds bound = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (server_.request_count(path) == 0) {
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // The lines of `text` that are not the script's own timestamped lines.
  static std::vector<std::string> foreign_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      // 2026-11-30T18:07:47Z run_scraper_and_upload: ...
      if (line.size() > 45 && line[4] == '-' && line[10] == 'T' && line[19] == 'Z' &&
          line[20] == ' ' && line.compare(21, 24, "run_scraper_and_upload: ") == 0) {
        continue;
      }
      out.push_back(line);
    }
    return out;
  }
};

}  // namespace kz::test
