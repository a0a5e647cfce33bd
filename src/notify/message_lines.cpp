#include "notify/message_lines.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/units.hpp"

namespace kz {
namespace {

constexpr std::string_view kDot = " \xC2\xB7 ";  // " · "

int severity_rank(const std::string& severity) {
  if (severity == "high") return 0;
  if (severity == "medium") return 1;
  if (severity == "low") return 2;
  return 3;
}

std::string severity_mark(const std::string& severity) {
  switch (severity_rank(severity)) {
    case 0:
      return "\xF0\x9F\x94\xB4";  // 🔴
    case 1:
      return "\xF0\x9F\x9F\xA0";  // 🟠
    case 2:
      return "\xF0\x9F\x9F\xA1";  // 🟡
    default:
      return "\xE2\x9A\xAA";  // ⚪
  }
}

const std::string kRaisedMark = "\xE2\xAC\x86\xEF\xB8\x8F";  // ⬆️
const std::string kResolvedMark = "\xE2\x9C\x85";            // ✅

std::string entry_mark(const DigestEntry& entry) {
  if (entry.kind == "raised") return kRaisedMark;
  if (entry.kind == "resolved") return kResolvedMark;
  return severity_mark(entry.severity);
}

std::string on_subject(const DigestEntry& entry) {
  return entry.subject.empty() ? "" : " on " + entry.subject;
}

// The alert without its message, for "... resolved".
std::string alert_name(const DigestEntry& entry) {
  if (entry.alert_type == "worker_offline") return "worker " + entry.subject + " offline";
  if (entry.alert_type == "offline_workers") return "offline workers";
  if (entry.alert_type == "hashrate_drop") return "hashrate drop" + on_subject(entry);
  if (entry.alert_type == "zero_hashrate") return "zero hashrate" + on_subject(entry);
  if (entry.alert_type == "scrape_failed") return "scrape failing";
  return (entry.alert_type.empty() ? "alert" : entry.alert_type) + on_subject(entry);
}

// ": <message>" for the types whose words do not already carry it.
std::string message_detail(const DigestEntry& entry) {
  const std::string& type = entry.alert_type;
  if (entry.message.empty() || type == "worker_offline" || type == "offline_workers" ||
      type == "scrape_failed") {
    return "";
  }
  return ": " + entry.message;
}

std::string resolved_words(const DigestEntry& entry) {
  std::string words;
  if (entry.alert_type == "worker_offline") {
    words = "worker " + entry.subject + " back online";
  } else if (entry.alert_type == "offline_workers") {
    words = "workers back online";
  } else if (entry.alert_type == "scrape_failed") {
    words = "scrape working again";
  } else {
    words = alert_name(entry) + " resolved";
  }
  if (entry.lasted) words += " after " + format_duration(*entry.lasted);
  return words;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string transitions_title(const Digest& digest) {
  std::size_t opened = 0;
  std::size_t raised = 0;
  std::size_t resolved = 0;
  std::string top = "none";  // the highest severity opened
  for (const DigestEntry& entry : digest.entries) {
    if (entry.kind == "raised") {
      ++raised;
    } else if (entry.kind == "resolved") {
      ++resolved;
    } else {
      ++opened;
      if (severity_rank(entry.severity) < severity_rank(top)) top = entry.severity;
    }
  }
  std::vector<std::string> parts;
  if (opened > 0) {
    parts.push_back(severity_mark(top) + " " + plural(opened, "alert", "alerts") + " opened");
  }
  if (raised > 0) parts.push_back(kRaisedMark + " " + std::to_string(raised) + " raised");
  if (resolved > 0) parts.push_back(kResolvedMark + " " + std::to_string(resolved) + " resolved");
  if (parts.empty()) return "No alert changes";
  std::string title = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) title += std::string(kDot) + parts[i];
  return title;
}

std::string title_text(const Digest& digest) {
  switch (digest.kind) {
    case DigestKind::transitions:
      return transitions_title(digest);
    case DigestKind::open_now:
      return "\xF0\x9F\x94\x94 Open alerts now (first message to this destination)";  // 🔔
    case DigestKind::daily_summary:
      return "\xF0\x9F\x93\x8A Daily summary " + digest.summary_date;  // 📊
    case DigestKind::test:
      return "kzpool test message";
  }
  return "kzpool";
}

std::string or_no_data(bool has, const std::string& text) {
  return has ? text : "no data";
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string workers_range(const PoolSummary& pool) {
  const auto& low = pool.fewest_workers_online;
  const auto& high = pool.most_workers_online;
  if (low && high && *low != *high) {
    return std::to_string(*low) + "\xE2\x80\x93" + std::to_string(*high);  // en dash
  }
  if (low || high) return std::to_string(low ? *low : *high);
  return "no data";
}

RichLine pool_block(const PoolSummary& pool, TextStyle style) {
  RichLine block(style);
  const auto& hashrate = pool.average_hashrate_hs;
  const bool has_hashrate = hashrate && std::isfinite(*hashrate) && *hashrate >= 0;
  const bool has_uptime = pool.uptime_pct && std::isfinite(*pool.uptime_pct);
  block.text("\xF0\x9F\x93\x8A ").bold(pool.account_name.empty() ? "?" : pool.account_name);
  block.line_break()
      .text("hashrate " + or_no_data(has_hashrate, has_hashrate ? format_hashrate(*hashrate) : ""))
      .text(kDot)
      .text("uptime " + or_no_data(has_uptime, has_uptime ? fixed(*pool.uptime_pct, 1) + "%" : ""));
  block.line_break()
      .text("workers online " + workers_range(pool))
      .text(kDot)
      .text("income " + or_no_data(pool.income_sat.has_value(),
                                   pool.income_sat ? format_btc(*pool.income_sat) + " BTC" : ""));
  block.line_break().text("incidents " + std::to_string(pool.incidents));
  for (const std::string& line : pool.incident_lines) {
    block.line_break().text("\xE2\x80\xA2 " + line);  // •
  }
  const auto listed = static_cast<int>(pool.incident_lines.size());
  if (pool.incidents > listed) {
    block.line_break().text("\xE2\x80\xA2 +" + std::to_string(pool.incidents - listed) + " more");
  }
  return block;
}

}  // namespace

std::string format_hashrate(double hashrate_hs) {
  const double ths = hashrate_hs / 1e12;
  if (ths >= 999.95) return fixed(ths / 1000, 2) + " PH/s";
  if (ths >= 9.995) return fixed(ths, 1) + " TH/s";
  return fixed(ths, 2) + " TH/s";
}

std::string alert_in_words(const DigestEntry& entry) {
  if (entry.alert_type == "offline_workers" && !entry.message.empty()) return entry.message;
  // kzscrape's text names the worker and adds what the phone should show: its 24 h hashrate and
  // last share.
  if (entry.alert_type == "worker_offline" && entry.message.starts_with("worker ")) {
    return entry.message;
  }
  if (entry.alert_type == "scrape_failed" && !entry.message.empty()) {
    return "scrape failing: " + entry.message;
  }
  return alert_name(entry);
}

std::string entry_in_words(const DigestEntry& entry) {
  if (entry.kind == "resolved") return resolved_words(entry);
  if (entry.kind == "raised") {
    return alert_in_words(entry) + " raised to " + entry.severity + message_detail(entry);
  }
  return alert_in_words(entry) + message_detail(entry) + " (" + entry.severity + ")";
}

RichLine digest_head(const Digest& digest, TextStyle style) {
  RichLine head(style);
  head.bold(title_text(digest));
  if (!digest.note.empty()) head.line_break().text(digest.note);
  return head;
}

DigestUnits::DigestUnits(const Digest& digest, TextStyle style) : digest_(digest), style_(style) {
  if (digest.kind == DigestKind::daily_summary) return;
  for (const DigestEntry& entry : digest.entries) order_.push_back(&entry);
  std::stable_sort(order_.begin(), order_.end(), [](const DigestEntry* a, const DigestEntry* b) {
    return severity_rank(a->severity) < severity_rank(b->severity);
  });
}

std::size_t DigestUnits::size() const {
  return digest_.kind == DigestKind::daily_summary ? digest_.pools.size() : order_.size();
}

RichLine DigestUnits::make(std::size_t i) const {
  if (digest_.kind == DigestKind::daily_summary) return pool_block(digest_.pools.at(i), style_);
  const DigestEntry& entry = *order_.at(i);
  RichLine line(style_);
  line.text(entry_mark(entry) + " ")
      .bold(entry.account_name.empty() ? "?" : entry.account_name)
      .text(kDot)
      .text(entry_in_words(entry));
  return line;
}

}  // namespace kz
