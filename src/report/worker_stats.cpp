#include "report/worker_stats.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
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
  std::string name;
  int64_t samples = 0;
  int64_t online = 0;
  int64_t hashrate_samples = 0;
  double hashrate_ghs_sum = 0;
  std::optional<TimePoint> last_online_at;
  bool in_roster = false;
  int64_t listed_offline_in = 0;  // the id of the offline list that last listed it
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

// The pool's workers, indexed by their worker.id.
class Workers {
 public:
  Workers(SQLite::Database& db, int64_t pool_id) {
    SQLite::Statement names(db, "SELECT id, name FROM worker WHERE pool_id = ?");
    names.bind(1, pool_id);
    while (names.executeStep()) {
      index_.emplace(names.getColumn(0).getInt64(), tallies_.size());
      add(names.getColumn(1).getString());
    }
  }
  // kzscrape never deletes a worker row, so a sample without one means a damaged cache.
  Tally& operator[](int64_t worker_id) {
    auto it = index_.find(worker_id);
    if (it == index_.end()) {
      throw Error(ExitCode::cache_failed, "the cache holds samples of worker id " +
                                              std::to_string(worker_id) +
                                              " that is not one of the pool's workers");
    }
    return tallies_[it->second];
  }
  std::vector<Tally>& all() { return tallies_; }

 private:
  void add(std::string name) {
    tallies_.emplace_back();
    tallies_.back().name = std::move(name);
  }

  std::unordered_map<int64_t, size_t> index_;
  std::vector<Tally> tallies_;
};

// One snapshot of the pool, as its rows arrive.
struct Snapshot {
  int64_t id = 0;
  bool full_list = false;
  bool complete = false;
  bool in_window = false;
  TimePoint at;
};

}  // namespace

std::vector<WorkerStat> read_worker_stats(SQLite::Database& db, int64_t pool_id,
                                          ReportWindow window) {
  const std::string from = format_utc_ms(window.from);
  const std::string to = format_utc_ms(window.to);
  const std::string start = roster_start(db, pool_id, from).value_or(from);

  // One pass over the pool's snapshots; each one's samples are the key range of its id.
  SQLite::Statement select(
      db,
      "SELECT s.id, s.scraped_at, s.worker_list = 'all', s.workers_complete, s.scraped_at >= ?,"
      " ws.sample_key & 16777215, ws.online, ws.hashrate_10m_ghs FROM snapshot s"
      " LEFT JOIN worker_sample ws ON ws.sample_key BETWEEN s.id << 24 AND (s.id << 24) | 16777215"
      " WHERE s.pool_id = ? AND s.scraped_at >= ? AND s.scraped_at < ? AND s.worker_list <> 'none'"
      " ORDER BY s.scraped_at, s.id, ws.sample_key");
  select.bind(1, from);
  select.bind(2, pool_id);
  select.bind(3, start);
  select.bind(4, to);

  Workers workers(db, pool_id);
  Snapshot current;
  // An offline list is a sample for every worker of the roster, once all its rows are read.
  auto finish = [&] {
    if (current.id == 0 || current.full_list || !current.in_window) return;
    for (Tally& tally : workers.all()) {
      if (tally.in_roster) count(tally, tally.listed_offline_in != current.id, current.at);
    }
  };
  while (select.executeStep()) {
    const int64_t id = select.getColumn(0).getInt64();
    if (id != current.id) {
      finish();
      current = Snapshot{id, select.getColumn(2).getInt() == 1, select.getColumn(3).getInt() == 1,
                         select.getColumn(4).getInt() == 1,
                         read_cache_time(select.getColumn(1).getString())};
      if (current.full_list && current.complete) {
        for (Tally& tally : workers.all()) tally.in_roster = false;
      }
    }
    if (select.getColumn(5).isNull()) continue;  // a snapshot that listed no worker
    Tally& tally = workers[select.getColumn(5).getInt64()];
    const bool online = select.getColumn(6).getInt() == 1;
    tally.in_roster = true;
    if (!current.full_list) {
      if (!online) tally.listed_offline_in = id;
    } else if (current.in_window) {
      count(tally, online, current.at);
      ++tally.hashrate_samples;
      tally.hashrate_ghs_sum += select.getColumn(7).getDouble();
    }
  }
  finish();

  std::vector<WorkerStat> stats;
  for (const Tally& tally : workers.all()) {
    if (tally.samples == 0) continue;
    WorkerStat stat;
    stat.name = tally.name;
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
