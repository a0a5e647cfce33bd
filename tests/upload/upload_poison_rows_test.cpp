// kzupload: rows Supabase refuses one by one are found by halving their batch and set aside;
// everything else gets in.
#include <cmath>
#include <random>
#include <set>

#include "upload/stand_in_fixture.hpp"
#include "upload/supabase_mirror.hpp"

namespace kz::test {
namespace {

using PoisonRowsTest = StandInTest;

// A check constraint on a Supabase table for the length of one test.
class Constraint {
 public:
  Constraint(PostgresCluster& pg, std::string table, std::string name, const std::string& check)
      : pg_(pg), table_(std::move(table)), name_(std::move(name)) {
    pg_.execute("ALTER TABLE " + table_ + " ADD CONSTRAINT " + name_ + " CHECK (" + check + ")");
  }
  ~Constraint() { pg_.execute("ALTER TABLE " + table_ + " DROP CONSTRAINT " + name_); }

 private:
  PostgresCluster& pg_;
  std::string table_, name_;
};

std::size_t ceil_log2(std::size_t n) {
  return static_cast<std::size_t>(std::ceil(std::log2(static_cast<double>(n))));
}

// Generated pools of 20-80 workers with 1-4 refused ones at random places: exactly those are
// set aside, the others all get in, within 2 requests per refused row and halving level.
TEST_F(PoisonRowsTest, HalvingFindsExactlyTheRefusedRows) {
  const Constraint no_bad(db(), "devices", "kz_test_no_bad", "worker_name NOT LIKE 'bad%'");
  std::mt19937 rng(20261130);
  for (int round = 0; round < 6; ++round) {
    const std::size_t n = 20 + rng() % 61;
    const std::size_t k = 1 + rng() % 4;
    ObserverPage page = make_pool_page(n);
    std::set<std::string> bad;
    while (bad.size() < k) {
      WorkerRow& worker = page.workers[rng() % n];
      if (worker.name.starts_with("bad")) continue;
      worker.name = "bad-" + worker.name;
      bad.insert(worker.name);
    }
    const std::string account = "KZPool_" + std::to_string(200 + round);
    CacheFiller filler(db_path_, account, "https://btcpool.kz/observer?access_key=r" + account);
    filler.scrape(page);
    supabase().requests().clear();
    UploadOptions o = options();
    o.labels.account = account;
    const Error e = upload_error(o);
    SCOPED_TRACE(account + ": " + std::to_string(n) + " workers, " + std::to_string(k) + " bad");

    EXPECT_EQ(e.code(), ExitCode::upload_rejected);
    EXPECT_NE(std::string(e.what()).find("set aside " + std::to_string(k) + " row(s)"),
              std::string::npos)
        << e.what();
    const std::string in_account = " WHERE account_name = '" + account + "'";
    EXPECT_EQ(count("SELECT count(*) FROM devices" + in_account), static_cast<long>(n - k));
    EXPECT_EQ(count("SELECT count(*) FROM devices" + in_account + " AND worker_name LIKE 'bad%'"),
              0);
    EXPECT_EQ(count("SELECT count(*) FROM hashrates" + in_account), 1);
    EXPECT_EQ(count("SELECT count(*) FROM income_tracking" + in_account), 2);
    EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected WHERE account_name = '" +
                          account + "'"),
              static_cast<int64_t>(k));
    EXPECT_LE(posts("devices").size(), 2 + 2 * k * ceil_log2(n));
  }
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 0);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// A trigger that silently drops some rows: PostgREST counts fewer rows than were sent, and
// halving finds exactly the dropped ones.
TEST_F(PoisonRowsTest, RowsTheDatabaseDropsSilentlyAreFoundAndSetAside) {
  db().execute(
      "CREATE FUNCTION kz_test_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF NEW.worker_name LIKE '%7' THEN RETURN NULL; END IF; RETURN NEW; END $$;"
      "CREATE TRIGGER kz_test_drop BEFORE INSERT ON devices"
      " FOR EACH ROW EXECUTE FUNCTION kz_test_drop()");
  cache().scrape(make_pool_page(40));
  const Error e = upload_error(options());
  db().execute("DROP TRIGGER kz_test_drop ON devices; DROP FUNCTION kz_test_drop()");
  EXPECT_EQ(e.code(), ExitCode::upload_rejected);
  EXPECT_NE(std::string(e.what()).find("set aside 4 row(s)"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("may drop rows"), std::string::npos) << e.what();
  EXPECT_EQ(count("devices"), 36);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected WHERE row LIKE '%7'''"), 4);
  EXPECT_EQ(count("income_tracking"), 2);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

// A value Supabase's integer TH/s column cannot hold is set aside before it is sent; the
// pool's later snapshots still get in.
TEST_F(PoisonRowsTest, AnUnrepresentableHashrateIsSetAsideUnsent) {
  for (const double ths : {2'147'483'648.0, 1e18, 1e30}) {
    SCOPED_TRACE(ths);
    ObserverPage huge = make_pool_page(4);
    huge.current_hashrate_hs = ths * 1e12;
    cache().scrape(huge);
    cache().scrape(make_pool_page(4));
    supabase().requests().clear();
    const Error e = upload_error(options());
    EXPECT_EQ(e.code(), ExitCode::upload_rejected);
    EXPECT_NE(std::string(e.what()).find("hashrate_10m"), std::string::npos) << e.what();
    ASSERT_EQ(posts("hashrates").size(), 1U);
    EXPECT_EQ(posts("hashrates")[0].rows, 1);
    EXPECT_EQ(count("SELECT count(*) FROM hashrates WHERE hashrate_10m < 0"), 0);
  }
  EXPECT_EQ(count("hashrates"), 3);
  EXPECT_EQ(cache_count("SELECT count(*) FROM v_upload_rejected"), 3);
  EXPECT_EQ(cache_count("SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), 3);
  EXPECT_TRUE(supabase_matches_cache(db(), db_path_));
}

}  // namespace
}  // namespace kz::test
