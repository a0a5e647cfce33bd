#include "scrape/antpool/antpool_cli.hpp"

#include "common/error.hpp"
#include "common/http.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"
#include "scrape/antpool/antpool_config.hpp"
#include "scrape/antpool/antpool_credentials.hpp"

namespace kz {

void add_antpool_options(CLI::App& app, AntpoolCliValues& values) {
  const char* group = "Antpool (--source antpool, one account; many: --config)";
  app.add_option("--antpool-user-id", values.user_id,
                 "Antpool account name that owns the API key (not the e-mail)")
      ->group(group);
  app.add_option("--antpool-credentials", values.credentials,
                 "JSON file {\"key\": ..., \"secret\": ...}, mode 0600, owned by you")
      ->group(group);
  app.add_option("--antpool-url", values.url, "Base URL of the Antpool API")
      ->default_str(AntpoolSettings().url)
      ->group(group);
  app.add_option("--antpool-sub-account", values.sub_account,
                 "Sub-account to read, when not the user id's own")
      ->group(group);
}

bool any_antpool_option(const AntpoolCliValues& values) {
  return !values.user_id.empty() || !values.credentials.empty() || !values.url.empty() ||
         !values.sub_account.empty();
}

void check_antpool_source(const std::string& source, const std::string& config,
                          const std::string& url, const AntpoolCliValues& values) {
  if (source != "antpool") {
    if (any_antpool_option(values)) {
      throw Error(ExitCode::usage, "the --antpool-* options need --source antpool");
    }
    return;
  }
  if (!config.empty()) {
    throw Error(ExitCode::usage,
                "--source antpool runs one account; with --config give Antpool pools "
                "\"source\": \"antpool\" in the file");
  }
  if (!url.empty()) throw Error(ExitCode::usage, "--source antpool takes no --url");
}

namespace {

void check_name(const std::string& name, const char* option) {
  if (name.find_first_of("/ \t\r\n") != std::string::npos) {
    throw Error(ExitCode::usage, std::string(option) + " must not hold '/' or spaces");
  }
}

}  // namespace

AntpoolRun antpool_run_from_cli(const ScrapeOptions& base, const std::string& account,
                                const AntpoolCliValues& values) {
  if (account.empty()) {
    throw Error(ExitCode::usage, "--source antpool needs --account NAME (e.g. antpool_001)");
  }
  if (values.user_id.empty()) {
    throw Error(ExitCode::usage,
                "--source antpool needs --antpool-user-id (the account name "
                "that owns the API key, not the e-mail)");
  }
  if (values.credentials.empty()) {
    throw Error(ExitCode::usage,
                "--source antpool needs --antpool-credentials FILE (JSON {\"key\": ..., "
                "\"secret\": ...}, mode 0600)");
  }
  check_name(values.user_id, "--antpool-user-id");
  check_name(values.sub_account, "--antpool-sub-account");
  AntpoolRun run;
  if (!values.url.empty()) {
    const auto url = antpool_base_url(values.url);
    if (!url) {
      throw Error(ExitCode::usage,
                  "--antpool-url '" + redacted_url(values.url) + "' is not an http(s):// URL");
    }
    run.settings.url = *url;
  }
  AntpoolPool pool;
  pool.account.account_name = account;
  pool.account.user_id = values.user_id;
  if (!values.sub_account.empty()) pool.account.sub_account = values.sub_account;
  pool.options = base;
  pool.options.account_name = account;
  pool.options.observer_url = pool.account.identity();
  pool.account.credentials =
      read_antpool_credentials_file(values.credentials, "--antpool-credentials");
  run.pools.push_back(std::move(pool));
  return run;
}

std::vector<AntpoolPool> antpool_pools(const ScrapeOptions& base,
                                       const std::vector<PoolConfig>& pools, const EnvLookup& env) {
  std::vector<AntpoolPool> result;
  for (const PoolConfig& pool : pools) {
    if (!pool.antpool) continue;
    result.push_back({options_for_pool(base, pool), antpool_account(pool, env)});
  }
  return result;
}

std::vector<PoolOutcome> run_antpool(const AntpoolRun& run, const Clock& clock, std::ostream& out) {
  if (run.pools.empty()) return {};
  CurlTransport transport(run.pools.front().options.http);
  return collect_antpool(run.pools, run.settings, transport, clock, terminable_sleeper(), out);
}

}  // namespace kz
