#include "notify/daily_summary.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>

#include "notify/local_time.hpp"
#include "notify/message_format.hpp"

namespace kz {

namespace {

constexpr int kIncidentLines = 5;

struct PoolRow {
  int64_t id = 0;  // 0: a routed pool the cache does not know
  std::string account_name;
  std::string source;
};

// The pools the destination's summary covers, by account name: its routed pools (also those the
// cache does not know yet), or every pool of the cache (one not yet named by its observer URL).
std::vector<PoolRow> summary_pools(Cache& cache, const Routing& routing) {
  std::vector<PoolRow> pools;
  SQLite::Statement select(cache.db(),
                           "SELECT id, coalesce(account_name, observer_url), source FROM pool"
                           " ORDER BY 2");
  std::set<std::string> routed(routing.pools.begin(), routing.pools.end());
  while (select.executeStep()) {
    PoolRow pool{select.getColumn(0).getInt64(), select.getColumn(1).getString(),
                 select.getColumn(2).getString()};
    if (routed.empty() || routed.erase(pool.account_name) > 0) pools.push_back(std::move(pool));
  }
  for (const std::string& name : routed) pools.push_back(PoolRow{0, name, ""});
  return pools;
}

void add_snapshot_figures(Cache& cache, int64_t pool_id, const LocalDay& day,
                          PoolSummary& summary) {
  SQLite::Statement select(cache.db(),
                           "SELECT count(*), avg(hashrate_current_ghs), min(online_workers),"
                           " max(online_workers) FROM snapshot"
                           " WHERE pool_id = ? AND scraped_at >= ? AND scraped_at < ?");
  select.bind(1, pool_id);
  select.bind(2, format_utc_ms(day.start));
  select.bind(3, format_utc_ms(day.end));
  select.executeStep();
  if (select.getColumn(0).getInt64() == 0) return;
  summary.average_hashrate_hs = select.getColumn(1).getDouble() * 1e9;
  summary.fewest_workers_online = select.getColumn(2).getInt();
  summary.most_workers_online = select.getColumn(3).getInt();
}

// Uptime from the snapshots that list every worker: one listing only the offline ones would
// count none online.
void add_uptime(Cache& cache, int64_t pool_id, const LocalDay& day, PoolSummary& summary) {
  SQLite::Statement select(cache.db(),
                           "SELECT count(*), total(ws.online) FROM snapshot s"
                           " JOIN worker_sample ws ON ws.sample_key BETWEEN s.id << 24"
                           "   AND (s.id << 24) | 16777215"
                           " WHERE s.pool_id = ? AND s.scraped_at >= ? AND s.scraped_at < ?"
                           "   AND s.worker_list = 'all'");
  select.bind(1, pool_id);
  select.bind(2, format_utc_ms(day.start));
  select.bind(3, format_utc_ms(day.end));
  select.executeStep();
  const int64_t samples = select.getColumn(0).getInt64();
  if (samples == 0) return;
  summary.uptime_pct = 100.0 * select.getColumn(1).getDouble() / static_cast<double>(samples);
}

void add_income(Cache& cache, int64_t pool_id, const LocalDay& day, PoolSummary& summary) {
  SQLite::Statement select(
      cache.db(), "SELECT total_income_sat FROM income_day WHERE pool_id = ? AND date = ?");
  select.bind(1, pool_id);
  select.bind(2, day.date);
  if (select.executeStep()) summary.income_sat = select.getColumn(0).getInt64();
}

// Alerts opened in the day, in the order they opened. Alert times are whole seconds (also when a
// text has a fraction), so the first 19 characters compare as the times do.
void add_incidents(Cache& cache, int64_t pool_id, const LocalDay& day, PoolSummary& summary) {
  SQLite::Statement select(cache.db(),
                           "SELECT alert_type, subject, opened_at, resolved_at FROM alert"
                           " WHERE pool_id = ? AND substr(opened_at, 1, 19) >= substr(?, 1, 19)"
                           "   AND substr(opened_at, 1, 19) < substr(?, 1, 19)"
                           " ORDER BY opened_at, id");
  select.bind(1, pool_id);
  select.bind(2, format_utc(day.start));
  select.bind(3, format_utc(day.end));
  while (select.executeStep()) {
    ++summary.incidents;
    if (summary.incident_lines.size() >= kIncidentLines) continue;
    const std::string subject = select.getColumn(1).getString();
    std::string line = select.getColumn(0).getString() + (subject.empty() ? "" : " " + subject);
    const bool is_resolved = !select.getColumn(3).isNull();
    const auto opened = parse_utc(select.getColumn(2).getString());
    const auto resolved =
        is_resolved ? parse_utc(select.getColumn(3).getString()) : std::optional<TimePoint>{};
    if (!opened || (is_resolved && !resolved)) {
      throw Error(ExitCode::cache_failed, "cache " + cache.path() + ": an alert of pool " +
                                              summary.account_name + " holds an unreadable time");
    }
    line += ": " + (resolved ? format_duration(*resolved - *opened) : std::string("open"));
    summary.incident_lines.push_back(std::move(line));
  }
}

}  // namespace

std::optional<Digest> due_daily_summary(Cache& cache, const Destination& destination,
                                        const NotifySettings& settings, TimePoint now) {
  if (!settings.daily_summary_at) return std::nullopt;
  if (local_minutes_of_day(now) < settings.daily_summary_at->minutes) return std::nullopt;
  const LocalDay day = local_day_of(now, 1);
  try {
    SQLite::Statement sent(cache.db(),
                           "SELECT 1 FROM notify_summary WHERE destination = ? AND local_date = ?");
    sent.bind(1, destination.name);
    sent.bind(2, day.date);
    if (sent.executeStep()) return std::nullopt;
    Digest digest;
    digest.kind = DigestKind::daily_summary;
    digest.at = now;
    digest.summary_date = day.date;
    for (const PoolRow& pool : summary_pools(cache, destination.routing)) {
      PoolSummary summary;
      summary.account_name = pool.account_name;
      summary.source = pool.source;
      if (pool.id != 0) {
        add_snapshot_figures(cache, pool.id, day, summary);
        add_uptime(cache, pool.id, day, summary);
        add_income(cache, pool.id, day, summary);
        add_incidents(cache, pool.id, day, summary);
      }
      digest.pools.push_back(std::move(summary));
    }
    // A day before any pool had data (a new install, an empty cache) says nothing.
    const bool any_data = std::any_of(digest.pools.begin(), digest.pools.end(), [](const auto& p) {
      return p.average_hashrate_hs || p.income_sat || p.incidents > 0;
    });
    if (!any_data) return std::nullopt;
    return digest;
  } catch (...) {
    cache.rethrow_as_cache_error("reading the daily summary");
  }
}

void mark_daily_summary_sent(Cache& cache, const std::string& destination, const Digest& digest,
                             TimePoint now) {
  try {
    SQLite::Statement insert(cache.db(),
                             "INSERT INTO notify_summary(destination, local_date, sent_at)"
                             " VALUES(?, ?, ?) ON CONFLICT DO NOTHING");
    insert.bind(1, destination);
    insert.bind(2, digest.summary_date);
    insert.bind(3, format_utc(now));
    insert.exec();
  } catch (...) {
    cache.rethrow_as_cache_error("recording the daily summary");
  }
}

}  // namespace kz
