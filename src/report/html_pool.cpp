#include <algorithm>
#include <cstdio>

#include "common/units.hpp"
#include "report/html_sections.hpp"
#include "report/html_text.hpp"

namespace kz {

std::string inline_chart_svg(const std::string& svg, const std::string& prefix) {
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return "<p class=\"none\">No chart.</p>";
  std::string out;
  out.reserve(svg.size() + svg.size() / 8);
  const std::string_view text(svg.data() + start, svg.size() - start);
  static constexpr std::string_view kRefs[] = {" id=\"", " id='", "url(#", "href=\"#", "href='#"};
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c != ' ' && c != 'u' && c != 'h') {  // no reference starts here
      out += c;
      ++i;
      continue;
    }
    bool replaced = false;
    for (const std::string_view ref : kRefs) {
      if (text.substr(i, ref.size()) == ref) {
        out.append(ref);
        out += prefix;
        i += ref.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

namespace {

std::string cell(const std::string& html, const char* css = nullptr) {
  return css ? std::string("<td class=\"") + css + "\">" + html + "</td>" : "<td>" + html + "</td>";
}

std::string table_start(std::initializer_list<const char*> headers) {
  std::string html = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const char* header : headers) html += std::string("<th>") + header + "</th>";
  return html + "</tr></thead>\n<tbody>\n";
}

std::string none(const char* text) {
  return std::string("<p class=\"none\">") + text + "</p>\n";
}

std::string incidents(const PoolHistory& history, TimePoint now) {
  std::string html = "<h3>Incidents (" + std::to_string(history.alerts.size()) + ")</h3>\n";
  if (history.alerts.empty()) return html + none("No alert was open in the window.");
  // What a phone shows first, before the table scrolls: what, how bad, how long, why.
  html += table_start({"Alert", "Severity", "Duration", "Message", "Opened", "Resolved"});
  for (const AlertPeriod& alert : history.alerts) {
    const TimePoint end = alert.resolved_at.value_or(now);
    const std::string severity = html_escaped(alert.severity);
    html +=
        "<tr>" +
        cell(html_escaped(alert.type) +
             (alert.subject.empty() ? "" : " <small>" + html_escaped(alert.subject) + "</small>"));
    html += "<td class=\"sev-" + severity + "\">" + severity + "</td>";
    html += cell(incident_duration(end - alert.opened_at) + (alert.resolved_at ? "" : " so far"));
    html += cell(html_escaped(alert.message), "text");
    html += cell(format_report_time(alert.opened_at));
    html += alert.resolved_at ? cell(format_report_time(*alert.resolved_at)) : cell("open", "bad");
    html += "</tr>\n";
  }
  return html + "</tbody></table></div>\n";
}

std::string income(const PoolHistory& history) {
  std::string html = "<h3>Income per day</h3>\n";
  if (history.income.empty()) return html + none("No income in the window.");
  html += table_start({"Date", "Income (BTC)", "Hashrate"});
  int64_t total = 0;
  for (const PoolIncomeDay& day : history.income) {
    total += day.income_sat;
    html += "<tr>" + cell(html_escaped(day.date)) + cell(format_btc(day.income_sat), "num") +
            cell(day.hashrate_hs ? hashrate_text(*day.hashrate_hs) : "&mdash;") + "</tr>\n";
  }
  html += "</tbody>\n<tfoot><tr><th>Total</th>" + cell(format_btc(total), "num") +
          "<td></td></tr></tfoot>\n";
  return html + "</table></div>\n";
}

std::string payments(const PoolHistory& history) {
  std::string html = "<h3>Payments</h3>\n";
  if (history.payments.empty()) return html + none("No payment in the window.");
  html += table_start({"Paid", "Amount (BTC)", "Address", "Transaction"});
  int64_t total = 0;
  for (const PoolPayment& payment : history.payments) {
    total += payment.amount_sat;
    html += "<tr>" + cell(format_report_time(payment.paid_at)) +
            cell(format_btc(payment.amount_sat), "num") +
            cell(html_escaped(payment.address), "id") + cell(html_escaped(payment.tx), "id") +
            "</tr>\n";
  }
  html += "</tbody>\n<tfoot><tr><th>Total</th>" + cell(format_btc(total), "num") +
          "<td></td><td></td></tr></tfoot>\n";
  return html + "</table></div>\n";
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %%", share * 100);
  return text;
}

// Online in the newest snapshot: kzscrape sets last_online_at to the scrape time of each
// snapshot that lists the worker online.
bool offline_now(const WorkerStat& worker, const PoolHistory& history) {
  if (history.points.empty()) return false;
  const auto newest = std::chrono::floor<std::chrono::seconds>(history.points.back().at);
  return !worker.last_online_at || *worker.last_online_at < newest;
}

std::string workers(const PoolHistory& history) {
  std::string html = "<h3>Workers (" + std::to_string(history.workers.size()) + ")</h3>\n";
  if (history.workers.empty()) return html + none("No worker listed in the window.");
  std::vector<const WorkerStat*> order;
  for (const auto& worker : history.workers) order.push_back(&worker);
  std::stable_sort(order.begin(), order.end(), [](const WorkerStat* a, const WorkerStat* b) {
    if (a->uptime != b->uptime) return a->uptime < b->uptime;
    if (a->avg_hashrate_hs != b->avg_hashrate_hs) return a->avg_hashrate_hs < b->avg_hashrate_hs;
    return a->name < b->name;
  });
  std::string offline_names;
  for (const WorkerStat* worker : order) {
    if (!offline_now(*worker, history)) continue;
    offline_names += (offline_names.empty() ? "" : ", ") + html_escaped(worker->name);
  }
  if (!offline_names.empty()) {
    html += "<p class=\"bad\">Offline now: " + offline_names + "</p>\n";
  }
  html += table_start({"Worker", "Now", "Uptime", "Average hashrate", "Samples", "Last online"});
  for (const WorkerStat* worker : order) {
    const bool offline = offline_now(*worker, history);
    html += std::string("<tr") + (offline ? " class=\"offline\">" : ">") +
            cell(html_escaped(worker->name)) +
            (offline ? cell("offline", "bad") : cell("online", "ok")) +
            cell(percent(worker->uptime), "num") + cell(hashrate_text(worker->avg_hashrate_hs)) +
            cell(std::to_string(worker->samples), "num") +
            cell(worker->last_online_at ? format_report_time(*worker->last_online_at)
                                        : "not in the window") +
            "</tr>\n";
  }
  return html + "</tbody></table></div>\n";
}

std::string figure(const char* caption, const std::string& svg, const std::string& prefix) {
  return std::string("<figure class=\"chart\"><figcaption>") + caption + "</figcaption>\n" +
         inline_chart_svg(svg, prefix) + "\n</figure>\n";
}

}  // namespace

std::string render_pool_section(const ReportInput& input, const PoolHistory& history,
                                const PoolCharts& charts, const PoolStatus* status) {
  const std::string id = std::to_string(history.pool.id);
  std::string html = "<section class=\"pool\" id=\"pool-" + id + "\">\n<h2>" +
                     html_escaped(history.pool.account) + " <small>" +
                     html_escaped(history.pool.source) + "</small></h2>\n<p class=\"meta\">" +
                     html_escaped(history.pool.observer_url);
  if (status) {
    const PoolHealth health = pool_health(*status, input.generated_at);
    html += " &middot; <span class=\"" +
            std::string(health == PoolHealth::ok            ? "ok"
                        : health == PoolHealth::open_alerts ? "warn"
                                                            : "bad") +
            "\">" + health_text(health) + "</span>";
  }
  html += "</p>\n<div class=\"charts\">\n";
  html += figure("Hashrate", charts.hashrate_svg, "p" + id + "h-");
  html += figure("Workers", charts.workers_svg, "p" + id + "w-");
  html += figure("Income per day", charts.income_svg, "p" + id + "i-");
  html += "</div>\n";
  html += incidents(history, input.generated_at);
  html += income(history);
  html += payments(history);
  html += workers(history);
  return html + "<p class=\"top\"><a href=\"#top\">Back to the top</a></p>\n</section>\n";
}

}  // namespace kz
