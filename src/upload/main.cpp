#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/cli_main.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/pool_config.hpp"
#include "common/secret_file.hpp"
#include "upload/connection_check.hpp"
#include "upload/pool_uploads.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/upload_job.hpp"

namespace {

struct CliValues {
  std::string client, company, country, site, observer_url, key_file, config;
  double timeout_s = 180;
  double lock_wait_s = 60;
  std::size_t max_request_kb = 256;
  kz::LogOptions log;
  bool check = false;
};

void add_options(CLI::App& app, kz::UploadOptions& options, CliValues& cli) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--account", options.labels.account,
                 "Account name in Supabase, and the label of the pool in the cache; with "
                 "--config: upload just this pool");
  app.add_option("--config", cli.config,
                 "Upload every enabled pool of this pools file (default: $KZ_CONFIG when "
                 "--account is not given)");
  app.add_option("--client", cli.client, "Client (accounts.group_name)");
  app.add_option("--company", cli.company, "Company (accounts.company)");
  app.add_option("--country", cli.country, "Country (devices.location)");
  app.add_option("--site", cli.site, "Site (accounts.site, devices.site)");
  app.add_option("--db", options.db_path, "SQLite cache file written by kzscrape")
      ->capture_default_str();
  app.add_option("--observer-url", cli.observer_url,
                 "Bind the unlabelled pool with this observer URL to --account");
  app.add_option("--key-file", cli.key_file,
                 "Read the service key from this file instead of $SUPABASE_SERVICE_KEY");
  app.add_option("--batch-size", options.batch_size, "Rows per request")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--max-request-kb", cli.max_request_kb,
                 "Largest request body in KiB; keep it under the limit of any proxy in front of "
                 "Supabase (an HTTP 413 halves it for the rest of the run)")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  app.add_option("--lock-wait", cli.lock_wait_s,
                 "Seconds to wait while another kzupload uploads from the same cache, then exit 75")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_flag("--retry-rejected", options.retry_rejected,
               "Send again the rows Supabase refused in earlier runs (v_upload_rejected), after a "
               "fix");
  app.add_option("--timeout", cli.timeout_s, "Seconds the whole upload may take, retries included")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  app.add_flag("--dry-run", options.dry_run,
               "Print the requests it would send (key redacted); send and change nothing");
  kz::add_common_options(app, "kzupload", cli.log);
  app.add_flag("--check", cli.check,
               "Test SUPABASE_URL, the key, the tables and their unique keys, then exit; needs no "
               "cache");
}

std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

void finish_options(kz::UploadOptions& options, CliValues& cli) {
  if (cli.config.empty() && options.labels.account.empty()) {
    if (const char* config = std::getenv("KZ_CONFIG")) cli.config = config;
  }
  if (cli.config.empty() && trimmed(options.labels.account).empty()) {
    throw kz::Error(kz::ExitCode::usage, "give --account NAME (or --config pools.json)");
  }
  const bool labels = !cli.client.empty() || !cli.company.empty() || !cli.country.empty() ||
                      !cli.site.empty() || !cli.observer_url.empty();
  if (!cli.config.empty() && labels) {
    throw kz::Error(kz::ExitCode::usage,
                    "with --config the pools file gives client, company, country, site and "
                    "observer URL; drop those options");
  }
  options.labels.client = non_empty(cli.client);
  options.labels.company = non_empty(cli.company);
  options.labels.country = non_empty(cli.country);
  options.labels.site = non_empty(cli.site);
  options.observer_url = non_empty(cli.observer_url);
  if (const char* url = std::getenv("SUPABASE_URL")) options.supabase_url = trimmed(url);
  if (!cli.key_file.empty()) {
    options.service_key = kz::read_secret_file(cli.key_file, "--key-file");
  } else if (const char* key = std::getenv("SUPABASE_SERVICE_KEY")) {
    options.service_key = trimmed(key);
  }
  if (!options.dry_run && options.supabase_url.empty()) {
    throw kz::Error(kz::ExitCode::usage, "SUPABASE_URL is not set (https://<project>.supabase.co)");
  }
  if (!options.supabase_url.empty()) {
    options.supabase_url = kz::normalize_supabase_url(options.supabase_url);
  }
  if (!options.dry_run && options.service_key.empty()) {
    throw kz::Error(kz::ExitCode::usage,
                    "no service key: set SUPABASE_SERVICE_KEY or pass --key-file FILE");
  }
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(cli.timeout_s * 1000));
  options.lock_wait = std::chrono::milliseconds(static_cast<int64_t>(cli.lock_wait_s * 1000));
  options.max_request_bytes = cli.max_request_kb * 1024;
  options.request_timeout = std::min(options.request_timeout, options.timeout);
  options.http.connect_timeout = std::min(options.http.connect_timeout, options.timeout);
  options.http.max_retries = 6;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kzupload: upsert the SQLite cache written by kzscrape into Supabase"};
  kz::UploadOptions options;
  CliValues cli;
  add_options(app, options, cli);
  return kz::run_cli(app, argc, argv, "kzupload", options.service_key, [&] {
    kz::init_logging("kzupload", cli.log);
    if (cli.check)
      return kz::to_int(kz::run_connection_check(cli.key_file, options.http, std::cout));
    finish_options(options, cli);
    kz::CurlTransport transport(options.http);
    kz::SystemClock clock;
    if (!cli.config.empty()) {
      std::optional<std::string> account;
      if (!options.labels.account.empty()) account = options.labels.account;
      const auto pools = kz::select_pools(kz::load_pool_config(cli.config), account, cli.config);
      return kz::to_int(
          kz::upload_pools(options, pools, transport, clock, kz::real_sleeper(), std::cout));
    }
    kz::UploadJob job(options, transport, clock, kz::real_sleeper());
    job.run(std::cout);
    return 0;
  });
}
