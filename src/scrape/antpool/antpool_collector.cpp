#include "scrape/antpool/antpool_collector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/cache.hpp"
#include "common/logging.hpp"
#include "common/sha256.hpp"
#include "common/termination.hpp"
#include "scrape/alerts/alert_store.hpp"
#include "scrape/antpool/antpool_fetch.hpp"
#include "scrape/antpool/antpool_store.hpp"
#include "scrape/antpool/call_budget.hpp"
#include "scrape/antpool/tier_plan.hpp"
#include "scrape/antpool/tier_schedule.hpp"
#include "scrape/page_json.hpp"
#include "scrape/plausibility.hpp"
#include "scrape/run_recorder.hpp"

namespace kz {
namespace {

constexpr int kTransientAccountsInARow = 3;

// One account's part of the run: what its tiers fetched, until it is recorded.
struct AccountRun {
  const AntpoolPool* pool = nullptr;
  int64_t pool_id = -1;              // -1: not in the cache (a dry run's new account)
  std::array<bool, 5> due{};         // by tier number
  std::optional<ObserverPage> page;  // tier 1's summary, the workers of tier 2 or 3 added
  std::optional<DailyFetch> daily;
  std::vector<Tier> served;
  std::optional<Error> failure;  // with a page: a lower tier failed (the page is still stored)
  int offline_kept = 0;          // calls kept aside for its tier 3 until the tier-2 step

  bool active() const { return page && !failure; }
  bool is_due(Tier tier) const { return due[static_cast<size_t>(tier)]; }
};

class Collector {
 public:
  Collector(const std::vector<AntpoolPool>& pools, const AntpoolSettings& settings,
            HttpTransport& transport, const Clock& clock, const Sleeper& sleeper)
      : settings_(settings),
        clock_(clock),
        dry_run_(pools.front().options.dry_run),
        cache_(pools.front().options.db_path),
        budget_(cache_, settings.budget_calls, settings.budget_window, clock),
        schedule_(cache_, settings_),
        client_(settings.url, transport, pools.front().options.http, sleeper, budget_),
        store_(cache_),
        started_(clock.now()) {
    for (const AntpoolPool& pool : pools) {
      runs_.emplace_back();
      runs_.back().pool = &pool;
    }
  }

  std::vector<PoolOutcome> run(std::ostream& out) {
    find_pools();
    for (AccountRun& run : runs_) serve_overview(run);
    serve_pool_stats();
    for (AccountRun& run : runs_) serve_offline(run);
    for (AccountRun& run : runs_) serve_workers(run);
    for (AccountRun& run : runs_) serve_daily(run);
    if (!deferred_.empty()) {
      spdlog::warn("antpool: {}", deferred_.line(budget_.remaining(), settings_.budget_calls,
                                                 settings_.budget_window));
    }
    std::vector<PoolOutcome> outcomes;
    for (AccountRun& run : runs_) outcomes.push_back(dry_run_ ? outcome_of(run) : record(run));
    if (dry_run_) print(out);
    return outcomes;
  }

 private:
  // Each account's pool row (created, unless a dry run) and its due tiers.
  void find_pools() {
    for (AccountRun& run : runs_) {
      const AntpoolAccount& account = run.pool->account;
      try {
        if (dry_run_) {
          SQLite::Statement find(cache_.db(), "SELECT id FROM pool WHERE observer_url_sha256 = ?");
          find.bind(1, sha256_hex(account.identity()));
          if (find.executeStep()) run.pool_id = find.getColumn(0).getInt64();
        } else {
          RunRecorder recorder(cache_, identity(run));
          cache_.write_transaction([&] { run.pool_id = recorder.pool_id(started_); });
        }
        for (Tier tier : {Tier::overview, Tier::workers, Tier::offline, Tier::daily}) {
          run.due[static_cast<size_t>(tier)] = schedule_.due(run.pool_id, tier, started_);
        }
      } catch (const Error& e) {
        run.failure = e;
        run.pool_id = -1;
      } catch (const SQLite::Exception&) {
        cache_.rethrow_as_cache_error("finding the Antpool accounts' pools");
      }
    }
  }

  static bool served(const AccountRun& run, Tier tier) {
    return std::find(run.served.begin(), run.served.end(), tier) != run.served.end();
  }

  RunIdentity identity(const AccountRun& run) const {
    const AntpoolPool& pool = *run.pool;
    return {pool.account.identity(), pool.account.account_name, pool.options.thresholds,
            pool.options.page_utc_offset, served(run, Tier::daily) ? pool.options.retain_days : 0};
  }

  // Runs `fetch` for `run`'s `tier` when the budget covers `estimate` calls; `fetch` stores
  // into `run` only once everything it needed arrived. A tier that does not fit, or whose
  // slots another process took, is deferred, and so is every tier after it in the order 1, 3,
  // 2, 4 for every account; a deferred tier 1 fails the account (exit 3). A tier that can never
  // fit gets its own line (never_fits) and is skipped. An error fails the account; what its
  // earlier tiers fetched is still recorded.
  void serve(AccountRun& run, Tier tier, int estimate, const std::function<void()>& fetch) {
    if (run.failure) return;
    if (never_fits(run, tier, estimate)) return;
    if (tier_priority(tier) > deferred_priority_) {
      defer(run, tier);
      return;
    }
    if (const int signal = termination_signal(); signal != 0) {
      run.failure = Error(ExitCode::fetch_failed, terminated_by(signal) + " before it started");
      return;
    }
    if (skipping_) {
      // An account served before keeps what it has; its later tiers wait for the next run.
      if (run.page) return;
      run.failure = Error(ExitCode::fetch_failed, "skipped: Antpool failed for " +
                                                      std::to_string(kTransientAccountsInARow) +
                                                      " accounts in a row");
      return;
    }
    try {
      if (budget_.remaining() - kept_for_offline_ < estimate) {
        throw BudgetExhausted("no budget left");
      }
      fetch();
      run.served.push_back(tier);
      transient_in_a_row_ = 0;
    } catch (const BudgetExhausted&) {
      deferred_priority_ = std::min(deferred_priority_, tier_priority(tier));
      defer(run, tier);
    } catch (const Error& e) {
      run.failure = tier == Tier::overview ? e : tier_failure(tier, e);
      transient_in_a_row_ = e.code() == ExitCode::fetch_failed ? transient_in_a_row_ + 1 : 0;
      skipping_ = transient_in_a_row_ >= kTransientAccountsInARow;
    }
  }

  // Counts `tier` of `run` as deferred; tier 1 deferred fails the account, so that the run is
  // recorded as failed and repeated deferrals open scrape_failed.
  void defer(AccountRun& run, Tier tier) {
    deferred_.add(tier);
    if (tier != Tier::overview) return;
    run.failure = tier1_deferred_error(settings_.budget_calls - budget_.remaining(),
                                       settings_.budget_calls, settings_.budget_window);
  }

  // A lower tier's error, naming the tier (its message names the endpoint and the account).
  static Error tier_failure(Tier tier, const Error& e) {
    return Error(e.code(), "tier " + std::to_string(static_cast<int>(tier)) + ": " + e.what());
  }

  // True when tier 2, 3 or 4 of `run` needs more calls than a window holds beside every
  // account's tier 1 and poolStats.htm: it would be deferred forever, so it is skipped with a
  // line saying what to change (once per run and account).
  bool never_fits(const AccountRun& run, Tier tier, int estimate) const {
    const auto line = never_fits_line(tier, run.pool->account.account_name, estimate,
                                      settings_.budget_calls, static_cast<int>(runs_.size()));
    if (line) spdlog::warn("antpool: {}", *line);
    return line.has_value();
  }

  void serve_overview(AccountRun& run) {
    serve(run, Tier::overview, 1, [&] { run.page = fetch_overview(client_, run.pool->account); });
  }

  void serve_pool_stats() {
    for (const AccountRun& run : runs_) {
      if (!run.active()) continue;
      try {
        if (budget_.remaining() < 1) return;
        pool_stats_ = fetch_pool_stats(client_, run.pool->account);
        if (!dry_run_) {
          const TimePointMs now = clock_.now_ms();
          cache_.write_transaction([&] { store_.insert_pool_stats(*pool_stats_, now, "BTC"); });
        }
      } catch (const Error& e) {
        spdlog::warn("antpool: poolStats.htm: {}", e.what());
      }
      return;
    }
  }

  // Tier 3 serves accounts with a problem whose full list (tier 2) is not due.
  bool has_problem(const AccountRun& run) {
    if (run.page->offline_workers > 0) return true;
    if (run.pool_id < 0) return false;
    AlertStore alerts(cache_);
    for (const OpenAlert& alert : alerts.open_alerts(run.pool_id)) {
      const std::string& type = alert.key.type;
      if (type == "offline_workers" || type == "worker_offline" || type == "hashrate_drop") {
        return true;
      }
    }
    return false;
  }

  void serve_workers_of(AccountRun& run, WorkerList which) {
    const bool offline = which == WorkerList::offline;
    const int64_t count =
        offline ? run.page->offline_workers : run.page->online_workers + run.page->offline_workers;
    const Tier tier = offline ? Tier::offline : Tier::workers;
    serve(run, tier, estimate_calls(tier, count, settings_.worker_page_size), [&] {
      int skipped = 0;
      std::vector<WorkerRow> workers =
          fetch_workers(client_, run.pool->account, which, settings_.worker_page_size, skipped);
      run.page->workers = std::move(workers);
      run.page->skipped_rows += skipped;
      run.page->worker_list = which;
    });
  }

  // Tier 3 for accounts with a problem. One whose whole list (tier 2) is due too waits for the
  // tier-2 step with its tier-3 calls kept aside, and gets the offline list there only when its
  // whole list does not fit.
  void serve_offline(AccountRun& run) {
    if (!run.active() || !run.is_due(Tier::offline) || !has_problem(run)) return;
    if (!run.is_due(Tier::workers)) {
      serve_workers_of(run, WorkerList::offline);
      return;
    }
    run.offline_kept =
        estimate_calls(Tier::offline, run.page->offline_workers, settings_.worker_page_size);
    kept_for_offline_ += run.offline_kept;
  }

  void serve_workers(AccountRun& run) {
    const int offline_kept = std::exchange(run.offline_kept, 0);
    kept_for_offline_ -= offline_kept;
    if (!run.active() || !run.is_due(Tier::workers)) return;
    const int64_t workers = run.page->online_workers + run.page->offline_workers;
    const int estimate = estimate_calls(Tier::workers, workers, settings_.worker_page_size);
    const bool never = offline_kept > 0 && never_fits(run, Tier::workers, estimate);
    if (offline_kept > 0 && (never || budget_.remaining() - kept_for_offline_ < estimate)) {
      // Its offline list instead; the whole list waits (or never fits, said once above).
      if (!never) {
        deferred_priority_ = std::min(deferred_priority_, tier_priority(Tier::workers));
        deferred_.add(Tier::workers);
      }
      serve_workers_of(run, WorkerList::offline);
      return;
    }
    serve_workers_of(run, WorkerList::all);
  }

  void serve_daily(AccountRun& run) {
    if (!run.active() || !run.is_due(Tier::daily)) return;
    serve(run, Tier::daily, estimate_calls(Tier::daily, 0, settings_.payment_page_size), [&] {
      std::optional<std::string> newest_date;
      std::optional<int64_t> newest_payment;
      if (run.pool_id >= 0) {
        newest_date = store_.newest_income_date(run.pool_id);
        newest_payment = store_.newest_payment_unix(run.pool_id);
      }
      run.daily = fetch_daily(client_, run.pool->account, settings_.payment_page_size, newest_date,
                              newest_payment);
      run.page->income = run.daily->income;
      run.page->payments = run.daily->payments;
    });
  }

  PoolOutcome outcome_of(const AccountRun& run) const {
    PoolOutcome outcome{run.pool->account.account_name, ExitCode::ok, ""};
    if (run.failure) {
      outcome.code = run.failure->code();
      outcome.error = run.failure->what();
      const LogPoolScope scope(outcome.account_name);
      spdlog::error("{}", outcome.error);
    }
    return outcome;
  }

  // The account's run in one transaction: snapshot (or failure), alerts, run row, its tiers'
  // due times, its balance and retention.
  // A lower tier's failure keeps the snapshot of the tiers before it (the run row holds both;
  // outcome 'ok'), and the failed tier stays due.
  PoolOutcome record(AccountRun& run) {
    if (run.pool_id < 0) return outcome_of(run);
    RunResult result{started_, std::nullopt, run.failure};
    if (run.page) {
      try {
        check_plausible(*run.page);
        result.page = std::move(*run.page);
      } catch (const Error& e) {
        run.failure = result.failure = e;
      }
    }
    RunRecorder recorder(cache_, identity(run));
    try {
      const TimePointMs now_ms = clock_.now_ms();
      const TimePoint now = std::chrono::floor<std::chrono::seconds>(now_ms);
      cache_.write_transaction([&] {
        const int64_t pool_id = recorder.record(result, now_ms, clock_.now());
        store_.mark_antpool(pool_id);
        if (!result.page) return;
        for (Tier tier : run.served) schedule_.mark_run(pool_id, tier, started_);
        // The whole list holds the offline workers too.
        if (served(run, Tier::workers)) schedule_.mark_run(pool_id, Tier::offline, started_);
        if (run.daily) {
          store_.insert_balance(pool_id, run.daily->balance, now);
          store_.prune_call_log(now - std::chrono::days{settings_.call_log_retain_days});
        }
      });
      recorder.log_committed(result);
    } catch (const Error& e) {
      run.failure = e;
    }
    return outcome_of(run);
  }

  void print(std::ostream& out) const {
    nlohmann::json accounts = nlohmann::json::object();
    for (const AccountRun& run : runs_) {
      const std::string& name = run.pool->account.account_name;
      if (run.failure) {
        accounts[name] = {{"error", run.failure->what()}};
      } else if (run.page) {
        accounts[name] = page_to_json(*run.page);
      } else {
        accounts[name] = {{"deferred", true}};
      }
    }
    nlohmann::json printed = {{"accounts", accounts}};
    if (pool_stats_) {
      printed["pool_stats"] = {{"pool_hashrate_hs", pool_stats_->pool_hashrate_hs},
                               {"pool_status", pool_stats_->pool_status},
                               {"network_difficulty", pool_stats_->network_difficulty}};
    }
    out << printed.dump(1) << '\n';
  }

  const AntpoolSettings& settings_;
  const Clock& clock_;
  bool dry_run_;
  Cache cache_;
  CallBudget budget_;
  TierSchedule schedule_;
  AntpoolClient client_;
  AntpoolStore store_;
  TimePoint started_;
  std::vector<AccountRun> runs_;
  DeferredTiers deferred_;
  std::optional<PoolStats> pool_stats_;
  int transient_in_a_row_ = 0;
  int kept_for_offline_ = 0;   // calls kept aside for tier 3 of accounts whose tier 2 is due
  int deferred_priority_ = 4;  // tier_priority() of the first tier deferred; later ones wait too
  bool skipping_ = false;
};

}  // namespace

std::vector<PoolOutcome> collect_antpool(const std::vector<AntpoolPool>& pools,
                                         const AntpoolSettings& settings, HttpTransport& transport,
                                         const Clock& clock, const Sleeper& sleeper,
                                         std::ostream& out) {
  if (pools.empty()) return {};
  Collector collector(pools, settings, transport, clock, sleeper);
  return collector.run(out);
}

}  // namespace kz
