#include "notify/notify_run.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "notify/daily_summary.hpp"
#include "notify/delivery_planner.hpp"
#include "notify/local_time.hpp"
#include "notify/message_format.hpp"
#include "notify/mute_store.hpp"
#include "notify/notify_store.hpp"
#include "notify/send_attempts.hpp"
#include "notify/summary_charts.hpp"

namespace kz {

namespace {

using Outcome = DeliveryResult::Outcome;

constexpr std::chrono::hours kRefusedBackoff{1};

// --dry-run: prints each message instead of sending it, and confirms it, so that the run goes
// through every step; the caller rolls the cache back afterwards.
class PrintingChannel : public Channel {
 public:
  PrintingChannel(const Destination& destination, std::ostream& out)
      : destination_(destination), out_(out) {}
  DeliveryResult send(const Digest& digest) override {
    out_ << "== " << destination_.name << " (" << destination_.type << ") ==\n"
         << render_text(digest, TextStyle::plain, 100000) << "\n";
    DeliveryResult result;
    result.outcome = Outcome::delivered;
    return result;
  }
  // What Telegram would get; the charts themselves are not drawn (see send_summary_charts).
  bool sends_photos() const override { return destination_.type == "telegram"; }

 private:
  const Destination& destination_;
  std::ostream& out_;
};

DigestEntry entry_of(const PendingDelivery& delivery, const std::string& previous_severity) {
  DigestEntry entry;
  entry.kind = delivery.kind;
  entry.account_name = delivery.account_name;
  entry.source = delivery.source;
  entry.alert_type = delivery.alert_type;
  entry.subject = delivery.subject;
  entry.severity = delivery.severity;
  entry.previous_severity = previous_severity;
  entry.message = delivery.message;
  entry.opened_at = delivery.opened_at;
  entry.at = delivery.at;
  if (delivery.kind == "resolved") {
    entry.lasted =
        std::chrono::duration_cast<std::chrono::seconds>(delivery.at - delivery.opened_at);
  }
  return entry;
}

// One destination's part of run_notify.
class DestinationRun {
 public:
  DestinationRun(Cache& cache, const NotifySettings& settings, const Destination& destination,
                 const ChannelFactory& channels, const Clock& clock, const Sleeper& sleep,
                 TimePoint deadline, const NotifyRunOptions& options, std::ostream& out)
      : cache_(cache),
        store_(cache),
        settings_(settings),
        destination_(destination),
        channels_(channels),
        clock_(clock),
        sleep_(sleep),
        deadline_(deadline),
        options_(options),
        out_(out) {
    outcome_.name = destination.name;
  }

  DestinationOutcome run() {
    try {
      run_steps();
    } catch (const Error& e) {
      outcome_.code = e.code();
      outcome_.error = e.what();
      spdlog::error("{}: {}", destination_.name, outcome_.error);
    }
    try {
      outcome_.pending = store_.pending_count(destination_.name);
    } catch (const std::exception&) {
      outcome_.pending = -1;
    }
    return outcome_;
  }

 private:
  // Cache::write_transaction, or inside --dry-run's outer transaction just the work (it is all
  // rolled back at the end).
  void transact(const std::function<void()>& work) {
    if (options_.dry_run) {
      try {
        work();
      } catch (...) {
        cache_.rethrow_as_cache_error("writing");
      }
    } else {
      cache_.write_transaction(work);
    }
  }

  void run_steps() {
    const TimePoint now = clock_.now();
    DestinationState state;
    transact([&] {
      auto found = store_.destination(destination_.name);
      state = found ? *found : store_.add_destination(destination_, now);
    });
    chat_id_ = state.chat_id.empty() ? destination_.chat_id : state.chat_id;
    if (state.refused_until && *state.refused_until > now) {
      // Not yet greeted: its first message will list what is open then, not this backlog.
      if (state.greeted_at) {
        transact([&] { store_.plan_events(destination_.name, destination_.routing); });
      }
      outcome_.code = ExitCode::notify_refused;
      outcome_.error = state.last_error + " (refused earlier; next attempt after " +
                       format_utc(*state.refused_until) + ", or at once after a successful " +
                       "kznotify --test)";
      spdlog::warn("{}", outcome_.error);
      return;
    }
    const bool sent_ok = state.greeted_at ? send_transitions(now) : greet(now);
    if (sent_ok) send_daily_summary();
  }

  // The first message of a new destination: the alerts open now (not muted). Returns whether
  // the run may go on.
  bool greet(TimePoint now) {
    std::vector<PendingDelivery> open;
    transact([&] {
      store_.skip_to_newest_event(destination_.name);
      MuteStore mutes(cache_);
      for (PendingDelivery& alert : store_.open_alerts(destination_.routing)) {
        if (!mutes.is_muted(alert.account_name, alert.subject, now)) open.push_back(alert);
      }
      if (open.empty()) store_.mark_greeted(destination_.name, {}, now);
    });
    if (open.empty()) return true;
    Digest digest;
    digest.kind = DigestKind::open_now;
    digest.at = now;
    for (const PendingDelivery& alert : open) digest.entries.push_back(entry_of(alert, ""));
    return deliver(digest, open,
                   [&](TimePoint at) { store_.mark_greeted(destination_.name, open, at); });
  }

  bool send_transitions(TimePoint now) {
    std::vector<PendingDelivery> ready;
    Digest digest;
    digest.kind = DigestKind::transitions;
    digest.at = now;
    transact([&] {
      store_.plan_events(destination_.name, destination_.routing);
      PlanContext context;
      context.now = now;
      context.min_duration = settings_.min_duration;
      context.max_per_alert_per_hour = settings_.max_per_alert_per_hour;
      context.sent_last_hour =
          store_.messages_since(destination_.name, now - std::chrono::hours{1});
      context.quiet_hours = settings_.quiet_hours &&
                            in_quiet_hours(*settings_.quiet_hours, local_minutes_of_day(now));
      auto mutes = std::make_shared<MuteStore>(cache_);
      context.muted = [mutes, now](const std::string& pool, const std::string& subject) {
        return mutes->is_muted(pool, subject, now);
      };
      const std::vector<PendingDelivery> pending = store_.pending(destination_.name);
      const std::vector<DeliveryVerdict> verdicts = plan_deliveries(pending, context);
      store_.apply_verdicts(destination_.name, verdicts);
      std::map<int64_t, const PendingDelivery*> by_event;
      for (const PendingDelivery& delivery : pending) by_event[delivery.event_id] = &delivery;
      for (const DeliveryVerdict& verdict : verdicts) {
        if (verdict.state != DeliveryVerdict::State::ready) continue;
        ready.push_back(*by_event.at(verdict.event_id));
        digest.entries.push_back(entry_of(ready.back(), verdict.previous_severity));
      }
    });
    if (ready.empty()) return true;
    return deliver(digest, ready,
                   [&](TimePoint at) { store_.mark_sent(destination_.name, ready, at); });
  }

  void send_daily_summary() {
    const TimePoint now = clock_.now();
    std::optional<Digest> summary;
    transact([&] { summary = due_daily_summary(cache_, destination_, settings_, now); });
    if (!summary) return;
    const bool sent = deliver(*summary, {}, [&](TimePoint at) {
      mark_daily_summary_sent(cache_, destination_.name, *summary, at);
    });
    if (sent && settings_.summary_charts > 0 && channel().sends_photos()) {
      send_summary_charts(*summary);
    }
  }

  // The summary's charts, best effort: any failure (gnuplot missing, a photo refused, the time
  // limit) logs one warning and ends the charts; the run's outcome and the summary stay as
  // they are, and nothing is sent again.
  void send_summary_charts(const Digest& summary) {
    const ReportWindow window = summary_chart_window(clock_.now());
    std::size_t sent = 0;
    std::size_t planned = 0;
    try {
      std::vector<SummaryChartPool> pools =
          pick_summary_chart_pools(cache_.db(), summary, window, settings_.summary_charts);
      planned = pools.size();
      if (pools.empty()) return;
      if (options_.dry_run) {
        out_ << "then " << pools.size() << " chart(s), hashrate over the last 24 h:";
        for (const SummaryChartPool& pool : pools) {
          out_ << " " << pool.pool.account << " (alerts open " << format_duration(pool.alert_time)
               << ")";
        }
        out_ << "\n";
        return;
      }
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline_ - clock_.now());
      if (left.count() < 1) throw Error(ExitCode::notify_failed, "the time limit is reached");
      GnuplotOptions gnuplot;
      gnuplot.timeout_s = static_cast<int>(std::min<int64_t>(left.count(), gnuplot.timeout_s));
      const std::vector<ChartImage> images =
          render_summary_charts(cache_.db(), pools, window, *make_gnuplot_renderer(gnuplot));
      for (const ChartImage& image : images) {
        const DeliveryResult result =
            send_within([&] { return channel().send_photo(image); }, deadline_, clock_, sleep_);
        if (result.migrated_chat_id && *result.migrated_chat_id != chat_id_) {
          follow_migration(result);
        }
        if (result.outcome != Outcome::delivered)
          throw Error(ExitCode::notify_failed, result.error);
        ++sent;
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}: {} of {} chart(s) of the daily summary sent (the summary itself was): {}",
                   destination_.name, sent, planned, e.what());
    }
  }

  Channel& channel() {
    if (!channel_) {
      channel_ = options_.dry_run ? std::make_unique<PrintingChannel>(destination_, out_)
                                  : channels_(destination_, chat_id_);
    }
    return *channel_;
  }

  // Sends one message and records what came of it; `confirmed` writes what the delivery makes
  // true. Returns whether it was delivered.
  bool deliver(const Digest& digest, const std::vector<PendingDelivery>& deliveries,
               const std::function<void(TimePoint)>& confirmed) {
    const DeliveryResult result = send_within(channel(), digest, deadline_, clock_, sleep_);
    if (result.outcome == Outcome::delivered) {
      // The one window where a crash repeats a message: the channel has confirmed it and this
      // commit has not happened yet. Nothing else runs in between, and a repeat is at most
      // this one message (the next run finds its deliveries still pending and sends them again).
      const TimePoint at = clock_.now();
      transact([&] { confirmed(at); });
      ++outcome_.messages;
      outcome_.entries += static_cast<int>(digest.entries.size() + digest.pools.size());
    }
    if (result.migrated_chat_id && *result.migrated_chat_id != chat_id_) follow_migration(result);
    if (result.outcome == Outcome::delivered) return true;
    const TimePoint now = clock_.now();
    if (result.outcome == Outcome::refused) {
      const TimePoint until = now + kRefusedBackoff;
      transact([&] {
        store_.record_failure(destination_.name, deliveries, result.error, now);
        store_.set_refused(destination_.name, until, result.error, now);
      });
      outcome_.code = ExitCode::notify_refused;
      outcome_.error = result.error + " (refused; next attempt after " + format_utc(until) +
                       ", or at once after a successful kznotify --test)";
      spdlog::error("{}", outcome_.error);
      return false;
    }
    transact([&] { store_.record_failure(destination_.name, deliveries, result.error, now); });
    outcome_.code = ExitCode::notify_failed;
    const std::string left = digest.kind == DigestKind::transitions
                                 ? std::to_string(deliveries.size()) + " transitions stay pending"
                             : digest.kind == DigestKind::open_now ? "the greeting is sent next run"
                                                                   : "the summary is sent next run";
    outcome_.error = result.error + "; " + left;
    spdlog::error("{}", outcome_.error);
    return false;
  }

  void follow_migration(const DeliveryResult& result) {
    const std::string old_id = chat_id_;
    chat_id_ = *result.migrated_chat_id;
    transact([&] { store_.set_chat_id(destination_.name, chat_id_); });
    spdlog::warn("{}: Telegram chat id {} -> {} (migrate_to_chat_id); sending there from now on",
                 destination_.name, old_id, chat_id_);
    channel_.reset();
  }

  Cache& cache_;
  NotifyStore store_;
  const NotifySettings& settings_;
  const Destination& destination_;
  const ChannelFactory& channels_;
  const Clock& clock_;
  const Sleeper& sleep_;
  TimePoint deadline_;
  const NotifyRunOptions& options_;
  std::ostream& out_;
  std::string chat_id_;
  std::unique_ptr<Channel> channel_;
  DestinationOutcome outcome_;
};

// --dry-run: one transaction around the whole run, always rolled back.
class RollbackGuard {
 public:
  explicit RollbackGuard(Cache& cache) : cache_(cache) {
    try {
      cache_.db().exec("BEGIN IMMEDIATE");
    } catch (...) {
      cache_.rethrow_as_cache_error("starting a dry run");
    }
  }
  ~RollbackGuard() {
    try {
      cache_.db().exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("dry run: rollback failed: {}", e.what());
    }
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  Cache& cache_;
};

}  // namespace

namespace {

// A routing entry that names no pool of the cache is most likely a typo: that destination
// would never hear of the pool it was meant for.
void warn_unknown_pools(Cache& cache, const NotifySettings& settings) {
  std::set<std::string> known;
  try {
    SQLite::Statement names(cache.db(), "SELECT account_name FROM pool");
    while (names.executeStep()) known.insert(names.getColumn(0).getString());
  } catch (...) {
    cache.rethrow_as_cache_error("reading the pools");
  }
  for (const Destination& destination : settings.destinations) {
    for (const std::string& pool : destination.routing.pools) {
      if (!known.count(pool)) {
        spdlog::warn(
            "{}: its \"pools\" name {}, which the cache does not know (yet?); "
            "check the spelling (account names: kzscrape --account)",
            destination.name, pool);
      }
    }
  }
}

}  // namespace

std::vector<DestinationOutcome> run_notify(Cache& cache, const NotifySettings& settings,
                                           const ChannelFactory& channels, const Clock& clock,
                                           const Sleeper& sleep, const NotifyRunOptions& options,
                                           std::ostream& out) {
  const TimePoint deadline = clock.now() + settings.time_limit;
  std::optional<RollbackGuard> dry_run;
  if (options.dry_run) dry_run.emplace(cache);
  warn_unknown_pools(cache, settings);
  std::vector<DestinationOutcome> outcomes;
  for (const Destination& destination : settings.destinations) {
    outcomes.push_back(
        DestinationRun(cache, settings, destination, channels, clock, sleep, deadline, options, out)
            .run());
  }
  return outcomes;
}

}  // namespace kz
