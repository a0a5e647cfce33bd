#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "common/cache.hpp"
#include "common/cache_lock.hpp"
#include "common/child_process.hpp"
#include "common/cli_main.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/termination.hpp"
#include "notify/channels/make_channel.hpp"
#include "notify/mute_commands.hpp"
#include "notify/notify_config.hpp"
#include "notify/notify_run.hpp"
#include "notify/notify_store.hpp"

namespace {

struct CliValues {
  std::string config;
  std::string db = "btcpool_data.db";
  bool test = false;
  bool dry_run = false;
  kz::LogOptions log;
};

void add_options(CLI::App& app, CliValues& cli) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--config", cli.config,
                 "File with the \"notify\" object: the pools file or one of its own (default: "
                 "$KZ_CONFIG)");
  app.add_option("--db", cli.db, "SQLite cache file written by kzscrape")->capture_default_str();
  app.add_flag("--test", cli.test,
               "Send a test message to every destination and name each one that failed; needs "
               "no cache");
  app.add_flag("--dry-run", cli.dry_run,
               "Print the messages this run would send; send and change nothing");
  kz::add_common_options(app, "kznotify", cli.log);
}

std::string config_path(const CliValues& cli) {
  if (!cli.config.empty()) return cli.config;
  if (const char* config = std::getenv("KZ_CONFIG"); config && *config) return config;
  throw kz::Error(kz::ExitCode::usage,
                  "no destinations: give --config FILE (a file with a \"notify\" object) or set "
                  "KZ_CONFIG");
}

// kznotify works on kzscrape's cache; it never creates one (a mute in a new, empty file would
// mute nothing).
void require_cache(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw kz::Error(kz::ExitCode::cache_failed,
                    "no cache at " + path +
                        ": run kzscrape first, or pass --db FILE (the cache "
                        "cron writes, DB_PATH)");
  }
}

// A destination that took the test message is fixed: its refusal back-off ends, so the next run
// sends at once. Only when the cache exists (--test needs none).
void end_refusals(const std::vector<kz::DestinationOutcome>& outcomes, const std::string& db) {
  if (!std::filesystem::exists(db)) return;
  kz::Cache cache(db);
  kz::NotifyStore store(cache);
  cache.write_transaction([&] {
    for (const auto& outcome : outcomes) {
      if (outcome.code == kz::ExitCode::ok) store.clear_refusal(outcome.name);
    }
  });
}

// The mute commands' "kznotify: warning: ..." lines, as log lines in the --log-format.
void relay_warnings(const std::string& text) {
  std::istringstream lines(text);
  const std::string prefix = "kznotify: warning: ";
  for (std::string line; std::getline(lines, line);) {
    kz::write_log_line("warn", line.starts_with(prefix) ? line.substr(prefix.size()) : line);
  }
}

// --test: one line per destination on stdout, and one error line naming those that failed.
int report_test(const std::vector<kz::DestinationOutcome>& outcomes) {
  std::string failed;
  for (const auto& outcome : outcomes) {
    if (outcome.code == kz::ExitCode::ok) {
      std::cout << "ok      " << outcome.name << '\n';
    } else {
      std::cout << "FAILED  " << outcome.name << ": " << outcome.error << '\n';
      failed += (failed.empty() ? "" : ", ") + outcome.name;
    }
  }
  const kz::ExitCode code = kz::notify_exit_code(outcomes);
  if (code != kz::ExitCode::ok) {
    kz::write_log_line("error", "the test message failed for " + failed);
  }
  return kz::to_int(code);
}

// A run: each destination logged its own failure; this says what was delivered.
int report_run(const std::vector<kz::DestinationOutcome>& outcomes, bool dry_run) {
  for (const auto& outcome : outcomes) {
    if (outcome.code != kz::ExitCode::ok || (outcome.messages == 0 && outcome.pending == 0)) {
      continue;
    }
    spdlog::info("{}: {} message(s) {} ({} entries), {} still pending", outcome.name,
                 outcome.messages, dry_run ? "would be sent" : "delivered", outcome.entries,
                 outcome.pending);
  }
  return kz::to_int(kz::notify_exit_code(outcomes));
}

}  // namespace

// SIGINT/SIGTERM stop the waits (429, backoff) and the transfer in flight; what was confirmed is
// kept, the rest stays pending, and the process ends by that signal.
int main(int argc, char** argv) {
  kz::install_termination_handlers();
  CLI::App app{
      "kznotify: send the alerts of the SQLite cache to Telegram, Slack, Discord, "
      "webhooks, ntfy and e-mail, once per transition"};
  CliValues cli;
  add_options(app, cli);
  kz::MuteCommandOptions mutes;
  kz::add_mute_commands(app, mutes);
  const int code = kz::run_cli(app, argc, argv, "kznotify", "", [&] {
    kz::init_logging("kznotify", cli.log);
    kz::SystemClock clock;
    if (mutes.command != kz::MuteCommand::none) {
      require_cache(cli.db);
      kz::Cache cache(cli.db);
      std::ostringstream warnings;
      const auto relay = [&warnings] { relay_warnings(warnings.str()); };
      try {
        const int result = kz::run_mute_command(mutes, cache, clock, std::cout, warnings);
        relay();
        return result;
      } catch (...) {
        relay();
        throw;
      }
    }
    const kz::NotifySettings settings = kz::load_notify_config(config_path(cli));
    kz::ChannelSet channels(settings);
    if (cli.test) {
      const auto outcomes = kz::send_test_messages(settings, channels.factory(), clock);
      end_refusals(outcomes, cli.db);
      return report_test(outcomes);
    }
    require_cache(cli.db);
    // Two runs at once could both send the same pending message (a dry run sends nothing).
    std::optional<kz::CacheLock> lock;
    if (!cli.dry_run) {
      lock.emplace(cli.db, "notify", "another kznotify is sending from this cache",
                   "; that run sends the messages", std::chrono::seconds{10},
                   kz::terminable_sleeper());
    }
    kz::Cache cache(cli.db);
    kz::NotifyRunOptions options;
    options.dry_run = cli.dry_run;
    return report_run(kz::run_notify(cache, settings, channels.factory(), clock,
                                     kz::terminable_sleeper(), options, std::cout),
                      cli.dry_run);
  });
  if (const int signal = kz::termination_signal(); signal != 0) kz::die_of_signal(signal);
  return code;
}
