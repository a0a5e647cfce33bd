#include "notify/daily_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "summary_fixture.hpp"
#include "zone_rules.hpp"

namespace kz {
namespace {

using namespace std::chrono;
using test::ZoneRule;
using Ms = sys_time<milliseconds>;

struct Snapshot {
  int64_t pool_id;
  Ms at;
  double ghs;
  int online;
  std::string list;                               // all, offline, none
  std::vector<std::pair<int64_t, bool>> samples;  // worker id, online
};
struct Alert {
  int64_t pool_id;
  std::string type, subject;
  sys_seconds opened;
  std::optional<seconds> lasted;
};

// Written for the test from the format's documented examples ("42 min", "3 h 05 min", ...).
std::string expected_span(seconds s) {
  const auto n = s.count();
  if (n < 60) return std::to_string(n) + " s";
  if (n < 3600) return std::to_string(n / 60) + " min";
  if (n < 86400) {
    const auto m = n % 3600 / 60;
    return std::to_string(n / 3600) + " h " + (m < 10 ? "0" : "") + std::to_string(m) + " min";
  }
  const std::string hours =
      n % 86400 / 3600 == 0 ? "" : " " + std::to_string(n % 86400 / 3600) + " h";
  return std::to_string(n / 86400) + " d" + hours;
}

class DailySummaryTest : public test::SummaryCacheTest {
 protected:
  // Fills the cache with 10-minute runs from 2 h before the local day `first` to 2 h after the
  // day `last`, with random gaps, for pools 1 (btcpool, full worker lists) and 2 (antpool,
  // full, offline-only and summary-only lists); pool 3 has none.
  void generate(const ZoneRule& zone, sys_days first, sys_days last, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    pools_ = {add_pool("KZPool_001"), add_pool("antpool_001", "antpool"), add_pool("KZPool_003")};
    for (int64_t pool : {pools_[0], pools_[1]}) {
      for (int w = 0; w < (pool == pools_[0] ? 6 : 5); ++w) {
        SQLite::Statement insert(cache_->db(),
                                 "INSERT INTO worker(pool_id, name, first_seen_at) VALUES(?, ?,"
                                 " '2026-10-01T00:00:00.000Z')");
        insert.bind(1, pool);
        insert.bind(2, "rig-" + std::to_string(w));
        insert.exec();
        workers_[pool].push_back(cache_->db().getLastInsertRowid());
      }
    }
    const sys_seconds from = zone.midnight(first) - 2h;
    const sys_seconds to = zone.midnight(last + days{1}) + 2h;
    for (sys_seconds t = from; t < to; t += 10min) {
      for (int64_t pool : {pools_[0], pools_[1]}) {
        // On a local midnight exactly (and a millisecond before), and otherwise some
        // milliseconds after the minute, or not at all.
        const bool boundary = zone.minutes_of_day(t) == 0;
        if (!boundary && unit(random) < 0.15) continue;
        add_snapshot(random, pool, t + milliseconds{boundary ? 0 : int(unit(random) * 999)});
        if (boundary) add_snapshot(random, pool, t - milliseconds{1});
      }
    }
    for (sys_days d = first - days{1}; d <= last + days{1}; d += days{1}) {
      for (int64_t pool : {pools_[0], pools_[1]}) {
        if (pool == pools_[1] && d == first + days{1}) continue;  // a day without income
        const int64_t sat = std::uniform_int_distribution<int64_t>(1, 3'000'000'000)(random);
        income_[{pool, test::date_text(d)}] = sat;
        SQLite::Statement insert(cache_->db(),
                                 "INSERT INTO income_day(pool_id, date, total_income_sat,"
                                 " first_seen_at, updated_at) VALUES(?, ?, ?, '', '')");
        insert.bind(1, pool);
        insert.bind(2, test::date_text(d));
        insert.bind(3, sat);
        insert.exec();
      }
    }
    // Alerts at random times, and on each local midnight and a second before it.
    std::vector<sys_seconds> opened;
    for (int i = 0; i < 40; ++i) {
      opened.push_back(from + seconds{std::uniform_int_distribution<int64_t>(
                                  0, duration_cast<seconds>(to - from).count() - 1)(random)});
    }
    for (sys_days d = first; d <= last + days{1}; d += days{1}) {
      opened.push_back(zone.midnight(d));
      opened.push_back(zone.midnight(d) - 1s);
    }
    for (size_t i = 0; i < opened.size(); ++i) {
      const int64_t pool = pools_[i % 2];
      const int kind = std::uniform_int_distribution<int>(0, 3)(random);
      Alert alert{pool, kind == 0 ? "hashrate_drop" : "worker_offline",
                  kind == 0 ? "" : "rig-" + std::to_string(i), opened[i], std::nullopt};
      if (kind == 1) alert.lasted = seconds{std::uniform_int_distribution<int>(1, 59)(random)};
      if (kind == 0 || kind == 2)
        alert.lasted = minutes{std::uniform_int_distribution<int>(1, 3000)(random)};
      add_alert(alert);
    }
  }

  void add_snapshot(std::mt19937& random, int64_t pool, Ms at) {
    std::uniform_real_distribution<double> unit(0, 1);
    Snapshot s{pool, at, std::round(unit(random) * 200'000'000) / 1000, 0, "all", {}};
    if (pool == pools_[1]) {
      const double r = unit(random);
      s.list = r < 0.5 ? "all" : r < 0.8 ? "offline" : "none";
    }
    int offline = 0;
    for (int64_t worker : workers_[pool]) {
      const bool online = unit(random) < 0.8;
      (online ? s.online : offline) += 1;
      if (s.list == "all" || (s.list == "offline" && !online))
        s.samples.push_back({worker, online});
    }
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO snapshot(pool_id, scraped_at, hashrate_current_ghs,"
                             " online_workers, offline_workers, listed_workers, workers_complete,"
                             " worker_list) VALUES(?, ?, ?, ?, ?, ?, 1, ?)");
    insert.bind(1, pool);
    insert.bind(2, format_utc_ms(at));
    insert.bind(3, s.ghs);
    insert.bind(4, s.online);
    insert.bind(5, offline);
    insert.bind(6, static_cast<int>(s.samples.size()));
    insert.bind(7, s.list);
    insert.exec();
    const int64_t id = cache_->db().getLastInsertRowid();
    for (const auto& [worker, online] : s.samples) {
      SQLite::Statement sample(cache_->db(),
                               "INSERT INTO worker_sample(sample_key, online, hashrate_10m_ghs,"
                               " hashrate_1h_ghs, hashrate_24h_ghs) VALUES(?, ?, 1, 1, 1)");
      sample.bind(1, id << 24 | worker);
      sample.bind(2, online ? 1 : 0);
      sample.exec();
    }
    snapshots_.push_back(std::move(s));
  }

  void add_alert(const Alert& alert) {
    SQLite::Statement insert(cache_->db(),
                             "INSERT INTO alert(pool_id, alert_type, subject, severity, message,"
                             " opened_at, last_seen_at, resolved_at) VALUES(?, ?, ?, 'high', 'm',"
                             " ?, ?, ?)");
    insert.bind(1, alert.pool_id);
    insert.bind(2, alert.type);
    insert.bind(3, alert.subject);
    insert.bind(4, format_utc(alert.opened));
    insert.bind(5, format_utc(alert.opened));
    if (alert.lasted) {
      insert.bind(6, format_utc(alert.opened + *alert.lasted));
    } else {
      insert.bind(6);
    }
    insert.exec();
    alerts_.push_back(alert);  // in id order
  }

  // The summary of `pool` for local `date`, computed from what was generated.
  PoolSummary expected(const ZoneRule& zone, int64_t pool, const std::string& date,
                       const std::string& name) {
    PoolSummary out;
    out.account_name = name;
    double ghs_sum = 0;
    int count = 0, samples = 0, online = 0;
    for (const Snapshot& s : snapshots_) {
      if (s.pool_id != pool || zone.date_of(s.at) != date) continue;
      ghs_sum += s.ghs * 1e9;
      ++count;
      out.fewest_workers_online = std::min(out.fewest_workers_online.value_or(1 << 30), s.online);
      out.most_workers_online = std::max(out.most_workers_online.value_or(-1), s.online);
      if (s.list != "all") continue;
      for (const auto& sample : s.samples) {
        ++samples;
        online += sample.second ? 1 : 0;
      }
    }
    if (count) out.average_hashrate_hs = ghs_sum / count;
    if (samples) out.uptime_pct = 100.0 * online / samples;
    if (income_.count({pool, date})) out.income_sat = income_.at({pool, date});
    std::vector<Alert> day;
    std::copy_if(alerts_.begin(), alerts_.end(), std::back_inserter(day), [&](const Alert& a) {
      return a.pool_id == pool && zone.date_of(a.opened) == date;
    });
    std::stable_sort(day.begin(), day.end(),
                     [](const Alert& a, const Alert& b) { return a.opened < b.opened; });
    out.incidents = static_cast<int>(day.size());
    for (size_t i = 0; i < day.size() && i < 5; ++i) {
      out.incident_lines.push_back(day[i].type +
                                   (day[i].subject.empty() ? "" : " " + day[i].subject) + ": " +
                                   (day[i].lasted ? expected_span(*day[i].lasted) : "open"));
    }
    return out;
  }

  std::vector<int64_t> pools_;
  std::map<int64_t, std::vector<int64_t>> workers_;
  std::vector<Snapshot> snapshots_;
  std::map<std::pair<int64_t, std::string>, int64_t> income_;
  std::vector<Alert> alerts_;
};

void expect_same(const PoolSummary& got, const PoolSummary& want, const std::string& where) {
  SCOPED_TRACE(where + " " + want.account_name);
  EXPECT_EQ(got.account_name, want.account_name);
  ASSERT_EQ(got.average_hashrate_hs.has_value(), want.average_hashrate_hs.has_value());
  if (want.average_hashrate_hs) {
    EXPECT_NEAR(*got.average_hashrate_hs, *want.average_hashrate_hs,
                *want.average_hashrate_hs * 1e-12);
  }
  ASSERT_EQ(got.uptime_pct.has_value(), want.uptime_pct.has_value());
  if (want.uptime_pct) {
    EXPECT_NEAR(*got.uptime_pct, *want.uptime_pct, 1e-9);
  }
  EXPECT_EQ(got.fewest_workers_online, want.fewest_workers_online);
  EXPECT_EQ(got.most_workers_online, want.most_workers_online);
  EXPECT_EQ(got.income_sat, want.income_sat);
  EXPECT_EQ(got.incidents, want.incidents);
  EXPECT_EQ(got.incident_lines, want.incident_lines);
}

TEST_F(DailySummaryTest, ValuesOfThreeDaysInTwoZonesMatchAnIndependentComputation) {
  // New York's 1 November 2026 has 25 hours.
  const sys_days first = 2026y / October / 31, last = 2026y / November / 2;
  for (const ZoneRule* zone : {&test::kKazakhstan, &test::kNewYork}) {
    SCOPED_TRACE(zone->tz);
    cache_.reset();
    remove_files();
    cache_ = std::make_unique<Cache>(path_);
    snapshots_.clear();
    alerts_.clear();
    income_.clear();
    workers_.clear();
    use_zone(zone->tz);
    generate(*zone, first, last, zone->us_dst ? 11 : 5);
    NotifySettings settings;
    settings.daily_summary_at = LocalTime{7 * 60 + 30};
    Destination all;
    all.name = "phone";
    Destination routed;
    routed.name = "ops";
    routed.routing.pools = {"antpool_001", "KZPool_999"};
    for (sys_days d = first; d <= last; d += days{1}) {
      const std::string date = test::date_text(d);
      const sys_seconds now = zone->utc_of(d + days{1}, 7h + 30min + 13min);
      const auto digest = due_daily_summary(*cache_, all, settings, now);
      ASSERT_TRUE(digest.has_value()) << date;
      EXPECT_EQ(digest->kind, DigestKind::daily_summary);
      EXPECT_EQ(digest->summary_date, date);
      EXPECT_EQ(digest->at, now);
      ASSERT_EQ(digest->pools.size(), 3u);
      // By account name, bytewise: "KZPool_001", "KZPool_003", "antpool_001".
      expect_same(digest->pools[0], expected(*zone, pools_[0], date, "KZPool_001"), date);
      expect_same(digest->pools[1], expected(*zone, pools_[2], date, "KZPool_003"), date);
      expect_same(digest->pools[2], expected(*zone, pools_[1], date, "antpool_001"), date);
      EXPECT_EQ(digest->pools[2].source, "antpool");
      // The data is there: a day of 10-minute runs, and a pool without any says "no data".
      EXPECT_GT(digest->pools[0].most_workers_online.value_or(0), 0);
      EXPECT_GT(digest->pools[0].incidents, 0);
      EXPECT_FALSE(digest->pools[1].average_hashrate_hs.has_value());

      const auto routed_digest = due_daily_summary(*cache_, routed, settings, now);
      ASSERT_TRUE(routed_digest.has_value());
      ASSERT_EQ(routed_digest->pools.size(), 2u);
      expect_same(routed_digest->pools[0], expected(*zone, pools_[1], date, "antpool_001"), date);
      expect_same(routed_digest->pools[1], expected(*zone, 0, date, "KZPool_999"), date);
    }
  }
}

}  // namespace
}  // namespace kz
