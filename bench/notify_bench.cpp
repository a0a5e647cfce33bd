// Whole kznotify runs (the Release binary) over a cache of 100 pools, delivering to local
// channel servers on 127.0.0.1 (tests/support/notify): the Telegram Bot API, a Discord hook and
// ntfy. Wall time is one kznotify process from spawn to exit; the cache is filled with
// kzscrape's own AlertStore outside the timing. Counters: messages (accepted by the servers
// during the timed run), entries (deliveries marked sent by it), peak_rss_MB. See
// bench/README.md, "kznotify".
#include <SQLiteCpp/Database.h>
#include <benchmark/benchmark.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cache.hpp"
#include "scrape/alerts/alert_store.hpp"
#include "support/notify/hook_server.hpp"
#include "support/notify/ntfy_server.hpp"
#include "support/notify/telegram_server.hpp"
#include "support/process.hpp"

namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using Json = nlohmann::json;

constexpr int kPools = 100;
constexpr const char* kToken = "7001234567:AAE-bench_Secret-token";
constexpr const char* kChat = "-100424242";

// The servers live for the whole process: every case sends to the same ones.
struct Servers {
  kz::test::TelegramServer telegram{{kToken}};
  kz::test::HookServer hooks;
  kz::test::NtfyServer ntfy;
  std::string discord_url = hooks.add_discord("1234567890", "bench-Discord-hook-token");

  // Messages accepted by every server so far.
  std::size_t messages() const {
    return telegram.messages().size() + hooks.delivered(discord_url).size() +
           ntfy.delivered().size();
  }
};
Servers& servers() {
  static auto instance = std::make_unique<Servers>();
  return *instance;
}

void write_secret(const fs::path& path, const std::string& secret) {
  std::ofstream(path) << secret << "\n";
  ::chmod(path.c_str(), 0600);
}

// A directory with an empty cache of 100 pools and a notify file for `destinations` (1: the
// Telegram chat; 3: also the Discord hook and ntfy). Defaults otherwise (worker_offline is sent
// once seen in two runs, 4 messages per alert and hour).
fs::path prepare(const std::string& name, int destinations) {
  const fs::path dir = fs::temp_directory_path() / ("kz_bench_notify_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_secret(dir / "telegram.token", kToken);
  write_secret(dir / "discord.url", servers().discord_url);
  Json list = Json::array({{{"name", "telegram"},
                            {"type", "telegram"},
                            {"chat_id", kChat},
                            {"token_file", (dir / "telegram.token").string()},
                            {"api_url", servers().telegram.api_url()}}});
  if (destinations == 3) {
    list.push_back(
        {{"name", "discord"}, {"type", "discord"}, {"url_file", (dir / "discord.url").string()}});
    list.push_back(
        {{"name", "ntfy"}, {"type", "ntfy"}, {"url", servers().ntfy.url()}, {"topic", "kzpool"}});
  }
  std::ofstream(dir / "notify.json") << Json{{"notify", {{"destinations", list}}}}.dump(2);
  kz::Cache cache((dir / "cache.db").string());
  for (int pool = 1; pool <= kPools; ++pool) {
    const std::string id = std::to_string(pool);
    cache.db().exec(
        "INSERT INTO pool(id, observer_url, account_name, created_at, observer_url_sha256)"
        " VALUES(" +
        id + ", 'https://observer.example/o" + id + "', 'KZPool_" + std::to_string(1000 + pool) +
        "', '2026-01-01T00:00:00Z', 'h" + id + "')");
  }
  return dir;
}

struct Run {
  kz::test::ProcessResult process;
  double wall_ms = 0;
};

Run kznotify(const fs::path& dir) {
  const auto start = std::chrono::steady_clock::now();
  Run run;
  run.process = kz::test::run_process({KZNOTIFY_PATH, "--config", (dir / "notify.json").string(),
                                       "--db", (dir / "cache.db").string(), "--quiet"},
                                      {}, std::chrono::seconds(120));
  run.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return run;
}

int64_t count(const fs::path& dir, const std::string& sql) {
  SQLite::Database db((dir / "cache.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

// kzscrape's alert changes of one run at `at` for every pool, `changes(pool)` each.
template <typename Changes>
void scrape_all(const fs::path& dir, kz::TimePoint at, Changes changes) {
  kz::Cache cache((dir / "cache.db").string());
  cache.write_transaction([&] {
    kz::AlertStore store(cache);
    for (int64_t pool = 1; pool <= kPools; ++pool) store.apply(pool, changes(pool), at);
  });
}

kz::AlertChange change(kz::AlertAction action, const std::string& worker, kz::Severity severity) {
  return {action, {"worker_offline", worker}, severity, "worker " + worker + " offline"};
}

kz::TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Fails the case unless the run ended 0 with nothing left pending.
bool check(benchmark::State& state, const fs::path& dir, const Run& run) {
  if (run.process.exit_code != 0) {
    state.SkipWithError(
        ("kznotify exited " + std::to_string(run.process.exit_code) + ": " + run.process.err)
            .c_str());
    return false;
  }
  if (count(dir, "SELECT count(*) FROM notify_delivery WHERE state = 'pending'") != 0) {
    state.SkipWithError("deliveries left pending");
    return false;
  }
  return true;
}

// 10,000 events already sent: 5 rounds, each of 1,000 workers (10 per pool) going offline and
// coming back, each transition told by its own run, between 3.5 hours and 70 minutes ago.
bool fill_sent_history(benchmark::State& state, const fs::path& dir, kz::TimePoint t) {
  for (int round = 0; round < 5; ++round) {
    const kz::TimePoint at = t - minutes(30 * (5 - round) + 60);
    auto workers = [&](kz::AlertAction action) {
      std::vector<kz::AlertChange> out;
      for (int w = 0; w < 10; ++w) {
        out.push_back(change(action, "r" + std::to_string(round) + "-rig-" + std::to_string(w),
                             kz::Severity::medium));
      }
      return out;
    };
    scrape_all(dir, at, [&](int64_t) { return workers(kz::AlertAction::open); });
    scrape_all(dir, at + minutes(10), [&](int64_t) { return workers(kz::AlertAction::update); });
    if (!check(state, dir, kznotify(dir))) return false;
    scrape_all(dir, at + minutes(20), [&](int64_t) { return workers(kz::AlertAction::resolve); });
    if (!check(state, dir, kznotify(dir))) return false;
  }
  const int64_t sent = count(dir, "SELECT count(*) FROM notify_delivery WHERE state = 'sent'");
  if (sent != 10000) {
    state.SkipWithError(("expected 10,000 sent, got " + std::to_string(sent)).c_str());
    return false;
  }
  return true;
}

// The transitions: per pool, 7 workers went offline 40 minutes ago and were told
// (untimed run); now 4 of them are back (resolved), 3 got worse (raised to high) and 3 more went
// offline 2 minutes ago (high) and were seen again (opened): 400 + 300 + 300 = 1,000 events.
bool add_thousand_transitions(benchmark::State& state, const fs::path& dir, kz::TimePoint t) {
  auto workers = [](int from, int to, kz::AlertAction action, kz::Severity severity) {
    std::vector<kz::AlertChange> out;
    for (int w = from; w < to; ++w) {
      out.push_back(change(action, "rig-" + std::to_string(w), severity));
    }
    return out;
  };
  using enum kz::AlertAction;
  scrape_all(dir, t - minutes(40),
             [&](int64_t) { return workers(0, 7, open, kz::Severity::medium); });
  scrape_all(dir, t - minutes(30),
             [&](int64_t) { return workers(0, 7, update, kz::Severity::medium); });
  if (!check(state, dir, kznotify(dir))) return false;
  const int64_t events_before = count(dir, "SELECT count(*) FROM alert_event");
  scrape_all(dir, t - minutes(2), [&](int64_t) {
    auto all = workers(0, 4, resolve, kz::Severity::medium);
    for (auto& c : workers(4, 7, update, kz::Severity::high)) all.push_back(c);
    for (auto& c : workers(7, 10, open, kz::Severity::high)) all.push_back(c);
    return all;
  });
  scrape_all(dir, t, [&](int64_t) { return workers(4, 10, update, kz::Severity::high); });
  const int64_t added = count(dir, "SELECT count(*) FROM alert_event") - events_before;
  if (added != 1000) {
    state.SkipWithError(("expected 1,000 new events, got " + std::to_string(added)).c_str());
    return false;
  }
  return true;
}

// 1,000 transitions of 100 pools in one run, to range(0) destinations (1: Telegram; 3: also
// Discord and ntfy), over a cache with no history (range(1) 0) or 10,000 events already sent (1).
void BM_KznotifyThousandTransitions(benchmark::State& state) {
  const int destinations = static_cast<int>(state.range(0));
  const bool history = state.range(1) != 0;
  double messages = 0, entries = 0, rss_kb = 0;
  for (auto _ : state) {
    const fs::path dir = prepare("thousand_" + std::to_string(destinations), destinations);
    const kz::TimePoint t = now();
    if (!check(state, dir, kznotify(dir))) break;  // adds the destinations (greeting)
    if (history && !fill_sent_history(state, dir, t)) break;
    if (!add_thousand_transitions(state, dir, t)) break;
    const std::size_t messages_before = servers().messages();
    const int64_t sent_before =
        count(dir, "SELECT count(*) FROM notify_delivery WHERE state = 'sent'");
    const Run run = kznotify(dir);
    state.SetIterationTime(run.wall_ms / 1000);
    if (!check(state, dir, run)) break;
    // 1,000 entries do not fit in 4096 characters: the message ends with "…and N more".
    if (servers().telegram.messages().back().plain_text.find(" more") == std::string::npos) {
      state.SkipWithError("the Telegram message does not say how many more");
      break;
    }
    messages = static_cast<double>(servers().messages() - messages_before);
    entries = static_cast<double>(
        count(dir, "SELECT count(*) FROM notify_delivery WHERE state = 'sent'") - sent_before);
    rss_kb = std::max(rss_kb, static_cast<double>(run.process.max_rss_kb));
    fs::remove_all(dir);
  }
  state.counters["messages"] = messages;
  state.counters["entries"] = entries;
  state.counters["peak_rss_MB"] = rss_kb / 1024;
}
BENCHMARK(BM_KznotifyThousandTransitions)
    ->Args({1, 0})
    ->Args({3, 0})
    ->Args({1, 1})
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The steady state: 10,000 events already sent, and a run with nothing new. range(0) 1: their
// sent_at moved a day back, as when they were sent over the days before (0: all within the
// last minutes, so the hourly cap's query reads all 10,000).
void BM_KznotifyNothingNew(benchmark::State& state) {
  const bool aged = state.range(0) != 0;
  const fs::path dir = prepare(aged ? "steady_aged" : "steady", 1);
  if (!check(state, dir, kznotify(dir)) || !fill_sent_history(state, dir, now())) return;
  if (aged) {
    kz::Cache cache((dir / "cache.db").string());
    cache.db().exec(
        "UPDATE notify_delivery SET sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', sent_at, '-1 day')");
  }
  const std::size_t messages_before = servers().messages();
  double rss_kb = 0;
  for (auto _ : state) {
    const Run run = kznotify(dir);
    state.SetIterationTime(run.wall_ms / 1000);
    if (!check(state, dir, run)) break;
    rss_kb = std::max(rss_kb, static_cast<double>(run.process.max_rss_kb));
  }
  state.counters["messages"] = static_cast<double>(servers().messages() - messages_before);
  state.counters["events"] = static_cast<double>(count(dir, "SELECT count(*) FROM alert_event"));
  state.counters["peak_rss_MB"] = rss_kb / 1024;
  // The cache stays in /tmp/kz_bench_notify_steady* for EXPLAIN QUERY PLAN (bench/README.md).
}
BENCHMARK(BM_KznotifyNothingNew)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
