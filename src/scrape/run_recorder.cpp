#include "scrape/run_recorder.hpp"

#include <spdlog/spdlog.h>

#include "common/logging.hpp"
#include "common/url_text.hpp"
#include "scrape/alerts/alert_store.hpp"
#include "scrape/snapshot_store.hpp"
#include "scrape/unrecorded_runs.hpp"

namespace kz {

std::string RunRecorder::label() const {
  return identity_.account_name.value_or(redacted_url(identity_.observer_url));
}

int64_t RunRecorder::pool_id(TimePoint now) {
  SnapshotStore snapshots(cache_);
  return snapshots.ensure_pool(identity_.observer_url, identity_.account_name, now);
}

int64_t RunRecorder::record(const RunResult& run, TimePointMs now_ms, TimePoint finished,
                            const std::vector<UnrecordedFailure>& earlier) {
  SnapshotStore snapshots(cache_);
  AlertStore alerts(cache_);
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(now_ms);
  const int64_t pool_id =
      snapshots.ensure_pool(identity_.observer_url, identity_.account_name, now);
  record_unrecorded_runs(cache_, snapshots, pool_id, earlier);
  RuleContext context;
  if (run.page) {
    context.page = &*run.page;
    alerts.load_history(pool_id, now, identity_.thresholds, context);
  } else {
    context.consecutive_failures = snapshots.failed_runs_in_a_row(pool_id) + 1;
    context.last_error = run.failure ? run.failure->what() : "";
  }
  const std::vector<OpenAlert> open = alerts.open_alerts(pool_id);
  changes_ = plan_alert_changes(open, evaluate_rules(context, open, identity_.thresholds));

  std::optional<int64_t> snapshot_id;
  if (run.page) {
    snapshot_id = snapshots.insert_snapshot(pool_id, *run.page, now_ms, identity_.page_utc_offset);
    if (identity_.retain_days > 0) {
      snapshots.prune_worker_samples(pool_id, now_ms - std::chrono::days{identity_.retain_days});
    }
  }
  alerts.apply(pool_id, changes_, now);
  snapshots.insert_run(pool_id, run.started, finished,
                       run.failure ? to_int(run.failure->code()) : 0,
                       run.failure ? run.failure->what() : "", snapshot_id);
  return pool_id;
}

void RunRecorder::log_committed(const RunResult& run,
                                const std::vector<UnrecordedFailure>& earlier) const {
  const LogPoolScope scope(label());
  for (const auto& noted : earlier) spdlog::warn("{}", unrecorded_run_error(noted));
  for (const AlertChange& change : changes_) {
    if (change.action == AlertAction::update) continue;
    spdlog::warn("alert {} {}{}{}: {}", change.action == AlertAction::open ? "opened" : "resolved",
                 change.key.type, change.key.subject.empty() ? "" : " ", change.key.subject,
                 change.message);
  }
  if (!run.page) return;
  const ObserverPage& page = *run.page;
  if (page.skipped_rows > 0) {
    spdlog::warn(
        "skipped {} table rows that were cut off, did not parse, or repeated a worker "
        "or a day",
        page.skipped_rows);
  }
  if (page.worker_list == WorkerList::all && !page.workers_complete()) {
    spdlog::warn(
        "the workers table lists {} workers, the cards count {}; the snapshot is "
        "marked incomplete",
        page.workers.size(), page.online_workers + page.offline_workers);
  }
  spdlog::info("stored snapshot: {} online, {} offline, {} workers listed, {} income days",
               page.online_workers, page.offline_workers, page.workers.size(), page.income.size());
}

}  // namespace kz
