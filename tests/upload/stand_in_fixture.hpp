#pragma once

// kzupload against the local Supabase stand-in: one PostgreSQL cluster + gateway per test
// process (the project's sql/ applied), a fresh cache per test, and helpers to run the upload
// in-process or as the real binary and to read PostgreSQL directly.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "support/gateway/local_supabase.hpp"
#include "support/process.hpp"
#include "upload/cache_filler.hpp"
#include "upload/upload_job.hpp"

namespace kz::test {

// Calls `before` ahead of each request, e.g. to arm a gateway fault for one table.
class HookedTransport : public HttpTransport {
 public:
  HookedTransport(HttpTransport& inner, std::function<void(const HttpRequest&)> before)
      : inner_(inner), before_(std::move(before)) {}
  HttpResult perform(const HttpRequest& request, std::chrono::milliseconds timeout) override {
    before_(request);
    return inner_.perform(request, timeout);
  }

 private:
  HttpTransport& inner_;
  std::function<void(const HttpRequest&)> before_;
};

class StandInTest : public ::testing::Test {
 protected:
  static LocalSupabase& supabase() {
    static std::unique_ptr<LocalSupabase> instance;
    if (!instance) {
      instance = std::make_unique<LocalSupabase>();
      std::cerr << "[ local supabase ] started in " << instance->startup_time().count() << " ms\n";
    }
    return *instance;
  }
  static PostgresCluster& db() { return supabase().database(); }

  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');  // parameterized tests: "Name/0"
    dir_ = std::filesystem::temp_directory_path() /
           ("kz_upload_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_path_ = (dir_ / "cache.db").string();
    filler_ = std::make_unique<CacheFiller>(db_path_);
    // An earlier test may have broken the schema on purpose; the migrations repair it.
    std::vector<std::filesystem::path> migrations;
    for (const auto& entry : std::filesystem::directory_iterator(KZ_SQL_DIR)) {
      if (entry.path().extension() == ".sql") migrations.push_back(entry.path());
    }
    std::sort(migrations.begin(), migrations.end());
    for (const auto& file : migrations) {
      std::ifstream in(file);
      std::stringstream sql;
      sql << in.rdbuf();
      db().execute("SET client_min_messages = warning;\n" + sql.str());
    }
    db().execute(
        "TRUNCATE accounts, hashrates, devices, income_tracking, alerts, payments,"
        " api_call_logs, pool_stats RESTART IDENTITY CASCADE");
    supabase().gateway().reload_schema();
    supabase().faults().clear();
    supabase().requests().clear();
  }
  void TearDown() override {
    filler_.reset();
    std::filesystem::remove_all(dir_);
  }

  CacheFiller& cache() { return *filler_; }

  UploadOptions options() {
    UploadOptions o;
    o.labels.account = "KZPool_001";
    o.db_path = db_path_;
    o.supabase_url = supabase().url();
    o.service_key = supabase().service_key();
    o.timeout = std::chrono::seconds(30);
    return o;
  }

  // In-process, without sleeping between retries.
  UploadSummary upload(UploadOptions o, HttpTransport* transport = nullptr) {
    CurlTransport curl(o.http);
    FixedClock clock(cache().clock().now());
    UploadJob job(o, transport ? *transport : curl, clock, [](std::chrono::milliseconds) {});
    std::ostringstream out;
    return job.run(out);
  }
  UploadSummary upload() { return upload(options()); }

  Error upload_error(UploadOptions o, HttpTransport* transport = nullptr) {
    try {
      upload(std::move(o), transport);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "the upload did not fail";
    return Error(ExitCode::ok, "");
  }

  ProcessResult kzupload(std::vector<std::string> args,
                         std::vector<std::pair<std::string, std::string>> env = {}) {
    args.insert(args.begin(), KZUPLOAD_PATH);
    args.insert(args.end(), {"--db", db_path_});
    ProcessResult result = run_process(args, env, std::chrono::seconds(60));
    EXPECT_EQ(result.err.find("runtime error:"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("Sanitizer"), std::string::npos) << result.err;
    return result;
  }
  std::vector<std::pair<std::string, std::string>> supabase_env(const std::string& key) {
    return {{"SUPABASE_URL", supabase().url()}, {"SUPABASE_SERVICE_KEY", key}};
  }

  // The single value of a one-row, one-column query ("NULL" for NULL, "" for no row).
  static std::string value(const std::string& sql) {
    const auto rows = db().query(sql);
    if (rows.empty()) return "";
    return rows.front().front().value_or("NULL");
  }
  static long count(const std::string& table_or_query) {
    const bool query = table_or_query.starts_with("SELECT");
    return std::stol(value(query ? table_or_query : "SELECT count(*) FROM " + table_or_query));
  }
  // Every row of the tables as text: equal before and after means nothing changed.
  static std::string all_rows() {
    std::string out;
    for (const char* table : {"accounts", "hashrates", "devices", "income_tracking", "alerts",
                              "payments", "api_call_logs", "pool_stats"}) {
      out += value(std::string("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')"
                               " FROM ") +
                   table + " t") +
             "\n";
    }
    return out;
  }

  // POSTs the gateway saw for `table` ("" for all), in order.
  static std::vector<LoggedRequest> posts(const std::string& table = "") {
    std::vector<LoggedRequest> out;
    for (LoggedRequest& r : supabase().requests().entries()) {
      if (r.method == "POST" && (table.empty() || r.path == "/rest/v1/" + table)) {
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  int64_t cache_count(const std::string& sql) {
    return filler_->cache().db().execAndGet(sql).getInt64();
  }

  std::filesystem::path dir_;
  std::string db_path_;
  std::unique_ptr<CacheFiller> filler_;
};

}  // namespace kz::test
