#pragma once

// A fresh cache file per test and the host zone (TZ) set per test and restored after it, for the
// tests of mutes and the daily summary.

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/cache.hpp"

namespace kz::test {

class SummaryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("kz_summary_" + std::to_string(::getpid()) + "_" + name + ".db"))
                .string();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
  }
  void TearDown() override {
    if (saved_tz_) {
      ::setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
    cache_.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  static void use_zone(const std::string& tz) {
    ::setenv("TZ", tz.c_str(), 1);
    ::tzset();
  }
  // Adds a pool; returns its id.
  int64_t add_pool(const std::string& account, const std::string& source = "btcpool") {
    const std::string url =
        source == "antpool" ? "antpool://" + account : "https://btcpool.kz/observer/" + account;
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO pool(observer_url, account_name, created_at,"
                             " observer_url_sha256, source) VALUES(?, ?, '2026-10-01T00:00:00Z',"
                             " ?, ?)");
    insert.bind(1, url);
    insert.bind(2, account);
    insert.bind(3, "sha-" + account);
    insert.bind(4, source);
    insert.exec();
    return cache_->db().getLastInsertRowid();
  }

  std::optional<std::string> saved_tz_;
  std::string path_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace kz::test
