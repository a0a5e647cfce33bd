#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <ostream>
#include <string>

#include "common/cache.hpp"
#include "common/clock.hpp"

namespace kz {

// Which of kznotify's mute subcommands the command line named (issue 13).
enum class MuteCommand { none, mute, unmute, mutes };

// What `kznotify mute|unmute|mutes` were given; filled by add_mute_commands.
struct MuteCommandOptions {
  MuteCommand command = MuteCommand::none;
  std::string pool;        // --pool: the pool's account name (mute, unmute)
  std::string worker;      // --worker: one worker of it; "" for the whole pool
  std::string for_text;    // mute --for: "2h", "90m", "1d", "1h30m"
  std::string until_text;  // mute --until: "2026-12-01T18:00Z" (UTC) or "2026-12-01 18:00" (local)
  std::string reason;      // mute --reason
  int64_t id = 0;          // unmute ID; 0 when not given
};

// Adds the subcommands to kznotify's app:
//   mute --pool P [--worker W] (--for 2h | --until TIME) [--reason TEXT]
//   unmute ID | unmute --pool P [--worker W]
//   mutes
// `options.command` says which one was parsed. Nothing is checked beyond what CLI11 checks
// (--for/--until and ID/--pool exclude each other); run_mute_command checks the rest.
void add_mute_commands(CLI::App& app, MuteCommandOptions& options);

// Runs the parsed subcommand on the cache at `clock.now()`, after pruning the mutes that ended:
// mute prints "mute <id>: <pool> <worker or (whole pool)> until <local> (<UTC>)"; unmute prints
// what it removed; mutes prints the running mutes as a table (id, pool, worker or "(whole
// pool)", until local and UTC, time left, reason) or "no mutes running". A pool (or worker) the
// cache does not know yet gives a warning line on `err` and the mute is kept.
// Returns the exit code (0). Throws kz::Error(usage) for a bad or missing --for/--until/--pool/ID,
// an end not after now, or an unmute that matches no running mute; CacheError (exit 5).
int run_mute_command(const MuteCommandOptions& options, Cache& cache, const Clock& clock,
                     std::ostream& out, std::ostream& err);

}  // namespace kz
