// render_metrics over generated fleets: every output passes the real `promtool check metrics`
// with no warning, and reads back (parse_exposition) to exactly the values it was given.
#include "report/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "common/decimal_text.hpp"
#include "common/error.hpp"
#include "common/units.hpp"
#include "support/report/prometheus_text.hpp"

namespace kz {
namespace {

using test::Family;
using test::parse_exposition;
using test::promtool_check_metrics;

const TimePoint kNow{std::chrono::seconds(1'795'000'000)};

const std::vector<std::string> kFamilies = {"kzpool_pools",
                                            "kzpool_metrics_generated_timestamp_seconds",
                                            "kzpool_hashrate_hashes_per_second",
                                            "kzpool_hashrate_24h_hashes_per_second",
                                            "kzpool_workers",
                                            "kzpool_balance_btc",
                                            "kzpool_last_income_btc",
                                            "kzpool_alerts_open",
                                            "kzpool_last_snapshot_timestamp_seconds",
                                            "kzpool_data_age_seconds",
                                            "kzpool_last_success_timestamp_seconds",
                                            "kzpool_consecutive_failed_runs",
                                            "kzpool_upload_pending_rows",
                                            "kzpool_upload_rejected_rows",
                                            "kzpool_notify_pending"};

// Account names the exposition format must escape or carry as UTF-8.
const std::vector<std::string> kHardNames = {
    "KZPool_001", "say \"hi\"",           "C:\\pools\\kz", "two\nlines", "Ферма-Алматы",
    "end\\",      "\\\"\n\\n mixed \"\\", "日本 ⛏ rig",    "{a=\"b\"}",  "# HELP x y"};

class FleetGenerator {
 public:
  explicit FleetGenerator(uint32_t seed) : rng_(seed) {}

  std::vector<PoolStatus> fleet(std::size_t pools) {
    std::vector<PoolStatus> out;
    for (std::size_t i = 0; i < pools; ++i) out.push_back(pool(i));
    return out;
  }

 private:
  bool chance(int percent) { return std::uniform_int_distribution<int>(1, 100)(rng_) <= percent; }
  int64_t between(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(rng_);
  }
  // Whole H/s, fractions, tiny and huge values: each must come back bit for bit.
  double hashrate() {
    switch (between(0, 3)) {
      case 0:
        return static_cast<double>(between(0, 999'999)) * 1e9;
      case 1:
        return std::uniform_real_distribution<double>(0, 1e18)(rng_);
      case 2:
        return std::uniform_real_distribution<double>(0, 10)(rng_);
      default:
        return std::ldexp(std::uniform_real_distribution<double>(1, 2)(rng_),
                          static_cast<int>(between(-20, 70)));
    }
  }
  std::optional<int64_t> sat() {
    if (chance(15)) return std::nullopt;
    if (chance(10)) return int64_t{0};
    return between(-5'000'000, 2'100'000'000'000'000);
  }

  PoolStatus pool(std::size_t i) {
    PoolStatus p;
    p.pool.id = static_cast<int64_t>(i + 1);
    p.pool.account = kHardNames[i % kHardNames.size()] + " #" + std::to_string(i);
    p.pool.source = chance(30) ? "antpool" : "btcpool";
    const bool scraped = !chance(15);
    if (scraped) {
      p.last_snapshot_at =
          TimePointMs(std::chrono::milliseconds(between(1'600'000'000'000, 1'795'000'000'000)));
      p.hashrate_hs = hashrate();
      if (!chance(20)) p.hashrate_24h_hs = hashrate();
      p.workers_online = between(0, 5000);
      p.workers_offline = between(0, 500);
      p.balance_sat = sat();
      p.last_income_sat = sat();
    }
    if (scraped || chance(30)) {
      p.last_success_at = TimePoint(std::chrono::seconds(between(1'600'000'000, 1'795'000'000)));
    }
    p.consecutive_failed_runs = between(0, 40);
    for (const char* type :
         {"hashrate_drop", "offline_workers", "scrape_failed", "worker_offline", "zero_hashrate"}) {
      if (!chance(40)) continue;
      for (const char* severity : {"low", "medium", "high"}) {
        p.open_alerts.push_back({type, severity, chance(50) ? 0 : between(1, 300)});
      }
    }
    for (const char* table :
         {"hashrates", "income_tracking", "devices", "alerts", "payments", "api_call_logs"}) {
      p.upload_pending[table] = chance(30) ? 0 : between(1, 100'000);
      p.upload_rejected[table] = chance(70) ? 0 : between(1, 50);
    }
    if (chance(10)) p.upload_rejected["pool_stats"] = between(1, 5);
    p.notify_pending = chance(50) ? 0 : between(1, 60);
    return p;
  }

  std::mt19937 rng_;
};

using Series = std::map<std::string, std::string>;  // labels -> value, per family

std::map<std::string, std::map<Series, std::string>> by_family(const std::vector<Family>& read) {
  std::map<std::string, std::map<Series, std::string>> out;
  for (const Family& family : read) {
    auto& series = out[family.name];
    for (const auto& sample : family.samples) {
      EXPECT_TRUE(series.emplace(sample.labels, sample.value).second)
          << family.name << ": a series given twice";
    }
  }
  return out;
}

Series labels(const PoolStatus& p, Series more = {}) {
  more["account"] = p.pool.account;
  more["source"] = p.pool.source;
  return more;
}

int64_t thousandths(const std::string& text) {
  const auto decimal = parse_decimal_text(text);
  EXPECT_TRUE(decimal) << text;
  const auto value = decimal ? decimal_to_integer(*decimal, 3, Rounding::exact) : std::nullopt;
  EXPECT_TRUE(value) << text;
  return value.value_or(-1);
}

int64_t ms_of(TimePointMs at) {
  return static_cast<int64_t>(at.time_since_epoch().count());
}

// What render_metrics must have written for `fleet`: each expected series with its value, and
// nothing else.
void expect_reads_back(const std::vector<PoolStatus>& fleet, const std::string& exposition) {
  const std::vector<Family> read = parse_exposition(exposition);
  std::vector<std::string> names;
  for (const Family& family : read) {
    names.push_back(family.name);
    EXPECT_EQ(family.type, "gauge") << family.name;
    EXPECT_FALSE(family.help.empty()) << family.name;
  }
  ASSERT_EQ(names, kFamilies);
  auto series = by_family(read);
  const auto take = [&](const std::string& family,
                        const Series& key) -> std::optional<std::string> {
    auto& of = series[family];
    const auto found = of.find(key);
    if (found == of.end()) return std::nullopt;
    std::string value = found->second;
    of.erase(found);
    return value;
  };
  const auto expect_int = [&](const std::string& family, const Series& key, int64_t value) {
    const auto text = take(family, key);
    ASSERT_TRUE(text) << family << " missing for " << key.at("account");
    EXPECT_EQ(*text, std::to_string(value)) << family;
  };
  const auto expect_double = [&](const std::string& family, const Series& key,
                                 const std::optional<double>& value) {
    const auto text = take(family, key);
    ASSERT_EQ(text.has_value(), value.has_value()) << family << " for " << key.at("account");
    if (value) {
      EXPECT_EQ(std::strtod(text->c_str(), nullptr), *value) << family << " " << *text;
    }
  };
  const auto expect_btc = [&](const std::string& family, const Series& key,
                              const std::optional<int64_t>& sat) {
    const auto text = take(family, key);
    ASSERT_EQ(text.has_value(), sat.has_value()) << family << " for " << key.at("account");
    if (sat) {
      EXPECT_EQ(parse_btc_sat(*text), *sat) << family << " " << *text;
    }
  };

  expect_int("kzpool_pools", {}, static_cast<int64_t>(fleet.size()));
  expect_int("kzpool_metrics_generated_timestamp_seconds", {}, kNow.time_since_epoch().count());
  for (const PoolStatus& p : fleet) {
    const Series key = labels(p);
    expect_double("kzpool_hashrate_hashes_per_second", key, p.hashrate_hs);
    expect_double("kzpool_hashrate_24h_hashes_per_second", key, p.hashrate_24h_hs);
    expect_btc("kzpool_balance_btc", key, p.balance_sat);
    expect_btc("kzpool_last_income_btc", key, p.last_income_sat);
    if (p.last_snapshot_at) {
      expect_int("kzpool_workers", labels(p, {{"state", "online"}}), p.workers_online);
      expect_int("kzpool_workers", labels(p, {{"state", "offline"}}), p.workers_offline);
      const auto at = take("kzpool_last_snapshot_timestamp_seconds", key);
      const auto age = take("kzpool_data_age_seconds", key);
      ASSERT_TRUE(at && age);
      EXPECT_EQ(thousandths(*at), ms_of(*p.last_snapshot_at));
      EXPECT_EQ(thousandths(*age), ms_of(TimePointMs(kNow)) - ms_of(*p.last_snapshot_at));
    }
    if (p.last_success_at) {
      expect_int("kzpool_last_success_timestamp_seconds", key,
                 p.last_success_at->time_since_epoch().count());
    }
    expect_int("kzpool_consecutive_failed_runs", key, p.consecutive_failed_runs);
    for (const auto& alert : p.open_alerts) {
      expect_int("kzpool_alerts_open",
                 labels(p, {{"type", alert.type}, {"severity", alert.severity}}), alert.open);
    }
    for (const auto& [table, rows] : p.upload_pending) {
      expect_int("kzpool_upload_pending_rows", labels(p, {{"table", table}}), rows);
    }
    for (const auto& [table, rows] : p.upload_rejected) {
      expect_int("kzpool_upload_rejected_rows", labels(p, {{"table", table}}), rows);
    }
    expect_int("kzpool_notify_pending", key, p.notify_pending);
  }
  for (const auto& [family, left] : series) {
    EXPECT_TRUE(left.empty()) << family << " has " << left.size() << " series it should not have";
  }
}

TEST(RenderMetrics, GeneratedFleetsPassPromtoolAndReadBackExactly) {
  const std::vector<std::size_t> sizes = {1, 2, 10, 10, 37, 250};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    SCOPED_TRACE("fleet " + std::to_string(i) + " of " + std::to_string(sizes[i]) + " pools");
    const auto fleet = FleetGenerator(static_cast<uint32_t>(i + 1)).fleet(sizes[i]);
    const std::string text = render_metrics(fleet, kNow);
    const auto check = promtool_check_metrics(text);
    EXPECT_TRUE(check.clean()) << check.exit_code << ": " << check.output;
    expect_reads_back(fleet, text);
  }
}

TEST(RenderMetrics, NoPoolsStillDescribesEveryFamily) {
  const std::string text = render_metrics({}, kNow);
  const auto check = promtool_check_metrics(text);
  EXPECT_TRUE(check.clean()) << check.exit_code << ": " << check.output;
  expect_reads_back({}, text);
}

TEST(RenderMetrics, APoolWithoutSnapshotShowsOnlyWhatIsKnown) {
  PoolStatus p;
  p.pool = {1, "KZPool_new", "btcpool", "https://btcpool.kz/observer?token=***"};
  p.consecutive_failed_runs = 3;
  p.open_alerts = {
      {"scrape_failed", "low", 0}, {"scrape_failed", "medium", 1}, {"scrape_failed", "high", 0}};
  const std::string text = render_metrics({p}, kNow);
  EXPECT_TRUE(promtool_check_metrics(text).clean());
  expect_reads_back({p}, text);  // no hashrate, workers, balance, times or age: absent, not 0
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("kzpool_workers{"), std::string::npos);
}

// The check can fail: the same output with one convention broken at a time.
TEST(RenderMetrics, PromtoolRejectsBrokenConventions) {
  const auto fleet = FleetGenerator(7).fleet(5);
  const std::string good = render_metrics(fleet, kNow);
  ASSERT_TRUE(promtool_check_metrics(good).clean());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  const auto renamed = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
      at += to.size();
    }
    return text;
  };
  const std::vector<std::string> broken = {
      // A family without HELP.
      replaced("# HELP kzpool_balance_btc The pool's balance in BTC in its newest snapshot.\n", ""),
      // _total on a gauge.
      renamed("kzpool_consecutive_failed_runs", "kzpool_consecutive_failed_runs_total"),
      // A unit that is not the base unit.
      renamed("kzpool_data_age_seconds", "kzpool_data_age_milliseconds"),
      // A quote in a label value left unescaped.
      replaced("say \\\"hi\\\"", "say \"hi\""),
  };
  for (const std::string& text : broken) {
    EXPECT_FALSE(promtool_check_metrics(text).clean()) << text.substr(0, 400);
  }
}

TEST(RenderMetrics, InvalidUtf8InALabelBecomesTheReplacementCharacter) {
  PoolStatus p;
  p.pool = {1, std::string("rig\xFF\xC3(\xE2\x82 ok \xED\xA0\x80"), "btcpool", ""};
  const std::string text = render_metrics({p}, kNow);
  EXPECT_TRUE(promtool_check_metrics(text).clean()) << text;
  const auto read = parse_exposition(text);
  EXPECT_EQ(read.at(11).samples.at(0).labels.at("account"),
            "rig\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD ok \xEF\xBF\xBD\xEF\xBF\xBD"
            "\xEF\xBF\xBD");
}

TEST(RenderMetrics, TwoPoolsWithTheSameLabelsAreRefused) {
  PoolStatus a;
  a.pool = {1, "https://btcpool.kz/observer?token=***", "btcpool", ""};
  PoolStatus b = a;
  b.pool.id = 2;
  try {
    render_metrics({a, b}, kNow);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::report_failed);
    EXPECT_NE(std::string(e.what()).find("--account"), std::string::npos) << e.what();
  }
  b.pool.source = "antpool";  // other labels: fine
  EXPECT_TRUE(promtool_check_metrics(render_metrics({a, b}, kNow)).clean());
}

}  // namespace
}  // namespace kz
