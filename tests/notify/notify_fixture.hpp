#pragma once

// A real cache for the engine's tests: two pools, alerts written by kzscrape's own AlertStore
// as a cron run would, and a dump of every table to compare caches.
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "common/cache.hpp"
#include "notify/notify_config.hpp"
#include "scrape/alerts/alert_store.hpp"

namespace kz::test {

class NotifyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kz-notify-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    cache_ = std::make_unique<Cache>((dir_ / "cache.db").string());
    cache_->db().exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256) VALUES"
        " (1, 'https://x/o1', 'KZPool_001', '2026-01-01T00:00:00Z', 'h1'),"
        " (2, 'https://x/o2', 'KZPool_002', '2026-01-01T00:00:00Z', 'h2')");
  }
  void TearDown() override {
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One kzscrape run's alert changes for pool `pool_id`, in its own transaction.
  void scrape(int64_t pool_id, const std::vector<AlertChange>& changes, TimePoint at) {
    cache_->write_transaction([&] { AlertStore(*cache_).apply(pool_id, changes, at); });
  }

  int64_t count(const std::string& sql) {
    SQLite::Statement select(cache_->db(), sql);
    select.executeStep();
    return select.getColumn(0).getInt64();
  }

  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    SQLite::Statement select(cache_->db(), sql);
    while (select.executeStep()) {
      std::string row;
      for (int i = 0; i < select.getColumnCount(); ++i) {
        row += (i ? "|" : "") + (select.getColumn(i).isNull() ? std::string("NULL")
                                                              : select.getColumn(i).getString());
      }
      out.push_back(row);
    }
    return out;
  }

  // Every row of every table, with the schema.
  std::string dump() {
    std::ostringstream out;
    for (const std::string& table :
         rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      out << "## " << table << "\n";
      for (const std::string& row : rows("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
        out << row << "\n";
      }
    }
    for (const std::string& row : rows("SELECT sql FROM sqlite_master ORDER BY name")) {
      out << row << "\n";
    }
    return out.str();
  }

  static Destination destination(const std::string& name) {
    Destination d;
    d.name = name;
    d.type = "telegram";
    d.chat_id = "-100" + std::to_string(name.size());
    return d;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Cache> cache_;
  const TimePoint t0_ = TimePoint{std::chrono::sys_days{std::chrono::December / 1 / 2026}};
};

}  // namespace kz::test
