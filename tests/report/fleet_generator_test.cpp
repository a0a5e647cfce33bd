#include "support/report/fleet_generator.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "support/cache_cells.hpp"

namespace kz::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;

class FleetGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kz_fleet_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string generate(const FleetSpec& spec, const std::string& name = "cache.db") {
    const std::string path = (dir_ / name).string();
    generate_fleet_cache(path, spec);
    return path;
  }

  fs::path dir_;
};

int64_t scalar(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

// The samples of snapshot s, by the range of their keys (snapshot_id is a virtual column).
const std::string kSamplesOfS = "ws.sample_key BETWEEN s.id << 24 AND (s.id << 24 | 16777215)";

int64_t slots_of(const FleetSpec& spec) {
  return spec.days * 1440 / spec.interval.count();
}

// Every property generate_fleet_cache promises, for any spec whose end is a midnight.
void check_fleet(const std::string& path, const FleetSpec& spec) {
  SCOPED_TRACE("pools " + std::to_string(spec.pools) + ", days " + std::to_string(spec.days) +
               ", interval " + std::to_string(spec.interval.count()) + ", workers " +
               std::to_string(spec.workers) + ", seed " + std::to_string(spec.seed));
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  const int64_t slots = slots_of(spec);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM pool"), spec.pools);
  const int64_t antpools = spec.antpool_every > 0 ? spec.pools / spec.antpool_every : 0;
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM pool WHERE source = 'antpool'"), antpools);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM pool WHERE source = 'antpool'"
                   " AND observer_url = 'antpool://' || account_name"),
            antpools);

  // Runs: one per pool and slot, from end - (slots - 1) intervals to end.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM scrape_run"), spec.pools * slots);
  EXPECT_EQ(scalar(db, "SELECT count(DISTINCT pool_id || started_at) FROM scrape_run"),
            spec.pools * slots);
  EXPECT_EQ(db.execAndGet("SELECT max(started_at) FROM scrape_run").getString(),
            format_utc(spec.end));
  EXPECT_EQ(db.execAndGet("SELECT min(started_at) FROM scrape_run").getString(),
            format_utc(spec.end - spec.interval * (slots - 1)));
  EXPECT_GT(scalar(db, "SELECT count(*) FROM scrape_run WHERE outcome = 'failed'"), 0);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM snapshot"),
            scalar(db, "SELECT count(*) FROM scrape_run WHERE outcome = 'ok'"));
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM scrape_run r JOIN snapshot s ON s.id = r.snapshot_id"
                   " AND s.pool_id = r.pool_id AND substr(s.scraped_at, 1, 16) ="
                   " substr(r.started_at, 1, 16)"),
            scalar(db, "SELECT count(*) FROM snapshot"));
  // The failing pools' last runs failed, and those with 3 or more have scrape_failed open.
  const std::string failing = "pool_id > " + std::to_string(spec.pools - spec.failing_now);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM scrape_run WHERE outcome = 'failed' AND " + failing +
                           " AND started_at > '" +
                           format_utc(spec.end - spec.interval * spec.failing_runs) + "'"),
            spec.failing_now * spec.failing_runs);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM alert WHERE alert_type = 'scrape_failed' AND"
                   " resolved_at IS NULL"),
            spec.failing_runs >= 3 ? spec.failing_now : 0);

  // Workers and samples.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM worker"), spec.pools * spec.workers);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM snapshot WHERE online_workers + offline_workers <> " +
                           std::to_string(spec.workers)),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM snapshot s WHERE listed_workers <>"
                   " (SELECT count(*) FROM worker_sample ws WHERE " +
                       kSamplesOfS + ")"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM snapshot WHERE worker_list = 'all' AND"
                   " (listed_workers <> online_workers + offline_workers OR"
                   " workers_complete <> 1)"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM snapshot WHERE worker_list = 'offline' AND"
                   " listed_workers <> offline_workers"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM snapshot s WHERE worker_list = 'all' AND"
                   " hashrate_current_ghs <> (SELECT sum(hashrate_10m_ghs) FROM worker_sample"
                   " ws WHERE " +
                       kSamplesOfS + ")"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM worker_sample ws JOIN snapshot s ON s.id ="
                   " ws.snapshot_id JOIN worker w ON w.id = ws.worker_id"
                   " WHERE w.pool_id <> s.pool_id OR (ws.online = 0) <> (ws.hashrate_10m_ghs = 0)"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM worker w LEFT JOIN (SELECT worker_id, max(sample_key) AS k"
                   " FROM worker_sample GROUP BY worker_id) newest ON newest.worker_id = w.id"
                   " WHERE w.last_sample_key IS NOT newest.k"),
            0);
  // Hashrates of ASICs: 90 to 200 TH/s each (a bit more or less with the noise).
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM worker_sample WHERE online = 1 AND"
                   " (hashrate_10m_ghs < 50e3 OR hashrate_10m_ghs > 210e3)"),
            0);

  // Alerts: every alert opened once; a resolved one resolved once, when it says.
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM alert a WHERE (SELECT count(*) FROM alert_event e"
                   " WHERE e.alert_id = a.id AND kind = 'opened' AND e.at = a.opened_at) <> 1"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM alert a WHERE (SELECT count(*) FROM alert_event e"
                   " WHERE e.alert_id = a.id AND kind = 'resolved' AND e.at IS a.resolved_at)"
                   " <> (a.resolved_at IS NOT NULL)"),
            0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM alert WHERE last_seen_at < opened_at OR"
                   " resolved_at < last_seen_at"),
            0);
  for (const char* type : {"offline_workers", "worker_offline", "hashrate_drop"}) {
    EXPECT_GT(scalar(db, std::string("SELECT count(*) FROM alert WHERE alert_type = '") + type +
                             "' AND resolved_at IS NOT NULL"),
              0)
        << type;
  }
  // Pools whose last run succeeded: offline_workers is open exactly when workers are offline.
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM pool p JOIN snapshot s ON s.id = (SELECT max(id) FROM"
                   " snapshot WHERE pool_id = p.id) WHERE NOT " +
                       failing +
                       " AND (s.offline_workers > 0) <> EXISTS (SELECT 1 FROM alert a WHERE"
                       " a.pool_id = p.id AND a.alert_type = 'offline_workers' AND"
                       " a.resolved_at IS NULL)"),
            0);

  // Income: one row per complete day; the newest balance is what was earned and not paid.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM income_day"), spec.pools * spec.days);
  EXPECT_EQ(db.execAndGet("SELECT max(date) FROM income_day").getString(),
            format_utc(spec.end - std::chrono::days{1}).substr(0, 10));
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM payment WHERE amount_sat < 500000"), 0);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM pool p JOIN snapshot s ON s.id = (SELECT max(id) FROM"
                   " snapshot WHERE pool_id = p.id) WHERE NOT " +
                       failing +
                       " AND s.balance_sat <> (SELECT sum(total_income_sat) FROM income_day i"
                       " WHERE i.pool_id = p.id) - (SELECT coalesce(sum(amount_sat), 0) FROM"
                       " payment y WHERE y.pool_id = p.id)"),
            0);
  // Uploads: each pool's newest snapshot is still to send.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM snapshot WHERE uploaded_at IS NULL"), spec.pools);
}

TEST_F(FleetGeneratorTest, HoldsWhatItPromisesForVariedSpecs) {
  const FleetSpec variants[] = {
      {.pools = 8, .antpool_every = 4, .days = 7, .workers = 20, .seed = 1},
      {.pools = 5, .antpool_every = 2, .days = 3, .interval = minutes{5}, .workers = 7, .seed = 9},
      {.pools = 3,
       .antpool_every = 3,
       .antpool_full_list_every = 2,
       .days = 10,
       .interval = minutes{30},
       .workers = 30,
       .seed = 42,
       .failing_now = 2,
       .failing_runs = 5},
      {.pools = 4,
       .antpool_every = 0,
       .days = 5,
       .interval = minutes{15},
       .workers = 12,
       .seed = 77,
       .failing_now = 1,
       .failing_runs = 2},
  };
  int n = 0;
  for (const FleetSpec& spec : variants) {
    check_fleet(generate(spec, "cache" + std::to_string(n++) + ".db"), spec);
  }
}

TEST_F(FleetGeneratorTest, KzscrapesViewsReadIt) {
  const FleetSpec spec{.pools = 6, .antpool_every = 3, .days = 2, .workers = 9, .seed = 3};
  SQLite::Database db(generate(spec), SQLite::OPEN_READONLY);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM v_latest_summary"), spec.pools);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM v_latest_summary v JOIN pool p ON p.observer_url ="
                   " v.observer_url JOIN snapshot s ON s.id = (SELECT max(id) FROM snapshot"
                   " WHERE pool_id = p.id) WHERE v.scraped_at = s.scraped_at AND"
                   " v.hashrate_current_ths = round(s.hashrate_current_ghs / 1e3, 3) AND"
                   " v.online_workers = s.online_workers AND v.balance_btc ="
                   " round(s.balance_sat / 1e8, 8)"),
            spec.pools);
  // Every worker of every pool, with its newest sample; online as many as the summary says for
  // pools whose newest run succeeded (its list is a full one).
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM v_latest_workers"), spec.pools * spec.workers);
  SQLite::Statement pools(db, "SELECT observer_url, online_workers FROM v_latest_summary");
  int checked = 0;
  while (pools.executeStep()) {
    const std::string url = pools.getColumn(0).getString();
    SQLite::Statement online(db,
                             "SELECT count(*) FROM v_latest_workers WHERE observer_url = ? AND"
                             " status = 'online'");
    online.bind(1, url);
    online.executeStep();
    SQLite::Statement last_ok(db,
                              "SELECT r.outcome = 'ok' FROM scrape_run r JOIN pool p ON"
                              " p.id = r.pool_id WHERE p.observer_url = ? ORDER BY r.id DESC");
    last_ok.bind(1, url);
    last_ok.executeStep();
    if (last_ok.getColumn(0).getInt() == 0) continue;
    EXPECT_EQ(online.getColumn(0).getInt64(), pools.getColumn(1).getInt64()) << url;
    ++checked;
  }
  EXPECT_EQ(checked, spec.pools - spec.failing_now);
}

TEST_F(FleetGeneratorTest, SameSpecSameCacheAnotherSeedAnother) {
  const FleetSpec spec{.pools = 3, .days = 1, .workers = 4, .seed = 5};
  FleetSpec other = spec;
  other.seed = 6;
  SQLite::Database a(generate(spec, "a.db"), SQLite::OPEN_READONLY);
  SQLite::Database b(generate(spec, "b.db"), SQLite::OPEN_READONLY);
  SQLite::Database c(generate(other, "c.db"), SQLite::OPEN_READONLY);
  const auto cells = all_cells(a);
  EXPECT_GT(cells.size(), 1000u);
  EXPECT_EQ(cells, all_cells(b));
  EXPECT_NE(cells, all_cells(c));
}

TEST_F(FleetGeneratorTest, RefusesASpecItCannotHonour) {
  for (const FleetSpec& bad : {FleetSpec{.pools = 0}, FleetSpec{.days = 0},
                               FleetSpec{.interval = minutes{7}}, FleetSpec{.workers = 0}}) {
    EXPECT_THROW(generate(bad), Error);
  }
}

}  // namespace
}  // namespace kz::test
