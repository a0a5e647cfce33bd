#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/child_process.hpp"
#include "common/cli_main.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/pool_config.hpp"
#include "common/secret_file.hpp"
#include "common/termination.hpp"
#include "common/units.hpp"
#include "common/url_text.hpp"
#include "scrape/antpool/antpool_cli.hpp"
#include "scrape/antpool/antpool_config.hpp"
#include "scrape/fleet_scrape.hpp"
#include "scrape/scrape_job.hpp"

namespace {

struct CliValues {
  double timeout_s = 30;
  int max_page_mb = 8;
  std::string page_tz = "+05:00";
  kz::LogOptions log;
  bool insecure = false;
  std::string account;
  std::string chromium = "/usr/bin/chromium";
  std::string config;
  std::string source = "page";
  std::string api_key_file;
  int concurrency = 8;
  double offline_high_percent = 10;
  double drop_medium_percent = 20;
  double drop_high_percent = 30;
  double drop_resolve_percent = 10;
  kz::AntpoolCliValues antpool;
};

void add_options(CLI::App& app, kz::ScrapeOptions& options, CliValues& cli) {
  // A later --opt overrides an earlier one, so wrappers can append their own.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--url", options.observer_url,
                 "Observer link to fetch (default: $OBSERVER_URL); file:// URLs read local pages");
  app.add_option("--config", cli.config,
                 "Pools file (JSON) to scrape them all (default: $KZ_CONFIG); see README");
  app.add_option("--concurrency", cli.concurrency, "Pools fetched at once with --config")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--db", options.db_path, "SQLite cache file")->capture_default_str();
  app.add_option("--account", cli.account, "Label for this pool in the cache, e.g. KZPool_001");
  app.add_option("--timeout", cli.timeout_s, "Seconds the whole fetch may take, retries included")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--retries", options.http.max_retries, "Retries on transient network errors")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  app.add_option("--max-page-mb", cli.max_page_mb, "Refuse pages larger than this (MiB)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--page-tz", cli.page_tz, "UTC offset of the times shown on the page")
      ->capture_default_str();
  app.add_option("--retain-days", options.retain_days,
                 "Days of worker samples to keep (0 keeps all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  const auto set_render = [&options](const std::string& mode) {
    options.render = mode == "never"    ? kz::RenderMode::never
                     : mode == "always" ? kz::RenderMode::always
                                        : kz::RenderMode::automatic;
  };
  app.add_option_function<std::string>("--render", set_render,
                                       "Render the page with headless Chromium: never, auto (when "
                                       "the fetched page has no usable data) or always")
      ->check(CLI::IsMember({"never", "auto", "always"}))
      ->default_str("auto");
  app.add_option("--chromium", cli.chromium, "Chromium binary for --render")->capture_default_str();
  app.add_option("--source", cli.source,
                 "page: read the observer page; api: the pool's JSON API (needs an API key); "
                 "antpool: one Antpool account (see the Antpool options)")
      ->check(CLI::IsMember({"page", "api", "antpool"}))
      ->capture_default_str();
  app.add_option("--api-url", options.api.url, "Base URL of the pool's API for --source api")
      ->capture_default_str();
  app.add_option("--api-key-file", cli.api_key_file,
                 "File holding the API key for --source api (default: $KZPOOL_API_KEY)");
  app.add_flag("--dry-run", options.dry_run,
               "Fetch and parse, print the page as JSON, write nothing");
  app.add_flag("--insecure", cli.insecure, "Do not verify TLS certificates (not recommended)");
  kz::add_common_options(app, "kzscrape", cli.log);

  kz::add_antpool_options(app, cli.antpool);

  auto& t = options.thresholds;
  const char* group = "Alert thresholds";
  app.add_option("--offline-high-count", t.offline_high_count,
                 "offline_workers is high above this many offline")
      ->capture_default_str()
      ->group(group);
  app.add_option("--offline-high-percent", cli.offline_high_percent,
                 "... or above this share of the fleet")
      ->capture_default_str()
      ->group(group);
  app.add_option("--drop-medium-percent", cli.drop_medium_percent,
                 "hashrate_drop (medium) below the 1 h baseline by this much")
      ->capture_default_str()
      ->group(group);
  app.add_option("--drop-high-percent", cli.drop_high_percent, "hashrate_drop high from this drop")
      ->capture_default_str()
      ->group(group);
  app.add_option("--drop-resolve-percent", cli.drop_resolve_percent,
                 "hashrate_drop resolves back within this of the baseline")
      ->capture_default_str()
      ->group(group);
  app.add_option("--baseline-minutes", t.baseline_window_minutes, "Baseline window")
      ->capture_default_str()
      ->group(group);
  app.add_option("--baseline-min-snapshots", t.baseline_min_snapshots,
                 "Snapshots needed for a baseline")
      ->capture_default_str()
      ->group(group);
  app.add_option("--failed-runs", t.scrape_failed_after,
                 "scrape_failed after this many failed runs")
      ->capture_default_str()
      ->group(group);
}

std::string from_env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The key for --source api, never echoed: from --api-key-file, else $KZPOOL_API_KEY.
std::string read_api_key(const std::string& key_file) {
  const std::string key = key_file.empty() ? std::string(kz::trim_space(from_env("KZPOOL_API_KEY")))
                                           : kz::read_secret_file(key_file, "--api-key-file");
  if (key.empty()) {
    throw kz::Error(kz::ExitCode::usage,
                    "--source api needs a key: --api-key-file PATH or KZPOOL_API_KEY");
  }
  if (key.find_first_of(" \t\r\n") != std::string::npos) {
    throw kz::Error(kz::ExitCode::usage, "the API key must be one line without spaces");
  }
  return key;
}

// With --source api the pool needs no observer link: without one it is named
// in the cache by the API URL and its --account.
void finish_api_options(kz::ScrapeOptions& options, const CliValues& cli) {
  if (cli.source != "api") return;
  if (!cli.config.empty()) {
    throw kz::Error(kz::ExitCode::usage,
                    "--source api works with --url or --account, not --config");
  }
  options.source = kz::PageSource::api;
  options.api.key = read_api_key(cli.api_key_file);
  if (options.observer_url.empty() && !cli.account.empty()) {
    options.observer_url = options.api.url + "#" + cli.account;
  }
}

// Where the pages come from: --url, --config (or $KZ_CONFIG), $OBSERVER_URL, or the API.
void finish_source(kz::ScrapeOptions& options, CliValues& cli) {
  if (cli.config.empty() && options.observer_url.empty() && cli.source != "api") {
    cli.config = from_env("KZ_CONFIG");
  }
  if (!cli.config.empty() && !options.observer_url.empty()) {
    throw kz::Error(kz::ExitCode::usage, "give either --url or --config, not both");
  }
  if (cli.config.empty() && options.observer_url.empty())
    options.observer_url = from_env("OBSERVER_URL");
  finish_api_options(options, cli);
  if (options.observer_url.empty() && cli.source == "api") {
    throw kz::Error(kz::ExitCode::usage,
                    "--source api needs --account NAME (or --url, the pool's observer link)");
  }
  if (cli.config.empty() && options.observer_url.empty()) {
    throw kz::Error(kz::ExitCode::usage,
                    "no observer URL: pass --url URL or set the OBSERVER_URL environment variable"
                    " (or --config pools.json for many pools)");
  }
  if (cli.config.empty() && options.source != kz::PageSource::api &&
      !kz::has_fetchable_scheme(options.observer_url)) {
    throw kz::Error(kz::ExitCode::usage, "'" + kz::redacted_url(options.observer_url) +
                                             "' is not an http(s):// or file:// URL");
  }
}

void finish_options(kz::ScrapeOptions& options, CliValues& cli) {
  kz::check_antpool_source(cli.source, cli.config, options.observer_url, cli.antpool);
  if (cli.source != "antpool") finish_source(options, cli);
  if (!cli.account.empty()) options.account_name = cli.account;
  auto offset = kz::parse_utc_offset(cli.page_tz);
  if (!offset) {
    throw kz::Error(kz::ExitCode::usage,
                    "--page-tz '" + cli.page_tz + "' is not a UTC offset like +05:00");
  }
  options.page_utc_offset = *offset;
  options.http.total_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(cli.timeout_s * 1000));
  options.http.connect_timeout = std::min(options.http.connect_timeout, options.http.total_timeout);
  options.http.verify_tls = !cli.insecure;
  options.http.max_body_bytes = static_cast<size_t>(cli.max_page_mb) * 1024 * 1024;
  options.http.max_body_option = "--max-page-mb";
  auto& t = options.thresholds;
  t.offline_high_fraction = cli.offline_high_percent / 100;
  t.drop_medium_fraction = cli.drop_medium_percent / 100;
  t.drop_high_fraction = cli.drop_high_percent / 100;
  t.drop_resolve_fraction = cli.drop_resolve_percent / 100;
}

void report_fleet(const std::vector<kz::PoolOutcome>& outcomes) {
  const auto failed = std::count_if(outcomes.begin(), outcomes.end(),
                                    [](const auto& o) { return o.code != kz::ExitCode::ok; });
  if (failed > 0) {
    kz::write_log_line("error", std::to_string(failed) + " of " + std::to_string(outcomes.size()) +
                                    " pools failed (see the lines above)");
  } else {
    if (outcomes.size() == 1) {
      spdlog::info("the 1 pool scraped");
    } else {
      spdlog::info("all {} pools scraped", outcomes.size());
    }
  }
}

// One Antpool account; its failure is the run's one error line, which the collector already
// logged ("ACCOUNT: error").
int run_one_antpool(const kz::AntpoolRun& run, const kz::Clock& clock) {
  return kz::to_int(kz::fleet_exit_code(kz::run_antpool(run, clock, std::cout)));
}

// Validates the whole file (and loads every Antpool pool's credentials) before any work,
// then scrapes the selected btcpool.kz pools and collects the Antpool ones.
int run_config(const kz::ScrapeOptions& base, const CliValues& cli, const kz::Clock& clock,
               kz::PageRenderer& renderer) {
  const kz::ScrapeConfig config = kz::load_scrape_config(cli.config);
  for (const std::string& warning : config.warnings) spdlog::warn("{}: {}", cli.config, warning);
  const auto pools = kz::select_pools(config.pools, base.account_name, cli.config);
  if (base.dry_run && pools.size() != 1) {
    throw kz::Error(kz::ExitCode::usage, "--dry-run with --config needs --account NAME");
  }
  std::vector<kz::ScrapeOptions> jobs;
  for (const auto& pool : pools) {
    if (!pool.antpool) jobs.push_back(kz::options_for_pool(base, pool));
  }
  const kz::AntpoolRun antpool{kz::antpool_pools(base, pools, kz::process_environment()),
                               config.antpool};
  if (base.dry_run) {
    if (!antpool.pools.empty()) return run_one_antpool(antpool, clock);
    kz::CurlTransport transport(jobs.front().http);
    kz::ScrapeJob(jobs.front(), transport, clock, kz::terminable_sleeper(), &renderer)
        .run(std::cout);
    return 0;
  }
  std::vector<kz::PoolOutcome> outcomes;
  if (!jobs.empty()) {
    outcomes = kz::scrape_fleet(
        jobs, cli.concurrency,
        [](const kz::HttpOptions& http) { return std::make_unique<kz::CurlTransport>(http); },
        clock, kz::terminable_sleeper(), &renderer);
  }
  for (auto& outcome : kz::run_antpool(antpool, clock, std::cout)) {
    outcomes.push_back(std::move(outcome));
  }
  report_fleet(outcomes);
  return kz::to_int(kz::fleet_exit_code(outcomes));
}

}  // namespace

// SIGINT/SIGTERM stop the run's waiting (fetch, backoff, render); the run is recorded as failed,
// "terminated by SIGTERM", and then the process ends by that signal (status 128 + N).
int main(int argc, char** argv) {
  kz::install_termination_handlers();
  CLI::App app{
      "kzscrape: fetch btcpool.kz observer pages and Antpool accounts into the local SQLite "
      "cache"};
  kz::ScrapeOptions options;
  CliValues cli;
  add_options(app, options, cli);
  const int code = kz::run_cli(app, argc, argv, "kzscrape", options.api.key, [&] {
    kz::init_logging("kzscrape", cli.log);
    finish_options(options, cli);
    kz::SystemClock clock;
    kz::ChromiumOptions chromium;
    chromium.binary = cli.chromium;
    chromium.max_dom_bytes = options.http.max_body_bytes;
    kz::ChromiumRenderer renderer(chromium);
    if (cli.source == "antpool") {
      return run_one_antpool(kz::antpool_run_from_cli(options, cli.account, cli.antpool), clock);
    }
    if (!cli.config.empty()) return run_config(options, cli, clock, renderer);
    kz::CurlTransport transport(options.http);
    kz::ScrapeJob job(options, transport, clock, kz::terminable_sleeper(), &renderer);
    job.run(std::cout);
    return 0;
  });
  if (const int signal = kz::termination_signal(); signal != 0) kz::die_of_signal(signal);
  return code;
}
