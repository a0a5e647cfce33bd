#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "scrape/antpool/antpool_account.hpp"
#include "scrape/antpool/antpool_collector.hpp"
#include "scrape/antpool/antpool_credentials.hpp"
#include "scrape/fleet_scrape.hpp"
#include "scrape/scrape_job.hpp"

namespace kz {

// kzscrape's options for one Antpool account without a pools file (issue 12).
// There is no option for the key or the secret: they stay off the command line.
struct AntpoolCliValues {
  std::string user_id;      // --antpool-user-id
  std::string credentials;  // --antpool-credentials: JSON file {"key": ..., "secret": ...}
  std::string url;          // --antpool-url, "" for AntpoolSettings' default
  std::string sub_account;  // --antpool-sub-account, "" for none
};

// Adds the options above to `app` in a help group of their own.
void add_antpool_options(CLI::App& app, AntpoolCliValues& values);

// Whether any --antpool-* option was given (they need --source antpool).
bool any_antpool_option(const AntpoolCliValues& values);

// Refuses --antpool-* options without `--source antpool`, and --config or --url with it:
// kz::Error(usage) naming the option.
void check_antpool_source(const std::string& source, const std::string& config,
                          const std::string& url, const AntpoolCliValues& values);

// The one account of `--source antpool --account NAME --antpool-user-id U
// --antpool-credentials FILE [--antpool-url URL] [--antpool-sub-account S]`, its
// credentials read (read_antpool_credentials_file), and the settings (defaults and
// the URL). `base` carries the common options (db, http, thresholds, dry_run); its
// observer_url becomes the account's identity. Throws kz::Error(usage) naming the
// missing or bad option.
struct AntpoolRun {
  std::vector<AntpoolPool> pools;
  AntpoolSettings settings;
};
AntpoolRun antpool_run_from_cli(const ScrapeOptions& base, const std::string& account,
                                const AntpoolCliValues& values);

// The Antpool pools of a pools file as collect_antpool() takes them, in order (btcpool
// pools skipped): options from options_for_pool(), credentials loaded from the file or
// from `env` (process_environment()). Throws kz::Error(usage) from the credentials
// (antpool_credentials.hpp).
std::vector<AntpoolPool> antpool_pools(const ScrapeOptions& base,
                                       const std::vector<PoolConfig>& pools, const EnvLookup& env);

// Runs collect_antpool() on real HTTP with the process's termination-aware sleeper.
std::vector<PoolOutcome> run_antpool(const AntpoolRun& run, const Clock& clock, std::ostream& out);

}  // namespace kz
