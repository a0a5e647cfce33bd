#include "report/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <set>
#include <utility>

#include "common/decimal_text.hpp"
#include "common/error.hpp"
#include "common/units.hpp"

namespace kz {
namespace {

// The bytes of `text` with every invalid UTF-8 sequence replaced by U+FFFD: the exposition
// format's label values are UTF-8, and one bad byte would make the whole file unreadable.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    uint32_t lowest = 0;
    if (byte < 0x80) {
      length = 1;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2, lowest = 0x80;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3, lowest = 0x800;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4, lowest = 0x10000;
    }
    bool valid = length > 0 && i + length <= text.size();
    uint32_t code = length == 1 ? byte : byte & (0x7Fu >> length);
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = code << 6 | (next & 0x3Fu);
    }
    valid = valid && code >= lowest && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// A label value as the text format writes it: \\, \" and \n escaped.
std::string label_value(std::string_view text) {
  std::string out;
  for (const char c : valid_utf8(text)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest text that reads back as the same double.
std::string number(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  // One family: its HELP and TYPE lines, then the series `add` writes.
  void family(const char* name, const char* help, const std::function<void()>& add) {
    name_ = name;
    text_ += std::string("# HELP ") + name + " " + help + "\n";
    text_ += std::string("# TYPE ") + name + " gauge\n";
    add();
  }
  void sample(const Labels& labels, const std::string& value) {
    text_ += name_;
    if (!labels.empty()) {
      text_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) text_ += ',';
        text_ += labels[i].first + "=\"" + label_value(labels[i].second) + '"';
      }
      text_ += '}';
    }
    text_ += ' ' + value + '\n';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string name_;
  std::string text_;
};

Labels pool_labels(const PoolStatus& pool, Labels more = {}) {
  Labels labels = {{"account", pool.pool.account}, {"source", pool.pool.source}};
  labels.insert(labels.end(), more.begin(), more.end());
  return labels;
}

// Two series of one family with the same labels make the whole file unreadable to Prometheus;
// only unlabelled pools can collide (their account is the redacted observer URL).
void check_distinct(const std::vector<PoolStatus>& fleet) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const PoolStatus& pool : fleet) {
    const auto key = std::make_pair(valid_utf8(pool.pool.account), pool.pool.source);
    if (!seen.insert(key).second) {
      throw Error(ExitCode::report_failed,
                  "two pools share the account label '" + key.first + "' (" + key.second +
                      "): label them with kzscrape --account so that their metrics differ");
    }
  }
}

// Per-pool gauges whose value may be unknown: a pool without it has no series.
template <typename Value>
void per_pool(Exposition& out, const std::vector<PoolStatus>& fleet, Value value) {
  for (const PoolStatus& pool : fleet) {
    if (const std::optional<std::string> text = value(pool)) out.sample(pool_labels(pool), *text);
  }
}

std::optional<std::string> finite(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return number(*value);
}

std::optional<std::string> btc(const std::optional<int64_t>& sat) {
  if (!sat) return std::nullopt;
  return format_btc(*sat);
}

void table_counts(Exposition& out, const std::vector<PoolStatus>& fleet,
                  std::map<std::string, int64_t> PoolStatus::*counts) {
  for (const PoolStatus& pool : fleet) {
    for (const auto& [table, rows] : pool.*counts) {
      out.sample(pool_labels(pool, {{"table", table}}), std::to_string(rows));
    }
  }
}

}  // namespace

std::string render_metrics(const std::vector<PoolStatus>& fleet, TimePoint now) {
  check_distinct(fleet);
  Exposition out;
  const auto since_epoch_ms = [](TimePointMs at) {
    return static_cast<int64_t>(at.time_since_epoch().count());
  };
  out.family("kzpool_pools", "Pools in the cache.",
             [&] { out.sample({}, std::to_string(fleet.size())); });
  out.family("kzpool_metrics_generated_timestamp_seconds",
             "When kzreport wrote these metrics, in Unix seconds.",
             [&] { out.sample({}, std::to_string(now.time_since_epoch().count())); });
  out.family("kzpool_hashrate_hashes_per_second",
             "The pool's hashrate in its newest snapshot. Absent before its first snapshot.", [&] {
               per_pool(out, fleet, [](const PoolStatus& p) { return finite(p.hashrate_hs); });
             });
  out.family(
      "kzpool_hashrate_24h_hashes_per_second",
      "The pool's 24-hour average hashrate in its newest snapshot. Absent when not shown.",
      [&] { per_pool(out, fleet, [](const PoolStatus& p) { return finite(p.hashrate_24h_hs); }); });
  out.family(
      "kzpool_workers",
      "Workers online and offline in the pool's newest snapshot. Absent before its first "
      "snapshot.",
      [&] {
        for (const PoolStatus& pool : fleet) {
          if (!pool.last_snapshot_at) continue;
          out.sample(pool_labels(pool, {{"state", "online"}}), std::to_string(pool.workers_online));
          out.sample(pool_labels(pool, {{"state", "offline"}}),
                     std::to_string(pool.workers_offline));
        }
      });
  out.family("kzpool_balance_btc", "The pool's balance in BTC in its newest snapshot.",
             [&] { per_pool(out, fleet, [](const PoolStatus& p) { return btc(p.balance_sat); }); });
  out.family(
      "kzpool_last_income_btc", "The pool's last income in BTC in its newest snapshot.",
      [&] { per_pool(out, fleet, [](const PoolStatus& p) { return btc(p.last_income_sat); }); });
  out.family("kzpool_alerts_open",
             "Open alerts by type and severity; 0 for every type the pool ever had.", [&] {
               for (const PoolStatus& pool : fleet) {
                 for (const PoolStatus::AlertCount& alert : pool.open_alerts) {
                   out.sample(
                       pool_labels(pool, {{"type", alert.type}, {"severity", alert.severity}}),
                       std::to_string(alert.open));
                 }
               }
             });
  out.family("kzpool_last_snapshot_timestamp_seconds",
             "When the pool's newest snapshot was scraped, in Unix seconds.", [&] {
               per_pool(out, fleet, [&](const PoolStatus& p) -> std::optional<std::string> {
                 if (!p.last_snapshot_at) return std::nullopt;
                 return format_fixed_point(since_epoch_ms(*p.last_snapshot_at), 3);
               });
             });
  out.family("kzpool_data_age_seconds",
             "Seconds from the pool's newest snapshot to when these metrics were written.", [&] {
               per_pool(out, fleet, [&](const PoolStatus& p) -> std::optional<std::string> {
                 if (!p.last_snapshot_at) return std::nullopt;
                 // `now` has whole seconds: a snapshot of this very second is not from the
                 // future.
                 return format_fixed_point(
                     std::max<int64_t>(
                         0, since_epoch_ms(TimePointMs(now)) - since_epoch_ms(*p.last_snapshot_at)),
                     3);
               });
             });
  out.family("kzpool_last_success_timestamp_seconds",
             "When the pool's newest successful scrape run ended, in Unix seconds. Absent before "
             "its first success.",
             [&] {
               per_pool(out, fleet, [](const PoolStatus& p) -> std::optional<std::string> {
                 if (!p.last_success_at) return std::nullopt;
                 return std::to_string(p.last_success_at->time_since_epoch().count());
               });
             });
  out.family("kzpool_consecutive_failed_runs",
             "Scrape runs of the pool that failed since its newest successful one.", [&] {
               per_pool(out, fleet, [](const PoolStatus& p) -> std::optional<std::string> {
                 return std::to_string(p.consecutive_failed_runs);
               });
             });
  out.family("kzpool_upload_pending_rows",
             "Rows kzupload still has to send, by Supabase table (set-aside rows not included).",
             [&] { table_counts(out, fleet, &PoolStatus::upload_pending); });
  out.family("kzpool_upload_rejected_rows",
             "Rows kzupload set aside because Supabase refused them, by Supabase table (see "
             "v_upload_rejected).",
             [&] { table_counts(out, fleet, &PoolStatus::upload_rejected); });
  out.family("kzpool_notify_pending",
             "Alert transitions kznotify still has to send, counted once per destination.", [&] {
               per_pool(out, fleet, [](const PoolStatus& p) -> std::optional<std::string> {
                 return std::to_string(p.notify_pending);
               });
             });
  return out.take();
}

}  // namespace kz
