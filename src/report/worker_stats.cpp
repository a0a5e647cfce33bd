#include "report/worker_stats.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "report/window_rows.hpp"

namespace kz {

// How snapshots count, by snapshot.worker_list:
// - 'all': every listed worker has a sample: online or offline as listed, and its 10-minute
//   hashrate enters its average. A complete list is the pool's roster from then on (a worker it
//   leaves out is gone, as in v_latest_workers); an incomplete one (fewer rows than the cards
//   count) only adds to the roster, since the workers it misses are unknown, not gone.
// - 'offline' (Antpool): the list holds every offline worker, so it is a sample for every worker
//   of the roster: offline if listed, online if not. Listed workers join the roster. Their
//   hashrates do not enter the average: the unlisted online workers have none in it, and
//   averaging only the offline ones would pull the average down; full lists sample the hashrate
//   evenly over time.
// - 'none': a summary alone; it says nothing about workers.
// The roster at the window's start comes from the newest full list before it and the offline
// lists since, so an Antpool pool's offline lists early in the window count too.
namespace {

struct Tally {
  int64_t samples = 0;
  int64_t online = 0;
  int64_t hashrate_samples = 0;
  double hashrate_ghs_sum = 0;
  std::optional<TimePoint> last_online_at;
};

struct Listed {
  int64_t worker_id = 0;
  bool online = false;
  double hashrate_10m_ghs = 0;
};

struct Snapshot {
  int64_t id = 0;
  std::string scraped_at;
  std::string worker_list;
  bool complete = false;
  std::vector<Listed> listed;
};

// The scraped_at of the newest snapshot with a full list before `from`: where counting starts.
std::optional<std::string> roster_start(SQLite::Database& db, int64_t pool_id,
                                        const std::string& from) {
  SQLite::Statement select(db,
                           "SELECT scraped_at FROM snapshot WHERE pool_id = ? AND scraped_at < ?"
                           " AND worker_list = 'all' ORDER BY scraped_at DESC LIMIT 1");
  select.bind(1, pool_id);
  select.bind(2, from);
  if (!select.executeStep()) return std::nullopt;
  return select.getColumn(0).getString();
}

void count(Tally& tally, bool online, TimePoint at) {
  ++tally.samples;
  if (online) {
    ++tally.online;
    if (!tally.last_online_at || *tally.last_online_at < at) tally.last_online_at = at;
  }
}

}  // namespace

std::vector<WorkerStat> read_worker_stats(SQLite::Database& db, int64_t pool_id,
                                          ReportWindow window) {
  const std::string from = format_utc_ms(window.from);
  const std::string to = format_utc_ms(window.to);
  const std::string start = roster_start(db, pool_id, from).value_or(from);

  // One pass over the pool's snapshots; each one's samples are the key range of its id.
  SQLite::Statement select(
      db,
      "SELECT s.id, s.scraped_at, s.worker_list, s.workers_complete, ws.sample_key & 16777215,"
      " ws.online, ws.hashrate_10m_ghs FROM snapshot s"
      " LEFT JOIN worker_sample ws ON ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215"
      " WHERE s.pool_id = ? AND s.scraped_at >= ? AND s.scraped_at < ? AND s.worker_list <> 'none'"
      " ORDER BY s.scraped_at, s.id, ws.sample_key");
  select.bind(1, pool_id);
  select.bind(2, start);
  select.bind(3, to);

  std::map<int64_t, Tally> tallies;  // by worker id
  std::set<int64_t> roster;
  auto apply = [&](const Snapshot& s) {
    const bool in_window = s.scraped_at >= from;
    const TimePoint at = read_cache_time(s.scraped_at);
    if (s.worker_list == "all") {
      if (s.complete) roster.clear();
      for (const Listed& l : s.listed) {
        roster.insert(l.worker_id);
        if (!in_window) continue;
        Tally& tally = tallies[l.worker_id];
        count(tally, l.online, at);
        ++tally.hashrate_samples;
        tally.hashrate_ghs_sum += l.hashrate_10m_ghs;
      }
      return;
    }
    std::set<int64_t> offline;
    for (const Listed& l : s.listed) {
      roster.insert(l.worker_id);
      if (!l.online) offline.insert(l.worker_id);
    }
    if (!in_window) return;
    for (int64_t id : roster) count(tallies[id], !offline.contains(id), at);
  };

  Snapshot current;
  while (select.executeStep()) {
    const int64_t id = select.getColumn(0).getInt64();
    if (id != current.id) {
      if (current.id != 0) apply(current);
      current = Snapshot{id,
                         select.getColumn(1).getString(),
                         select.getColumn(2).getString(),
                         select.getColumn(3).getInt() == 1,
                         {}};
    }
    if (select.getColumn(4).isNull()) continue;  // a snapshot that listed no worker
    current.listed.push_back({select.getColumn(4).getInt64(), select.getColumn(5).getInt() == 1,
                              select.getColumn(6).getDouble()});
  }
  if (current.id != 0) apply(current);

  SQLite::Statement names(db, "SELECT id, name FROM worker WHERE pool_id = ?");
  names.bind(1, pool_id);
  std::vector<WorkerStat> stats;
  while (names.executeStep()) {
    auto it = tallies.find(names.getColumn(0).getInt64());
    if (it == tallies.end() || it->second.samples == 0) continue;
    const Tally& tally = it->second;
    WorkerStat stat;
    stat.name = names.getColumn(1).getString();
    stat.samples = tally.samples;
    stat.uptime = static_cast<double>(tally.online) / static_cast<double>(tally.samples);
    if (tally.hashrate_samples > 0) {
      stat.avg_hashrate_hs =
          tally.hashrate_ghs_sum / static_cast<double>(tally.hashrate_samples) * 1e9;
    }
    stat.last_online_at = tally.last_online_at;
    stats.push_back(std::move(stat));
  }
  std::sort(stats.begin(), stats.end(), [](const WorkerStat& a, const WorkerStat& b) {
    if (a.uptime != b.uptime) return a.uptime < b.uptime;
    if (a.avg_hashrate_hs != b.avg_hashrate_hs) return a.avg_hashrate_hs < b.avg_hashrate_hs;
    return a.name < b.name;
  });
  return stats;
}

}  // namespace kz
