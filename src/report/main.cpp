#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "common/cli_main.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "report/chart.hpp"
#include "report/csv_export.hpp"
#include "report/fleet_status.hpp"
#include "report/html_report.hpp"
#include "report/metrics.hpp"
#include "report/output_file.hpp"
#include "report/pool_queries.hpp"
#include "report/report_cache.hpp"
#include "report/report_time.hpp"

namespace {

struct CliValues {
  std::string db = "btcpool_data.db";
  std::string out;
  int days = 7;
  std::string what;
  std::string from;
  std::string to;
  std::string pool;
  std::string kind = "hashrate";
  std::string png;
  std::string svg;
};

void add_db_option(CLI::App& command, CliValues& cli) {
  command.add_option("--db", cli.db, "SQLite cache file written by kzscrape (read only)")
      ->capture_default_str();
}

void add_days_option(CLI::App& command, CliValues& cli, const char* what) {
  command.add_option("--days", cli.days, what)->check(CLI::Range(1, 366))->capture_default_str();
}

kz::TimePoint parse_time_option(const std::string& text, const char* option) {
  if (const auto time = kz::parse_report_time(text)) return *time;
  throw kz::Error(kz::ExitCode::usage, std::string(option) + " " + text +
                                           ": give a UTC date (2026-11-01, meaning 00:00 UTC) "
                                           "or time (2026-11-01T06:00:00Z)");
}

int run_metrics(const CliValues& cli) {
  kz::ReportCache cache(cli.db);
  std::vector<kz::PoolStatus> fleet;
  cache.read_transaction([&] { fleet = kz::read_fleet_status(cache.db()); });
  kz::write_output(cli.out, kz::render_metrics(fleet, kz::SystemClock().now()));
  return 0;
}

int run_html(const CliValues& cli) {
  kz::ReportCache cache(cli.db);
  const auto charts = kz::make_gnuplot_renderer();
  kz::write_output(cli.out,
                   kz::build_html_report(cache, *charts, kz::SystemClock().now(), cli.days));
  return 0;
}

int run_csv(const CliValues& cli) {
  const auto table = kz::parse_csv_table(cli.what);
  if (!table) {
    throw kz::Error(kz::ExitCode::usage,
                    "--what " + cli.what + ": give income, payments, workers or alerts");
  }
  const kz::TimePoint now = kz::SystemClock().now();
  kz::ReportWindow window;
  window.to = cli.to.empty() ? now : parse_time_option(cli.to, "--to");
  window.from =
      cli.from.empty() ? window.to - std::chrono::days{30} : parse_time_option(cli.from, "--from");
  if (window.from >= window.to) {
    throw kz::Error(kz::ExitCode::usage, "--from must be before --to (the window is [from, to))");
  }
  kz::ReportCache cache(cli.db);
  std::string csv;
  cache.read_transaction([&] { csv = kz::export_csv(cache.db(), *table, window); });
  kz::write_output(cli.out, csv);
  return 0;
}

kz::PoolRef find_pool(SQLite::Database& db, const std::string& account) {
  const auto pools = kz::read_pools(db);
  std::string known;
  for (const auto& pool : pools) {
    if (pool.account == account) return pool;
    if (known.size() < 200) known += (known.empty() ? "" : ", ") + pool.account;
  }
  throw kz::Error(kz::ExitCode::usage,
                  "--pool " + account + ": no such pool in the cache" +
                      (known.empty() ? " (it holds none yet: run kzscrape first)"
                                     : " (it holds: " + known + ")"));
}

int run_chart(const CliValues& cli) {
  if (cli.png.empty() == cli.svg.empty()) {
    throw kz::Error(kz::ExitCode::usage, "give one of --png FILE or --svg FILE");
  }
  const kz::ChartKind kind = cli.kind == "workers"  ? kz::ChartKind::workers
                             : cli.kind == "income" ? kz::ChartKind::income
                                                    : kz::ChartKind::hashrate;
  kz::ReportCache cache(cli.db);
  const kz::TimePoint now = kz::SystemClock().now();
  const kz::ReportWindow window{now - std::chrono::days{cli.days}, now};
  kz::PoolHistory history;
  cache.read_transaction([&] {
    history = kz::read_pool_history(cache.db(), find_pool(cache.db(), cli.pool), window);
  });
  kz::ChartRequest request;
  request.kind = kind;
  request.history = &history;
  request.window = window;
  const kz::ImageFormat format = cli.png.empty() ? kz::ImageFormat::svg : kz::ImageFormat::png;
  const auto images = kz::make_gnuplot_renderer()->render({request}, format);
  kz::write_output(cli.png.empty() ? cli.svg : cli.png, images.at(0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "kzreport: Prometheus metrics, charts, an HTML report and CSV from the SQLite cache, "
      "read only (it never writes the cache)"};
  app.require_subcommand(1);
  app.fallthrough();
  CliValues cli;
  kz::LogOptions log;
  log.level = "warn";
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  kz::add_common_options(app, "kzreport", log, "Only errors");

  auto* metrics = app.add_subcommand(
      "metrics", "Prometheus metrics in the node_exporter textfile format (per pool)");
  add_db_option(*metrics, cli);
  metrics->add_option("--out", cli.out,
                      "File to write (replaced atomically: node_exporter's textfile folder, "
                      "*.prom); default stdout");

  auto* html = app.add_subcommand(
      "html", "One self-contained HTML report: fleet, pools, charts, incidents, income, workers");
  add_db_option(*html, cli);
  add_days_option(*html, cli, "Days the report covers, up to now");
  html->add_option("--out", cli.out, "File to write (replaced atomically); default stdout");

  auto* csv = app.add_subcommand("csv", "CSV (RFC 4180, exact BTC, UTC times) for a spreadsheet");
  add_db_option(*csv, cli);
  csv->add_option("--what", cli.what, "income, payments, workers or alerts")
      ->required()
      ->check(CLI::IsMember({"income", "payments", "workers", "alerts"}));
  csv->add_option("--from", cli.from,
                  "Start, included: a UTC date (2026-11-01) or time (default: 30 days before "
                  "--to)");
  csv->add_option("--to", cli.to, "End, excluded: a UTC date or time (default: now)");
  csv->add_option("--out", cli.out, "File to write (replaced atomically); default stdout");

  auto* chart = app.add_subcommand("chart", "One chart of one pool, as PNG or SVG");
  add_db_option(*chart, cli);
  chart->add_option("--pool", cli.pool, "The pool's account name (as in the pools file)")
      ->required();
  chart->add_option("--kind", cli.kind, "hashrate, workers or income")
      ->check(CLI::IsMember({"hashrate", "workers", "income"}))
      ->capture_default_str();
  add_days_option(*chart, cli, "Days the chart covers, up to now");
  chart->add_option("--png", cli.png, "PNG file to write");
  chart->add_option("--svg", cli.svg, "SVG file to write");

  return kz::run_cli(app, argc, argv, "kzreport", "", [&] {
    kz::init_logging("kzreport", log);
    if (*metrics) return run_metrics(cli);
    if (*html) return run_html(cli);
    if (*csv) return run_csv(cli);
    return run_chart(cli);
  });
}
