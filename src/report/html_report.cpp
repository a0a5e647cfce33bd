#include "report/html_report.hpp"

#include <map>

#include "report/html_sections.hpp"
#include "report/html_text.hpp"

namespace kz {
namespace {

// Inline, no font or image from outside; one column on a phone, tables scroll sideways, charts
// as wide as the screen; the colours follow the reader's light or dark setting.
constexpr const char* kStyle = R"css(
:root { color-scheme: light dark; --bg: #fafafa; --fg: #1b1b1b; --muted: #666; --line: #ddd;
  --card: #fff; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --fg: #e6e6e6; --muted: #9aa0a6; --line: #333a42; --card: #1b2027;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 0 12px 24px; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 1.5em; margin: 16px 0 4px; }
h2 { font-size: 1.25em; margin: 28px 0 6px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
small, .meta, .none { color: var(--muted); }
.meta { overflow-wrap: anywhere; }
a { color: inherit; }
nav ul { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px;
  margin: 8px 0 12px; }
.totals div { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 6px 10px; }
.totals dt { color: var(--muted); font-size: 0.85em; }
.totals dd { margin: 0; font-weight: 600; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
table { border-collapse: collapse; min-width: 100%; background: var(--card); }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; white-space: nowrap; }
td.text { white-space: normal; min-width: 14em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.id { font-family: ui-monospace, monospace; font-size: 0.85em; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.sev-high { color: var(--bad); font-weight: 600; } .sev-medium { color: var(--warn); }
tr.offline td:first-child { color: var(--bad); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr));
  gap: 10px; }
figure.chart { margin: 0; background: #fff; color: #1b1b1b; border-radius: 6px; padding: 4px; }
figure.chart figcaption { font-size: 0.85em; padding: 2px 6px; }
figure.chart svg { display: block; width: 100%; height: auto; }
.empty { padding: 24px; border: 2px dashed var(--line); border-radius: 8px; font-size: 1.1em; }
@media (max-width: 700px) {
  body { font-size: 14px; padding: 0 8px 16px; }
  .totals { grid-template-columns: 1fr 1fr; }
}
)css";

std::string header(const ReportInput& input) {
  return "<header>\n<h1>kzpool report</h1>\n<p class=\"meta\">Generated " +
         format_report_time(input.generated_at) + ". Window " +
         format_report_time(input.window.from) + " &ndash; " + format_report_time(input.window.to) +
         " (" + std::to_string(input.days) + (input.days == 1 ? " day" : " days") +
         "). All times UTC.</p>\n</header>\n";
}

std::string index(const ReportInput& input) {
  std::string html = "<nav><ul>\n<li><a href=\"#fleet\">Fleet summary</a></li>\n";
  for (const PoolHistory& history : input.pools) {
    html += "<li><a href=\"#pool-" + std::to_string(history.pool.id) + "\">" +
            html_escaped(history.pool.account) + "</a></li>\n";
  }
  return html + "</ul></nav>\n";
}

}  // namespace

std::string render_html_report(const ReportInput& input) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>kzpool report " +
      format_report_time(input.generated_at) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<main id=\"top\">\n";
  html += header(input);
  if (input.fleet.empty() && input.pools.empty()) {
    html +=
        "<p class=\"empty\">No pools yet: run kzscrape to fill the cache, then make the "
        "report again.</p>\n";
    return html + "</main>\n</body>\n</html>\n";
  }
  html += index(input);
  html += render_fleet_summary(input);
  std::map<int64_t, const PoolStatus*> status_of;
  for (const PoolStatus& status : input.fleet) status_of[status.pool.id] = &status;
  static const PoolCharts kNoCharts;
  for (std::size_t i = 0; i < input.pools.size(); ++i) {
    const PoolHistory& history = input.pools[i];
    const auto status = status_of.find(history.pool.id);
    html +=
        render_pool_section(input, history, i < input.charts.size() ? input.charts[i] : kNoCharts,
                            status == status_of.end() ? nullptr : status->second);
  }
  return html + "</main>\n</body>\n</html>\n";
}

}  // namespace kz
