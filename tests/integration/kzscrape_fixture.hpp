#pragma once

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/page_server.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

namespace kz::test {

// A scratch folder with a cache path, a page server, and a way to run the
// real kzscrape binary against them.
class KzscrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kz_it_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "cache.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ProcessResult kzscrape(std::vector<std::string> args,
                         std::vector<std::pair<std::string, std::string>> env = {}) {
    args.insert(args.begin(), KZSCRAPE_PATH);
    return run_process(args, env, std::chrono::seconds(60));
  }
  // kzscrape --url <server>/observer --db <cache> plus `extra`.
  ProcessResult scrape(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--url", server_.url("/observer"), "--db", db_, "--retries",
                                     "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return kzscrape(args);
  }
  int64_t count(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }

  std::filesystem::path dir_;
  std::string db_;
  PageServer server_;
};

}  // namespace kz::test
