// A fresh install: kzupload before kzscrape has stored the pool (its first scrape failed, was
// killed, or never ran) has nothing to upload and exits 0 with one info line; a wrong choice
// of pool stays a usage error.
#include <fstream>

#include "upload/pool_selection.hpp"
#include "upload/stand_in_fixture.hpp"

namespace kz::test {
namespace {

class KzuploadFirstRun : public StandInTest {
 protected:
  // kzupload with its own --db (the fixture's helper adds the fixture's cache).
  ProcessResult kzupload_on(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), KZUPLOAD_PATH);
    args.insert(args.end(), {"--db", db});
    return run_process(args, supabase_env(supabase().service_key()), std::chrono::seconds(60));
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }
  static std::string url(int n) {
    return "https://btcpool.kz/observer?access_key=pool" + std::to_string(n);
  }
  static int64_t pools_in(const std::string& db) {
    SQLite::Database cache(db, SQLite::OPEN_READONLY);
    return cache.execAndGet("SELECT count(*) FROM pool").getInt64();
  }
};

// Caches holding 0..3 other labelled pools, each with a snapshot pending: KZPool_001 was never
// stored, with or without --observer-url naming its (unstored) URL.
TEST_F(KzuploadFirstRun, APoolNeverStoredHasNothingToUpload) {
  for (int others = 0; others <= 3; ++others) {
    for (const bool with_url : {false, true}) {
      SCOPED_TRACE(std::to_string(others) + " other pools, --observer-url " +
                   (with_url ? "given" : "not given"));
      const std::string db =
          (dir_ / ("cache_" + std::to_string(others) + (with_url ? "u" : "") + ".db")).string();
      {
        Cache created(db);  // what a killed first scrape leaves: a cache without the pool
        for (int n = 2; n < 2 + others; ++n) {
          CacheFiller other(db, "KZPool_00" + std::to_string(n), url(n));
          other.scrape(make_pool_page(2));
        }
      }
      std::vector<std::string> args = {"--account", "KZPool_001"};
      if (with_url) args.insert(args.end(), {"--observer-url", url(1)});
      const auto r = kzupload_on(db, args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      const auto said = lines(r.err);
      ASSERT_EQ(said.size(), 1U) << r.err;
      EXPECT_TRUE(said[0].starts_with(
          "kzupload: info: nothing to upload for KZPool_001: kzscrape has not stored "))
          << said[0];
      for (int n = 2; n < 2 + others; ++n) {
        EXPECT_NE(said[0].find("(KZPool_00" + std::to_string(n) + ")"), std::string::npos)
            << "the known pools are listed: " << said[0];
      }
      if (others == 0) {
        EXPECT_NE(said[0].find("known pools: none yet"), std::string::npos) << said[0];
      }
      EXPECT_EQ(pools_in(db), others) << "no pool is made up";
      EXPECT_TRUE(posts().empty());
    }
  }
}

TEST_F(KzuploadFirstRun, AMissingCacheIsNotCreated) {
  const std::string pools = (dir_ / "pools.json").string();
  std::ofstream(pools) << R"({"pools": [{"account_name": "KZPool_001", "observer_url": ")" << url(1)
                       << R"("}, {"account_name": "KZPool_002", "observer_url": ")" << url(2)
                       << R"("}]})";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--account", "KZPool_001"}, {"--config", pools}, {"--config", pools, "--quiet"}}) {
    const std::string db = (dir_ / "missing" / "cache.db").string();
    const auto r = kzupload_on(db, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto said = lines(r.err);
    const bool quiet = args.back() == "--quiet";
    ASSERT_EQ(said.size(), quiet ? 0U : 1U) << r.err;
    if (!quiet) {
      EXPECT_EQ(said[0], "kzupload: info: nothing to upload: there is no cache " + db +
                             " yet (kzscrape creates it on its first run; or pass --db)");
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
  }
}

TEST_F(KzuploadFirstRun, APoolsFileSkipsThePoolsNotStoredYet) {
  cache().scrape(make_pool_page(3));  // KZPool_001 at kObserverUrl
  const std::string pools = (dir_ / "pools.json").string();
  std::ofstream(pools) << R"({"pools": [{"account_name": "KZPool_001", "observer_url": ")"
                       << kObserverUrl << R"("}, {"account_name": "KZPool_002", "observer_url": ")"
                       << url(2) << R"("}, {"account_name": "KZPool_003", "observer_url": ")"
                       << url(3) << R"("}]})";
  const auto r = kzupload({"--config", pools}, supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* account : {"KZPool_002", "KZPool_003"}) {
    EXPECT_NE(
        r.err.find(std::string("nothing to upload for ") + account + ": kzscrape has not stored"),
        std::string::npos)
        << r.err;
  }
  EXPECT_EQ(count("SELECT count(*) FROM hashrates WHERE account_name = 'KZPool_001'"), 1);
  EXPECT_EQ(cache_count("SELECT count(*) FROM pool"), 1);
}

// Usage errors stay where the choice is wrong, not early.
TEST_F(KzuploadFirstRun, AWrongChoiceOfPoolIsStillAUsageError) {
  cache().scrape(make_pool_page(2));  // KZPool_001 at kObserverUrl
  CacheFiller second(db_path_, "KZPool_002", url(2));
  second.scrape(make_pool_page(2));
  auto r = kzupload({"--account", "KZPool_001", "--observer-url", url(2)},
                    supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("belongs to another observer URL"), std::string::npos) << r.err;
  r = kzupload({"--account", "KZPool_009", "--observer-url", url(2)},
               supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is labelled 'KZPool_002'"), std::string::npos) << r.err;
  // Two unlabelled pools: which one is KZPool_009 only --observer-url can say.
  for (int n = 3; n <= 4; ++n) CacheFiller(db_path_, "", url(n)).scrape(make_pool_page(1));
  r = kzupload({"--account", "KZPool_009"}, supabase_env(supabase().service_key()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("pass --observer-url"), std::string::npos) << r.err;
  EXPECT_TRUE(posts().empty());
}

TEST_F(KzuploadFirstRun, ResolvePoolReturnsNothingForAPoolNeverStored) {
  Cache& c = cache().cache();
  EXPECT_EQ(resolve_pool(c, "KZPool_001", std::nullopt, true), std::nullopt);
  EXPECT_EQ(resolve_pool(c, "KZPool_001", std::string(kObserverUrl), true), std::nullopt);
  const int64_t id = cache().pool_id();
  EXPECT_EQ(resolve_pool(c, "KZPool_001", std::nullopt, true), id);
  EXPECT_EQ(resolve_pool(c, "KZPool_002", std::nullopt, true), std::nullopt);
  const std::string line = not_stored_yet(c, "KZPool_002", std::nullopt);
  EXPECT_TRUE(line.starts_with(
      "nothing to upload for KZPool_002: kzscrape has not stored it yet (known pools: "))
      << line;
  EXPECT_TRUE(line.ends_with(" (KZPool_001))")) << line;
}

}  // namespace
}  // namespace kz::test
