// Issue 14: the cron wrapper writes kzreport's Prometheus metrics to METRICS_FILE after every run
// (also when a stage failed); a metrics failure logs one line and leaves the exit code alone.
#ifdef KZREPORT_PATH

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>

#include <atomic>
#include <cmath>
#include <optional>
#include <regex>
#include <set>

#include "integration/cron_fixture.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;

class CronMetrics : public CronScript {
 protected:
  void SetUp() override {
    CronScript::SetUp();
    fs::create_directories(dir_ / "textfile");
    metrics_file_ = dir_ / "textfile" / "kzpool.prom";
  }

  Settings metrics_env() {
    Settings s = env(supabase().service_key());
    for (auto& [name, value] : s) {
      if (name == "PATH") value = fs::path(KZREPORT_PATH).parent_path().string() + ":" + value;
    }
    set(s, "METRICS_FILE", metrics_file_.string());
    return s;
  }

  // The log lines the script wrote about the metrics.
  std::vector<std::string> metrics_lines() {
    std::vector<std::string> lines;
    std::istringstream in(log());
    for (std::string line; std::getline(in, line);) {
      if (line.find("kzreport") != std::string::npos) lines.push_back(line);
    }
    return lines;
  }

  // The value of the series `name` of KZPool_001 whose labels hold `label` (e.g.
  // state="online"); nullopt when the text has none.
  static std::optional<double> pool_value(const std::string& text, const std::string& name,
                                          const std::string& label = "") {
    static const std::regex series(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} (\S+)$)");
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_match(line, m, series) || m[1].str() != name) continue;
      const std::string labels = m[2].str();
      if (labels.find("account=\"KZPool_001\"") == std::string::npos) continue;
      if (labels.find(label) == std::string::npos) continue;
      return std::stod(m[3].str());
    }
    return std::nullopt;
  }

  static ino_t inode_of(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
  }

  fs::path metrics_file_;
};

TEST_F(CronMetrics, TheFileAppearsAfterARunAndHoldsThePoolsMetrics) {
  const auto run = cron_with(metrics_env());
  ASSERT_EQ(run.exit_code, 0) << log();
  ASSERT_TRUE(fs::exists(metrics_file_)) << log();
  EXPECT_TRUE(metrics_lines().empty()) << "a metrics file written says nothing: " << log();
  const std::string text = read_file(metrics_file_);
  const auto check =
      run_process({"/bin/sh", "-c", "promtool check metrics < '" + metrics_file_.string() + "'"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << text;

  // The pool's hashrate (H/s) and workers, as the run stored them.
  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  const double hashrate_hs =
      db.execAndGet("SELECT hashrate_current_ghs * 1e9 FROM snapshot ORDER BY id DESC").getDouble();
  const auto online = db.execAndGet("SELECT online_workers FROM snapshot").getInt64();
  const auto hashrate = pool_value(text, "kzpool_hashrate_hashes_per_second");
  ASSERT_TRUE(hashrate.has_value()) << text;
  EXPECT_NEAR(*hashrate, hashrate_hs, 1e-9 * hashrate_hs) << text;
  EXPECT_EQ(pool_value(text, "kzpool_workers", "state=\"online\""), static_cast<double>(online))
      << text;
  EXPECT_EQ(pool_value(text, "kzpool_consecutive_failed_runs"), 0.0) << text;
}

TEST_F(CronMetrics, EachRunReplacesTheFileWholeNeverHalfWritten) {
  const Settings s = metrics_env();
  ASSERT_EQ(cron_with(s).exit_code, 0) << log();
  const ino_t first = inode_of(metrics_file_);
  ASSERT_NE(first, 0u);
  const std::string before = read_file(metrics_file_);
  // A reader polling the file while the next runs write it sees a whole file every time.
  std::atomic<bool> done{false};
  std::set<std::string> seen;
  std::thread reader([&] {
    while (!done) {
      seen.insert(read_file(metrics_file_));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  server_.set("/observer", {Step::respond(502)});
  const auto second = cron_with(s);
  done = true;
  reader.join();
  EXPECT_EQ(second.exit_code, 23) << log();  // the scrape failed; the metrics still came
  EXPECT_NE(inode_of(metrics_file_), first) << "renamed over, not rewritten in place";
  for (const std::string& text : seen) {
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n') << text;
    EXPECT_NE(text.find("KZPool_001"), std::string::npos) << text;
  }
  // No temporary file left beside it.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_ / "textfile"))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"kzpool.prom"});
  // The new file tells of the failed run.
  EXPECT_EQ(pool_value(before, "kzpool_consecutive_failed_runs"), 0.0) << before;
  EXPECT_EQ(pool_value(read_file(metrics_file_), "kzpool_consecutive_failed_runs"), 1.0);
}

TEST_F(CronMetrics, AMetricsFileThatCannotBeWrittenLogsOneLineAndKeepsTheExitCode) {
  Settings s = metrics_env();
  metrics_file_ = dir_ / "no such folder" / "kzpool.prom";
  set(s, "METRICS_FILE", metrics_file_.string());
  EXPECT_EQ(cron_with(s).exit_code, 0) << log();
  auto lines = metrics_lines();
  ASSERT_EQ(lines.size(), 1u) << log();
  EXPECT_NE(lines[0].find("kzreport metrics: failed with exit code 15"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("no such folder"), std::string::npos) << lines[0];

  server_.set("/observer", {Step::respond(502)});
  EXPECT_EQ(cron_with(s).exit_code, 23) << log();  // the scrape's band, not the metrics'
  EXPECT_EQ(metrics_lines().size(), 2u) << log();
  EXPECT_FALSE(fs::exists(metrics_file_));
}

TEST_F(CronMetrics, WithoutKzreportTheRunSaysSoOnceAndKeepsItsExitCode) {
  // KZ_BIN_DIR with kzscrape and kzupload but no kzreport.
  const fs::path bin = dir_ / "bin";
  fs::create_directories(bin);
  fs::create_symlink(KZSCRAPE_PATH, bin / "kzscrape");
  fs::create_symlink(KZUPLOAD_PATH, bin / "kzupload");
  Settings s = metrics_env();
  set(s, "KZ_BIN_DIR", bin.string());
  EXPECT_EQ(cron_with(s).exit_code, 0) << log();
  const auto lines = metrics_lines();
  ASSERT_EQ(lines.size(), 1u) << log();
  EXPECT_NE(lines[0].find("kzreport not found"), std::string::npos) << lines[0];
  EXPECT_FALSE(fs::exists(metrics_file_));
}

}  // namespace
}  // namespace kz::test

#endif  // KZREPORT_PATH
