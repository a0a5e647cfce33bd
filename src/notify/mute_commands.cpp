#include "notify/mute_commands.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <vector>

#include "common/error.hpp"
#include "notify/local_time.hpp"
#include "notify/message_format.hpp"
#include "notify/mute_store.hpp"

namespace kz {

void add_mute_commands(CLI::App& app, MuteCommandOptions& options) {
  CLI::App* mute = app.add_subcommand(
      "mute", "Mute a pool, or one worker of it, until a time (a maintenance window)");
  mute->add_option("--pool", options.pool, "The pool's account name, e.g. KZPool_001");
  mute->add_option("--worker", options.worker, "Only this worker (default: the whole pool)");
  CLI::Option* for_option =
      mute->add_option("--for", options.for_text, "How long: 2h, 90m, 1d, 1h30m");
  CLI::Option* until_option =
      mute->add_option("--until", options.until_text,
                       "Until when: 2026-12-01T18:00Z (UTC) or \"2026-12-01 18:00\" (local time)");
  for_option->excludes(until_option);
  mute->add_option("--reason", options.reason, "Why, shown by `kznotify mutes`");
  mute->callback([&options] { options.command = MuteCommand::mute; });

  CLI::App* unmute = app.add_subcommand(
      "unmute", "End a mute by its id, or every mute of a pool (or of one of its workers)");
  CLI::Option* id_option = unmute->add_option("id", options.id, "The mute's id (kznotify mutes)")
                               ->check(CLI::PositiveNumber);
  CLI::Option* pool_option =
      unmute->add_option("--pool", options.pool, "End every mute of this pool");
  unmute->add_option("--worker", options.worker, "Only the mutes of this worker")
      ->needs(pool_option);
  id_option->excludes(pool_option);
  unmute->callback([&options] { options.command = MuteCommand::unmute; });

  CLI::App* mutes = app.add_subcommand("mutes", "List the running mutes");
  mutes->callback([&options] { options.command = MuteCommand::mutes; });
  // `kznotify mutes --db FILE` as well as `kznotify --db FILE mutes`.
  for (CLI::App* sub : {mute, unmute, mutes}) sub->fallthrough();
  app.require_subcommand(0, 1);
}

namespace {

using namespace std::chrono;

bool known(Cache& cache, const char* sql, const std::string& a, const std::string& b = "") {
  SQLite::Statement select(cache.db(), sql);
  select.bind(1, a);
  if (select.getBindParameterCount() > 1) select.bind(2, b);
  return select.executeStep();
}

std::string who(const std::string& pool, const std::string& worker) {
  return pool + " " + (worker.empty() ? "(whole pool)" : "worker " + worker);
}

void warn_if_unknown(Cache& cache, const MuteCommandOptions& options, std::ostream& err) {
  try {
    if (!known(cache, "SELECT 1 FROM pool WHERE account_name = ?", options.pool)) {
      err << "kznotify: warning: pool " << options.pool
          << " is not in the cache yet; the mute is kept and applies once it appears\n";
    } else if (!options.worker.empty() &&
               !known(cache,
                      "SELECT 1 FROM worker w JOIN pool p ON p.id = w.pool_id"
                      " WHERE p.account_name = ? AND w.name = ?",
                      options.pool, options.worker)) {
      err << "kznotify: warning: pool " << options.pool << " has no worker " << options.worker
          << " in the cache yet; the mute is kept and applies once it appears\n";
    }
  } catch (...) {
    cache.rethrow_as_cache_error("looking up the muted pool");
  }
}

int run_mute(const MuteCommandOptions& options, Cache& cache, TimePoint now, std::ostream& out,
             std::ostream& err) {
  if (options.pool.empty()) throw Error(ExitCode::usage, "mute needs --pool ACCOUNT_NAME");
  if (options.for_text.empty() == options.until_text.empty()) {
    throw Error(ExitCode::usage, "mute needs either --for (e.g. 2h) or --until (a time)");
  }
  Mute mute;
  mute.account_name = options.pool;
  mute.worker = options.worker;
  mute.reason = options.reason;
  mute.until = options.for_text.empty() ? parse_until_time(options.until_text, "--until")
                                        : now + parse_duration_text(options.for_text, "--for");
  int64_t id = 0;
  cache.write_transaction([&] {
    MuteStore store(cache);
    store.prune(now);
    id = store.add(mute, now);
  });
  warn_if_unknown(cache, options, err);
  out << "mute " << id << ": " << who(mute.account_name, mute.worker) << " until "
      << format_local(mute.until) << " (" << format_utc(mute.until) << ")\n";
  return 0;
}

int run_unmute(const MuteCommandOptions& options, Cache& cache, TimePoint now, std::ostream& out) {
  if ((options.id == 0) == options.pool.empty()) {
    throw Error(ExitCode::usage, "unmute needs a mute's id or --pool ACCOUNT_NAME");
  }
  int removed = 0;
  cache.write_transaction([&] {
    MuteStore store(cache);
    store.prune(now);
    removed = options.id != 0 ? (store.remove(options.id) ? 1 : 0)
                              : store.remove_matching(options.pool, options.worker);
  });
  if (removed == 0) {
    throw Error(ExitCode::usage,
                options.id != 0 ? "no running mute has id " + std::to_string(options.id) +
                                      " (see kznotify mutes)"
                                : "no running mute of " + options.pool +
                                      (options.worker.empty() ? "" : " worker " + options.worker) +
                                      " (see kznotify mutes)");
  }
  if (options.id != 0) {
    out << "unmuted: mute " << options.id << " removed\n";
  } else {
    out << "unmuted: " << removed << " mute" << (removed == 1 ? "" : "s") << " of " << options.pool
        << (options.worker.empty() ? "" : " worker " + options.worker) << " removed\n";
  }
  return 0;
}

// Display width of UTF-8 text: its code points.
size_t width(const std::string& text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

int run_list(Cache& cache, TimePoint now, std::ostream& out) {
  std::vector<Mute> mutes;
  cache.write_transaction([&] {
    MuteStore store(cache);
    store.prune(now);
    mutes = store.active(now);
  });
  if (mutes.empty()) {
    out << "no mutes running\n";
    return 0;
  }
  using Row = std::array<std::string, 7>;
  std::vector<Row> rows{{"ID", "POOL", "WORKER", "UNTIL (LOCAL)", "UNTIL (UTC)", "LEFT", "REASON"}};
  for (const Mute& mute : mutes) {
    rows.push_back({std::to_string(mute.id), mute.account_name,
                    mute.worker.empty() ? "(whole pool)" : mute.worker, format_local(mute.until),
                    format_utc(mute.until), format_duration(mute.until - now), mute.reason});
  }
  std::array<size_t, 7> widths{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  }
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  return 0;
}

}  // namespace

int run_mute_command(const MuteCommandOptions& options, Cache& cache, const Clock& clock,
                     std::ostream& out, std::ostream& err) {
  const TimePoint now = clock.now();
  switch (options.command) {
    case MuteCommand::mute:
      return run_mute(options, cache, now, out, err);
    case MuteCommand::unmute:
      return run_unmute(options, cache, now, out);
    case MuteCommand::mutes:
      return run_list(cache, now, out);
    case MuteCommand::none:
      break;
  }
  throw Error(ExitCode::usage, "no mute command given (mute, unmute or mutes)");
}

}  // namespace kz
