#include "support/page_compare.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <type_traits>

namespace kz::test {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += std::string("\\") + static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else if (s.compare(i, 2, "\u00A0") == 0) {
      out += "\\u00A0";
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

std::string shown(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
template <typename T>
std::string shown(const std::optional<T>& v) {
  if (!v) return "none";
  if constexpr (std::is_same_v<T, std::string>) {
    return quoted(*v);
  } else {
    return shown(static_cast<double>(*v));
  }
}
std::string shown(const std::string& v) {
  return quoted(v);
}
std::string shown(int v) {
  return std::to_string(v);
}
std::string shown(int64_t v) {
  return std::to_string(v);
}
std::string shown(WorkerStatus s) {
  return s == WorkerStatus::online ? "online" : "offline";
}

// Collects the first field whose value differs.
struct Differ {
  std::optional<std::string> first;

  template <typename T>
  void field(const std::string& name, const T& got, const T& want) {
    if (!first && !(got == want)) {
      first = name + ": got " + shown(got) + ", want " + shown(want);
    }
  }
};

}  // namespace

std::optional<std::string> first_difference(const ObserverPage& got, const ObserverPage& want) {
  Differ d;
  d.field("locale", got.locale, want.locale);
  d.field("current_hashrate_hs", got.current_hashrate_hs, want.current_hashrate_hs);
  d.field("avg_hashrate_24h_hs", got.avg_hashrate_24h_hs, want.avg_hashrate_24h_hs);
  d.field("online_workers", got.online_workers, want.online_workers);
  d.field("offline_workers", got.offline_workers, want.offline_workers);
  d.field("balance_sat", got.balance_sat, want.balance_sat);
  d.field("last_income_sat", got.last_income_sat, want.last_income_sat);
  d.field("skipped_rows", got.skipped_rows, 0);
  if (d.first) return d.first;
  if (got.workers.size() != want.workers.size()) {
    std::string missing;
    for (const WorkerRow& w : want.workers) {
      const auto same = [&](const WorkerRow& g) { return g.name == w.name; };
      if (std::none_of(got.workers.begin(), got.workers.end(), same)) {
        missing = ", first missing " + quoted(w.name);
        break;
      }
    }
    return "workers: got " + std::to_string(got.workers.size()) + " rows, want " +
           std::to_string(want.workers.size()) + missing;
  }
  for (size_t i = 0; i < want.workers.size() && !d.first; ++i) {
    const WorkerRow& g = got.workers[i];
    const WorkerRow& w = want.workers[i];
    const std::string at = "workers[" + std::to_string(i) + "] " + quoted(w.name) + " ";
    d.field(at + "name", g.name, w.name);
    d.field(at + "status", g.status, w.status);
    d.field(at + "hashrate_10m_hs", g.hashrate_10m_hs, w.hashrate_10m_hs);
    d.field(at + "hashrate_1h_hs", g.hashrate_1h_hs, w.hashrate_1h_hs);
    d.field(at + "hashrate_24h_hs", g.hashrate_24h_hs, w.hashrate_24h_hs);
    d.field(at + "last_share_local", g.last_share_local, w.last_share_local);
  }
  d.field("income rows", static_cast<int>(got.income.size()), static_cast<int>(want.income.size()));
  for (size_t i = 0; i < want.income.size() && !d.first; ++i) {
    const IncomeRow& g = got.income[i];
    const IncomeRow& w = want.income[i];
    const std::string at = "income[" + std::to_string(i) + "] " + w.date + " ";
    d.field(at + "date", g.date, w.date);
    d.field(at + "total_income_sat", static_cast<double>(g.total_income_sat),
            static_cast<double>(w.total_income_sat));
    d.field(at + "hashrate_hs", g.hashrate_hs, w.hashrate_hs);
  }
  return d.first;
}

}  // namespace kz::test
