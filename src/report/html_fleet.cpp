#include <algorithm>
#include <cstdio>
#include <map>

#include "common/units.hpp"
#include "report/html_sections.hpp"
#include "report/html_text.hpp"

namespace kz {

const char* health_text(PoolHealth health) {
  switch (health) {
    case PoolHealth::failing:
      return "failing";
    case PoolHealth::stale:
      return "stale data";
    case PoolHealth::open_alerts:
      return "open alerts";
    case PoolHealth::ok:
      return "ok";
  }
  return "ok";
}

int64_t open_alert_count(const PoolStatus& status) {
  int64_t open = 0;
  for (const auto& count : status.open_alerts) open += count.open;
  return open;
}

PoolHealth pool_health(const PoolStatus& status, TimePoint now) {
  if (status.consecutive_failed_runs > 0) return PoolHealth::failing;
  if (!status.last_snapshot_at || *status.last_snapshot_at + kStaleAfter < now) {
    return PoolHealth::stale;
  }
  return open_alert_count(status) > 0 ? PoolHealth::open_alerts : PoolHealth::ok;
}

std::vector<const PoolStatus*> worst_first(const std::vector<PoolStatus>& fleet, TimePoint now) {
  std::vector<const PoolStatus*> order;
  for (const auto& status : fleet) order.push_back(&status);
  std::stable_sort(order.begin(), order.end(), [now](const PoolStatus* a, const PoolStatus* b) {
    const auto ha = pool_health(*a, now), hb = pool_health(*b, now);
    if (ha != hb) return ha < hb;
    if (open_alert_count(*a) != open_alert_count(*b)) {
      return open_alert_count(*a) > open_alert_count(*b);
    }
    if (a->consecutive_failed_runs != b->consecutive_failed_runs) {
      return a->consecutive_failed_runs > b->consecutive_failed_runs;
    }
    return a->pool.account < b->pool.account;
  });
  return order;
}

namespace {

std::string health_cell(const PoolStatus& status, TimePoint now) {
  const PoolHealth health = pool_health(status, now);
  std::string text = health_text(health);
  if (health == PoolHealth::failing) {
    text += " (" + std::to_string(status.consecutive_failed_runs) + " failed run" +
            (status.consecutive_failed_runs == 1 ? ")" : "s)");
  } else if (health == PoolHealth::stale && !status.last_snapshot_at) {
    text += " (no snapshot yet)";
  }
  const char* css = health == PoolHealth::ok            ? "ok"
                    : health == PoolHealth::open_alerts ? "warn"
                                                        : "bad";
  return std::string("<td class=\"") + css + "\">" + text + "</td>";
}

std::string optional_hashrate(const std::optional<double>& hs) {
  return hs ? hashrate_text(*hs) : "&mdash;";
}

std::string age_cell(const PoolStatus& status, TimePoint now) {
  if (!status.last_snapshot_at) return "<td>never</td>";
  const auto at = std::chrono::floor<std::chrono::seconds>(*status.last_snapshot_at);
  return "<td>" + format_report_time(at) + "<br><small>" + incident_duration(now - at) +
         " ago</small></td>";
}

std::string total_item(const std::string& term, const std::string& value) {
  return "<div><dt>" + term + "</dt><dd>" + value + "</dd></div>\n";
}

}  // namespace

std::string render_fleet_summary(const ReportInput& input) {
  const TimePoint now = input.generated_at;
  double hashrate = 0, hashrate_24h = 0;
  bool any_hashrate = false, any_hashrate_24h = false, any_snapshot = false, any_balance = false;
  int64_t online = 0, offline = 0, balance = 0, income = 0;
  std::map<std::string, int64_t> by_severity = {{"high", 0}, {"medium", 0}, {"low", 0}};
  for (const auto& status : input.fleet) {
    if (status.hashrate_hs) {
      hashrate += *status.hashrate_hs;
      any_hashrate = true;
    }
    if (status.hashrate_24h_hs) {
      hashrate_24h += *status.hashrate_24h_hs;
      any_hashrate_24h = true;
    }
    if (status.last_snapshot_at) {
      online += status.workers_online;
      offline += status.workers_offline;
      any_snapshot = true;
    }
    if (status.balance_sat) {
      balance += *status.balance_sat;
      any_balance = true;
    }
    for (const auto& count : status.open_alerts) by_severity[count.severity] += count.open;
  }
  for (const auto& history : input.pools) {
    for (const auto& day : history.income) income += day.income_sat;
  }
  std::string alerts;
  for (const char* severity : {"high", "medium", "low"}) {
    if (!alerts.empty()) alerts += ", ";
    const int64_t open = by_severity[severity];
    alerts += open == 0 ? "0 " + std::string(severity)
                        : "<span class=\"sev-" + std::string(severity) + "\">" +
                              std::to_string(open) + " " + severity + "</span>";
  }

  std::string html = "<section id=\"fleet\">\n<h2>Fleet summary</h2>\n<dl class=\"totals\">\n";
  html += total_item("Pools", std::to_string(input.fleet.size()));
  html += total_item("Hashrate now", any_hashrate ? hashrate_text(hashrate) : "no data");
  html += total_item("Hashrate 24 h", any_hashrate_24h ? hashrate_text(hashrate_24h) : "no data");
  html += total_item("Workers", any_snapshot ? std::to_string(online) + " online, " +
                                                   std::to_string(offline) + " offline"
                                             : "no data");
  html += total_item("Open alerts", alerts);
  html += total_item("Balances", any_balance ? format_btc(balance) + " BTC" : "no data");
  html +=
      total_item("Income, " + std::to_string(input.days) + " days", format_btc(income) + " BTC");
  html +=
      "</dl>\n<div class=\"scroll\"><table class=\"pools\">\n<thead><tr><th>Pool</th>"
      "<th>Status</th><th>Hashrate now</th><th>24 h</th><th>Workers on / off</th>"
      "<th>Balance</th><th>Last data</th><th>Open alerts</th></tr></thead>\n<tbody>\n";
  for (const PoolStatus* status : worst_first(input.fleet, now)) {
    html += "<tr><td><a href=\"#pool-" + std::to_string(status->pool.id) + "\">" +
            html_escaped(status->pool.account) + "</a> <small>" +
            html_escaped(status->pool.source) + "</small></td>";
    html += health_cell(*status, now);
    html += "<td>" + optional_hashrate(status->hashrate_hs) + "</td><td>" +
            optional_hashrate(status->hashrate_24h_hs) + "</td>";
    html += status->last_snapshot_at ? "<td>" + std::to_string(status->workers_online) + " / " +
                                           std::to_string(status->workers_offline) + "</td>"
                                     : std::string("<td>&mdash;</td>");
    html += "<td class=\"num\">" +
            (status->balance_sat ? format_btc(*status->balance_sat) : std::string("&mdash;")) +
            "</td>";
    html += age_cell(*status, now);
    html += "<td>" + std::to_string(open_alert_count(*status)) + "</td></tr>\n";
  }
  html += "</tbody></table></div>\n</section>\n";
  return html;
}

}  // namespace kz
