#pragma once

// Fills a kzscrape cache the way kzscrape does (SnapshotStore, AlertStore), with pages whose
// numbers are easy to predict, for kzupload's tests and benchmark.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/cache.hpp"
#include "common/clock.hpp"
#include "scrape/alerts/alert_store.hpp"
#include "scrape/observer_page.hpp"
#include "scrape/snapshot_store.hpp"

namespace kz::test {

inline constexpr const char* kObserverUrl = "https://btcpool.kz/observer?access_key=abc";

inline std::string worker_name(std::size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, i % 50 == 0 ? "rig %04zu" : "rig-%04zu", i);
  return name;
}

// `workers` workers; worker i has 10 m = 100 + i % 7 TH/s (+0.5 on odd i), 1 h = 100.4 TH/s,
// 24 h = 99 TH/s; every 12th (i % 12 == 11) is offline with zero hashrates. Income: today
// (`today`, YYYY-MM-DD) `today_sat`, and the day before 0.01864218 BTC.
inline ObserverPage make_pool_page(std::size_t workers, int64_t today_sat = 100'000,
                                   const std::string& today = "2026-11-22") {
  ObserverPage page;
  page.locale = "en";
  for (std::size_t i = 0; i < workers; ++i) {
    WorkerRow w;
    w.name = worker_name(i);
    if (i % 12 == 11) {
      w.status = WorkerStatus::offline;
      ++page.offline_workers;
    } else {
      w.status = WorkerStatus::online;
      ++page.online_workers;
      w.hashrate_10m_hs = (100.0 + static_cast<double>(i % 7) + (i % 2 ? 0.5 : 0.0)) * 1e12;
      w.hashrate_1h_hs = 100.4e12;
      w.hashrate_24h_hs = 99e12;
      page.current_hashrate_hs += w.hashrate_10m_hs;
    }
    w.last_share_local = "2026-11-22T15:00:00";
    page.workers.push_back(std::move(w));
  }
  page.avg_hashrate_24h_hs = 99e12 * static_cast<double>(page.online_workers);
  page.balance_sat = 1'864'218;
  page.last_income_sat = 123'456'789;
  page.income.push_back({today, today_sat, 12.5e15});
  page.income.push_back({"2026-11-21", 1'864'218, 12.4e15});
  return page;
}

// One pool in a cache file, written at a fixed clock that advances 10 minutes per scrape.
class CacheFiller {
 public:
  explicit CacheFiller(const std::string& path, std::string account = "KZPool_001",
                       std::string observer_url = kObserverUrl)
      : cache_(path),
        snapshots_(cache_),
        alerts_(cache_),
        account_(std::move(account)),
        observer_url_(std::move(observer_url)) {}

  Cache& cache() { return cache_; }
  FixedClock& clock() { return clock_; }

  // Stores the page as a snapshot at the clock's time; returns the snapshot id.
  int64_t scrape(const ObserverPage& page) {
    int64_t id = 0;
    cache_.write_transaction([&] {
      const int64_t pool = pool_id();
      id = snapshots_.insert_snapshot(pool, page, clock_.now(), std::chrono::minutes(300));
    });
    clock_.advance(std::chrono::minutes(10));
    return id;
  }

  void alert(AlertAction action, const std::string& type, const std::string& subject = "",
             Severity severity = Severity::high, const std::string& message = "test alert") {
    cache_.write_transaction([&] {
      alerts_.apply(pool_id(), {{action, {type, subject}, severity, message}}, clock_.now());
    });
  }

  int64_t pool_id() {
    std::optional<std::string> label;
    if (!account_.empty()) label = account_;
    return snapshots_.ensure_pool(observer_url_, label, clock_.now());
  }

 private:
  Cache cache_;
  SnapshotStore snapshots_;
  AlertStore alerts_;
  std::string account_;
  std::string observer_url_;
  FixedClock clock_{std::chrono::sys_days{std::chrono::November / 22 / 2026} +
                    std::chrono::hours(10)};
};

}  // namespace kz::test
