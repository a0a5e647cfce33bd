#include "upload/upload_job.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/cache.hpp"
#include "common/error.hpp"
#include "upload/pending_rows.hpp"
#include "upload/pool_selection.hpp"
#include "upload/postgrest_client.hpp"
#include "upload/row_mapping.hpp"

namespace kz {
namespace {

struct Context {
  const UploadOptions& options;
  PendingRows& pending;
  PostgrestClient& client;
  UploadSummary& summary;
  bool mark;  // false on a dry run
};

void send(Context& c, const char* table, const char* on_conflict, const Batch& batch,
          Resolution resolution = Resolution::merge_duplicates) {
  if (batch.replaced() > 0) {
    spdlog::warn("{}: {} row(s) of a batch share a key with a later row and were left out", table,
                 batch.replaced());
  }
  c.client.upsert(table, on_conflict, batch.body(), batch.size(), resolution);
}

void upload_hashrates(Context& c) {
  const std::string& account = c.options.labels.account;
  for (int64_t after = 0;;) {
    const auto snapshots = c.pending.snapshots_after(after, c.options.batch_size);
    if (snapshots.empty()) break;
    Batch batch;
    for (const SnapshotRow& snapshot : snapshots) {
      batch.add(snapshot.scraped_at, hashrate_row(account, snapshot));
    }
    send(c, "hashrates", "account_name,timestamp", batch);
    c.summary.hashrates += batch.size();
    after = snapshots.back().id;
  }
}

// Devices Supabase may not know yet are first inserted with created_at, as
// ignore-duplicates so that an existing row keeps its created_at; then every
// device is upserted without created_at.
void upload_devices(Context& c) {
  const AccountLabels& labels = c.options.labels;
  for (;;) {
    const auto devices = c.pending.next_devices(c.options.batch_size);
    if (devices.empty()) break;
    Batch fresh;
    Batch all;
    for (const DeviceState& device : devices) {
      const std::string id = device_id(labels.account, device.name);
      if (device.is_new) fresh.add(id, device_row(labels, device, true));
      all.add(id, device_row(labels, device, false));
    }
    if (!fresh.empty()) {
      send(c, "devices", "device_id", fresh, Resolution::ignore_duplicates);
      c.summary.new_devices += fresh.size();
    }
    send(c, "devices", "device_id", all);
    c.summary.devices += all.size();
  }
}

void upload_income(Context& c) {
  for (std::string after;;) {
    const auto days = c.pending.income_after(after, c.options.batch_size);
    if (days.empty()) break;
    Batch batch;
    for (const IncomeDay& day : days)
      batch.add(day.date, income_row(c.options.labels.account, day));
    send(c, "income_tracking", "account_name,date", batch);
    if (c.mark) c.pending.mark_income_uploaded(days);
    c.summary.income += batch.size();
    after = days.back().date;
  }
}

void upload_alerts(Context& c) {
  const std::string& account = c.options.labels.account;
  for (int64_t after = 0;;) {
    const auto alerts = c.pending.alerts_after(after, c.options.batch_size);
    if (alerts.empty()) break;
    Batch batch;
    for (const AlertState& alert : alerts) {
      batch.add(alert_key(account, alert), alert_row(account, alert));
    }
    send(c, "alerts", "alert_key", batch);
    if (c.mark) c.pending.mark_alerts_uploaded(alerts);
    c.summary.alerts += batch.size();
    after = alerts.back().id;
  }
}

void upload_payments(Context& c) {
  for (std::string after;;) {
    const auto payments = c.pending.payments_after(after, c.options.batch_size);
    if (payments.empty()) break;
    Batch batch;
    for (const PaymentState& payment : payments) {
      batch.add(payment.payment_id, payment_row(c.options.labels.account, payment));
    }
    send(c, "payments", "payment_id", batch);
    if (c.mark) c.pending.mark_payments_uploaded(payments);
    c.summary.payments += batch.size();
    after = payments.back().payment_id;
  }
}

}  // namespace

UploadSummary UploadJob::run(std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  if (!std::filesystem::exists(options_.db_path)) {
    throw Error(ExitCode::cache_failed,
                "cache " + options_.db_path + " does not exist; run kzscrape first (or pass --db)");
  }
  Cache cache(options_.db_path);
  if (options_.skip_unknown_pool &&
      !pool_in_cache(cache, options_.labels.account, options_.observer_url)) {
    spdlog::info("{}: not in the cache yet, nothing to upload", options_.labels.account);
    return {};
  }
  const int64_t pool_id =
      resolve_pool(cache, options_.labels.account, options_.observer_url, !options_.dry_run);
  PendingRows pending(cache, pool_id);
  UploadSummary summary;
  if (!pending.has_snapshots() && !pending.has_income() && !pending.has_alerts() &&
      !pending.has_payments()) {
    spdlog::info("nothing to upload for {}", options_.labels.account);
    return summary;
  }

  PostgrestConfig config;
  config.base_url = options_.dry_run && options_.supabase_url.empty()
                        ? "https://<project>.supabase.co"
                        : normalize_supabase_url(options_.supabase_url);
  config.service_key = options_.service_key;
  config.http = options_.http;
  config.http.total_timeout = options_.request_timeout;
  config.deadline = options_.deadline.value_or(started + options_.timeout);
  PostgrestClient client(config, transport_, sleeper_, options_.dry_run ? &out : nullptr);
  Context context{options_, pending, client, summary, !options_.dry_run};

  try {
    Batch account;
    account.add(options_.labels.account, account_row(options_.labels, pending.newest_snapshot()));
    send(context, "accounts", "account_name", account);
    summary.accounts = 1;
    upload_hashrates(context);
    upload_devices(context);
    // A snapshot is done once both its hashrate row and its devices are in.
    if (context.mark) pending.mark_snapshots_uploaded(format_utc(clock_.now()));
    upload_income(context);
    upload_alerts(context);
    upload_payments(context);
  } catch (...) {
    summary.requests = client.requests();
    spdlog::debug(
        "before the failure: {} request(s); hashrates {}, devices {}, income {}, alerts {}",
        summary.requests, summary.hashrates, summary.devices, summary.income, summary.alerts);
    throw;
  }
  summary.requests = client.requests();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  spdlog::info(
      "{}{}: accounts 1, hashrates {}, devices {} ({} new), income_tracking {}, alerts {}{}"
      " in {} request(s), {} ms",
      options_.dry_run ? "dry run, nothing sent for " : "uploaded ", options_.labels.account,
      summary.hashrates, summary.devices, summary.new_devices, summary.income, summary.alerts,
      summary.payments ? ", payments " + std::to_string(summary.payments) : "", summary.requests,
      took.count());
  return summary;
}

}  // namespace kz
