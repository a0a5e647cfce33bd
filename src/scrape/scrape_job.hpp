#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "common/clock.hpp"
#include "common/http.hpp"
#include "common/unrecorded_failure.hpp"
#include "scrape/alerts/anomaly_rules.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/observer/page_renderer.hpp"
#include "scrape/btcpool_api/pool_api_client.hpp"

namespace kz {

// Where the data comes from: the observer page, or the pool's JSON API.
enum class PageSource { page, api };

struct ScrapeOptions {
  std::string observer_url;
  std::optional<std::string> account_name;
  std::string db_path = "btcpool_data.db";
  HttpOptions http;
  std::chrono::minutes page_utc_offset{5 * 60};
  int retain_days = 30;  // 0 keeps every worker sample
  bool dry_run = false;
  AlertThresholds thresholds;
  RenderMode render = RenderMode::automatic;
  PageSource source = PageSource::page;
  PoolApiOptions api;  // with PageSource::api; observer_url still names the pool in the cache
};

// One kzscrape run: fetch -> parse -> (store + detect anomalies, in one
// transaction). Throws kz::Error; a failed fetch or parse is still recorded
// in the cache (run record, scrape_failed alert) before the error leaves. So is
// a run stopped by SIGINT/SIGTERM (termination.hpp): its error says "terminated
// by SIGTERM", or "terminated by SIGTERM before it started" when the signal came
// before the run began; the caller then ends the process by the signal.
class ScrapeJob {
 public:
  // Without a renderer (null) the page is only fetched, whatever options.render says.
  ScrapeJob(ScrapeOptions options, HttpTransport& transport, const Clock& clock, Sleeper sleeper,
            PageRenderer* renderer = nullptr)
      : options_(std::move(options)),
        transport_(transport),
        clock_(clock),
        sleeper_(std::move(sleeper)),
        renderer_(renderer) {}

  // Dry run: prints the parsed page as JSON on `out` and writes nothing.
  void run(std::ostream& out);

  // Jobs of one process that share a cache file take turns writing through
  // this lock instead of spinning on SQLite's busy handler.
  void share_write_lock(std::mutex& lock) { write_lock_ = &lock; }

  // Jobs of one process parse pages one at a time through this lock: a parse holds about
  // 25 times the page in memory, a fetched page only 2 to 3 times (bench/README.md).
  void share_parse_lock(std::mutex& lock) { parse_lock_ = &lock; }

 private:
  // The fetched page decoded to UTF-8; sets decoding_note_.
  std::string fetch_page();
  // parse_observer_page, its no_data error carrying decoding_note_.
  ObserverPage parse_fetched(const std::string& html) const;
  ObserverPage render_page();
  // parse_observer_page under the shared parse lock, if any.
  ObserverPage parse(const std::string& html) const;
  // From the API, or fetched and/or rendered as options_.render says, then parsed.
  ObserverPage load_page();
  std::string label() const;  // the account name, else the URL, for log lines
  // run() without the dry run: the run recorded in the cache, with the failures `unrecorded`
  // noted for this pool.
  void store_run(TimePoint started, const UnrecordedFailures& unrecorded);

  ScrapeOptions options_;
  HttpTransport& transport_;
  const Clock& clock_;
  Sleeper sleeper_;
  PageRenderer* renderer_;
  std::mutex* write_lock_ = nullptr;
  std::mutex* parse_lock_ = nullptr;
  std::string
      decoding_note_;  // why the fetched page's text may be wrong, when decoding replaced bytes
};

}  // namespace kz
