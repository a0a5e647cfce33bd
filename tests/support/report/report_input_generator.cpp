#include "support/report/report_input_generator.hpp"

#include <algorithm>
#include <regex>

namespace kz::test {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

int64_t uniform(std::mt19937& rng, int64_t low, int64_t high) {
  return std::uniform_int_distribution<int64_t>(low, high)(rng);
}

const char* pick(std::mt19937& rng, std::initializer_list<const char*> options) {
  return options.begin()[uniform(rng, 0, static_cast<int64_t>(options.size()) - 1)];
}

}  // namespace

std::string hostile_name(std::mt19937& rng, int n) {
  return std::string(pick(rng, {"<b>rig</b>", "A&B \"farm\"", "Пул 'Астана'", "x<y>&z",
                                "</td></tr><script>alert(1)</script>", "ферма №", "a\"b'c"})) +
         "-" + std::to_string(n);
}

GeneratedReport generate_report(std::mt19937& rng, int pools, int day_count) {
  GeneratedReport out;
  ReportInput& input = out.input;
  input.generated_at = TimePoint(days(20'790) + hours(9) + minutes(17));  // 2026-12-01
  input.days = day_count;
  input.window = {input.generated_at - days(day_count), input.generated_at};
  auto text = [&](std::string value) {
    out.cache_texts.push_back(value);
    return value;
  };
  for (int p = 0; p < pools; ++p) {
    const auto health = static_cast<IntendedHealth>(uniform(rng, 0, 3));
    out.health.push_back(health);
    PoolStatus status;
    status.pool = {.id = 100 + p * 7,
                   .account = text(hostile_name(rng, p)),
                   .source = text(pick(rng, {"btcpool", "antpool"})),
                   .observer_url = text("https://btcpool.kz/observer?access_key=<redacted>&n=" +
                                        std::to_string(p))};
    const auto age = health == IntendedHealth::stale ? hours(uniform(rng, 2, 100))
                                                     : hours(0) + minutes(uniform(rng, 0, 50));
    if (health != IntendedHealth::stale || uniform(rng, 0, 1) == 0) {
      status.last_snapshot_at = input.generated_at - age;
      status.hashrate_hs = double(uniform(rng, 0, 500'000'000)) * 1e9;
      status.hashrate_24h_hs = double(uniform(rng, 0, 500'000'000)) * 1e9;
      status.balance_sat = uniform(rng, 0, 5'000'000'000);
    }
    status.workers_online = uniform(rng, 0, 50);
    status.workers_offline = uniform(rng, 0, 10);
    status.consecutive_failed_runs = health == IntendedHealth::failing ? uniform(rng, 1, 9) : 0;
    for (const char* severity : {"high", "low", "medium"}) {
      const bool open = health == IntendedHealth::open_alerts ? severity[0] == 'h'
                        : health == IntendedHealth::ok        ? false
                                                              : uniform(rng, 0, 1) == 1;
      status.open_alerts.push_back({"offline_workers", severity, open ? uniform(rng, 1, 4) : 0});
    }
    input.fleet.push_back(status);

    PoolHistory history;
    history.pool = status.pool;
    for (int i = 0; i < 12; ++i) {
      history.points.push_back({.at = std::chrono::time_point_cast<std::chrono::milliseconds>(
                                    input.generated_at - age - hours(11 - i)),
                                .hashrate_hs = double(uniform(rng, 1, 1000)) * 1e12,
                                .hashrate_24h_hs = double(uniform(rng, 1, 1000)) * 1e12,
                                .workers_online = uniform(rng, 0, 50),
                                .workers_offline = uniform(rng, 0, 5)});
    }
    const auto newest = std::chrono::floor<seconds>(history.points.back().at);
    for (int64_t i = 0, n = uniform(rng, 0, 4); i < n; ++i) {
      AlertPeriod alert{.type = text(pick(rng, {"hashrate_drop", "offline_workers", "<odd>"})),
                        .subject = text(uniform(rng, 0, 1) ? hostile_name(rng, int(i)) : ""),
                        .severity = pick(rng, {"low", "medium", "high"}),
                        .message = text("message & <detail> " + hostile_name(rng, int(i))),
                        .opened_at = input.window.from + seconds(uniform(rng, 0, 86'400 * 3))};
      alert.last_seen_at = alert.opened_at + minutes(uniform(rng, 0, 300));
      if (uniform(rng, 0, 2) > 0) alert.resolved_at = alert.last_seen_at + minutes(10);
      history.alerts.push_back(alert);
    }
    for (int d = 0; d < day_count; ++d) {
      if (uniform(rng, 0, 4) == 0) continue;
      char date[16];
      std::snprintf(date, sizeof date, "2026-11-%02d", 20 + d);
      history.income.push_back(
          {text(date), uniform(rng, 0, 90'000'000), double(uniform(rng, 1, 1000)) * 1e12});
    }
    for (int64_t i = 0, n = uniform(rng, 0, 3); i < n; ++i) {
      history.payments.push_back({.payment_id = std::to_string(i),
                                  .paid_at = input.window.from + hours(20 * (i + 1)),
                                  .amount_sat = uniform(rng, 1, 2'000'000'000),
                                  .address = text("bc1q<addr>" + std::to_string(i)),
                                  .tx = text("tx&" + std::to_string(i))});
    }
    for (int64_t i = 0, n = uniform(rng, 0, 12); i < n; ++i) {
      WorkerStat worker{.name = text(hostile_name(rng, int(i))),
                        .samples = uniform(rng, 1, 1000),
                        .uptime = double(uniform(rng, 0, 1000)) / 1000,
                        .avg_hashrate_hs = double(uniform(rng, 0, 200)) * 1e12};
      if (uniform(rng, 0, 3) > 0) worker.last_online_at = newest - hours(uniform(rng, 0, 1) * 3);
      history.workers.push_back(worker);
    }
    std::shuffle(history.workers.begin(), history.workers.end(), rng);
    input.pools.push_back(history);
    input.charts.emplace_back();
  }
  return out;
}

std::vector<std::string> external_references(const std::string& html) {
  static const std::regex kReference(
      R"re(\ssrc\s*=|<link\b|<script\b|<iframe\b|<object\b|<embed\b|@import|url\(\s*(?!['"]?#)|href\s*=\s*(?!['"]?#))re",
      std::regex::icase);
  std::vector<std::string> found;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kReference);
       it != std::sregex_iterator(); ++it) {
    found.push_back(it->str());
  }
  return found;
}

}  // namespace kz::test
