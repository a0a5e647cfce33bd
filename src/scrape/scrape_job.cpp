#include "scrape/scrape_job.hpp"

#include <spdlog/spdlog.h>

#include <memory>

#include "common/cache.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/sha256.hpp"
#include "common/termination.hpp"
#include "common/url_text.hpp"
#include "scrape/btcpool_api/pool_api_mapping.hpp"
#include "scrape/observer/decoded_worker_names.hpp"
#include "scrape/observer/observer_parser.hpp"
#include "scrape/observer/page_charset.hpp"
#include "scrape/page_json.hpp"
#include "scrape/plausibility.hpp"
#include "scrape/run_recorder.hpp"

namespace kz {
namespace {

// `e` with the secrets of the pool's URLs redacted: whatever named a URL (a child's stderr, a
// library's message) leaves a run this way, to the log line and to scrape_run.error.
Error without_url_secrets(const Error& e, const ScrapeOptions& options) {
  return Error(e.code(), redact_url_secrets(redact_url_secrets(e.what(), options.observer_url),
                                            options.api.url));
}

}  // namespace

std::string ScrapeJob::label() const {
  return options_.account_name.value_or(redacted_url(options_.observer_url));
}

std::string ScrapeJob::fetch_page() {
  HttpRequest request;
  request.url = options_.observer_url;
  request.headers = {{"Accept", "text/html,application/xhtml+xml"}};
  const HttpResult result = send_with_retries(transport_, request, options_.http, sleeper_);
  const std::string attempts =
      result.attempts == 1 ? "" : " (after " + std::to_string(result.attempts) + " attempts)";
  if (!result.response) {
    throw Error(ExitCode::fetch_failed, "fetching " + redacted_url(options_.observer_url) + ": " +
                                            result.transport_error + attempts);
  }
  if (result.response->status != 200) {
    throw Error(ExitCode::fetch_failed, "fetching " + redacted_url(options_.observer_url) +
                                            ": HTTP " + std::to_string(result.response->status) +
                                            attempts);
  }
  const HttpResponse& response = *result.response;
  // Decoded before parsing, so the parser only ever sees UTF-8 (file:// URLs have no
  // Content-Type: the BOM or a meta tag decides).
  const std::string content_type = response.header("content-type").value_or("");
  DecodedPage page = decode_page_detailed(response.body, content_type);
  spdlog::debug("fetched {} bytes in {} attempt(s), {} from the {}", response.body.size(),
                result.attempts, page.charset, page.source);
  decoding_note_.clear();
  if (page.replaced > 0) {
    check_decoding_keeps_workers_apart(response.body, content_type);
    decoding_note_ = std::to_string(page.replaced) + " byte sequences are not valid " +
                     page.charset + " (chosen by: " + page.source +
                     "); is the page's charset declared right?";
    spdlog::warn("{}", decoding_note_);
  }
  return std::move(page.text);
}

ObserverPage ScrapeJob::parse(const std::string& html) const {
  std::unique_lock<std::mutex> turn;
  if (parse_lock_) turn = std::unique_lock(*parse_lock_);
  return parse_observer_page(html);
}

ObserverPage ScrapeJob::parse_fetched(const std::string& html) const {
  try {
    return parse(html);
  } catch (const Error& e) {
    if (e.code() != ExitCode::no_data || decoding_note_.empty()) throw;
    throw Error(ExitCode::no_data, std::string(e.what()) + "; " + decoding_note_);
  }
}

ObserverPage ScrapeJob::render_page() {
  const std::string html = renderer_->render(options_.observer_url, options_.http.total_timeout,
                                             options_.page_utc_offset);
  try {
    return parse(html);
  } catch (const Error& e) {
    if (e.code() != ExitCode::no_data) throw;
    throw Error(ExitCode::no_data, std::string(e.what()) + " (rendered by Chromium)");
  }
}

ObserverPage ScrapeJob::load_page() {
  if (options_.source == PageSource::api) {
    PoolApiClient client(options_.api, transport_, options_.http, sleeper_);
    return fetch_api_page(client, clock_.now(), options_.page_utc_offset);
  }
  if (renderer_ && options_.render == RenderMode::always) return render_page();
  const std::string html = fetch_page();
  if (!renderer_ || options_.render == RenderMode::never) return parse_fetched(html);
  try {
    return parse_fetched(html);
  } catch (const Error& e) {
    if (e.code() != ExitCode::no_data) throw;
    spdlog::debug("{}; rendering the page with Chromium", e.what());
  }
  return render_page();
}

void ScrapeJob::run(std::ostream& out) {
  const LogPoolScope scope(label());
  if (options_.dry_run) {
    try {
      const ObserverPage page = load_page();
      check_plausible(page);
      out << page_to_json(page).dump(1) << '\n';
    } catch (const Error& e) {
      throw without_url_secrets(e, options_);
    }
    return;
  }
  const TimePoint started = clock_.now();
  // A full disk cannot record its own failure: the note beside the cache keeps it for the next
  // run (in space reserved by store_run).
  UnrecordedFailures unrecorded(options_.db_path);
  try {
    store_run(started, unrecorded);
  } catch (const CacheFullError& e) {
    unrecorded.add(
        {sha256_hex(options_.observer_url), started, clock_.now_ms(), to_int(e.code()), e.what()});
    throw;
  }
}

void ScrapeJob::store_run(TimePoint started, const UnrecordedFailures& unrecorded) {
  // Open the cache first: a broken cache fails before any network traffic.
  Cache cache(options_.db_path);
  unrecorded.reserve();
  RunRecorder recorder(cache, {options_.observer_url, options_.account_name, options_.thresholds,
                               options_.page_utc_offset, options_.retain_days});

  RunResult run{started, std::nullopt, std::nullopt};
  try {
    // A pool of a fleet that a signal stopped before its turn still gets its run recorded.
    if (const int signal = termination_signal(); signal != 0) {
      throw Error(ExitCode::fetch_failed, terminated_by(signal) + " before it started");
    }
    ObserverPage loaded = load_page();
    check_plausible(loaded);  // every source, before anything is stored
    run.page = std::move(loaded);
  } catch (const Error& e) {
    run.failure = without_url_secrets(e, options_);
  }
  std::unique_lock<std::mutex> write_turn;
  if (write_lock_) write_turn = std::unique_lock(*write_lock_);
  // One reading: the snapshot keeps its milliseconds, everything else the second.
  const TimePointMs now_ms = clock_.now_ms();

  std::vector<UnrecordedFailure> earlier;
  cache.write_transaction([&] {
    earlier = unrecorded.for_pool(sha256_hex(options_.observer_url));
    recorder.record(run, now_ms, clock_.now(), earlier);
  });
  unrecorded.remove(earlier);
  recorder.log_committed(run, earlier);
  if (run.failure) throw *run.failure;
}

}  // namespace kz
