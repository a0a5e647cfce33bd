#include <cstdio>
#include <iterator>
#include <random>

#include "support/page_format.hpp"
#include "support/page_generator.hpp"

namespace kz::test {
namespace {

struct Rng {
  std::mt19937 gen;
  explicit Rng(uint32_t seed) : gen(seed) {}
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(gen() % n); }
};

void recount_totals(ObserverPage& p) {
  double current = 0, avg = 0;
  for (const WorkerRow& w : p.workers) {
    current += w.hashrate_10m_hs;
    avg += w.hashrate_24h_hs;
  }
  p.current_hashrate_hs = current;
  p.avg_hashrate_24h_hs = avg;
}

}  // namespace

ObserverPage make_model(size_t workers, uint32_t seed, size_t income_days) {
  Rng rng(seed);
  ObserverPage p;
  p.locale = "en";
  for (size_t i = 0; i < workers; ++i) {
    WorkerRow w;
    char name[64];
    switch (i % 4) {
      case 0:
        std::snprintf(name, sizeof name, "kz%02zux%03zu", i % 7 + 1, i);
        break;
      case 1:
        std::snprintf(name, sizeof name, "%zux%zu.1%zuX1%zuX%zu", 100 + i / 40, i % 40 + 1, i % 7,
                      i % 5, i);
        break;
      case 2:
        std::snprintf(name, sizeof name, "ekb-%zu", i);
        break;
      default:
        std::snprintf(name, sizeof name, "rig_%zu.A", i);
    }
    w.name = name;
    w.status = rng.below(12) == 0 ? WorkerStatus::offline : WorkerStatus::online;
    // Mostly realistic ASICs (whole GH/s); some tiny ones in plain H/s.
    const auto rate = [&] {
      return i % 13 == 5 ? static_cast<double>(rng.below(999'999) + 1)
                         : static_cast<double>(50'000 + rng.below(200'000)) * 1e9;
    };
    w.hashrate_24h_hs = rate();
    if (w.status == WorkerStatus::online) {
      w.hashrate_10m_hs = rate();
      w.hashrate_1h_hs = rate();
    }
    static constexpr int kEdgeHours[] = {0, 11, 12, 13, 23};
    const int hour = i < 5 ? kEdgeHours[i] : static_cast<int>(rng.below(24));
    char share[32];
    std::snprintf(share, sizeof share, "2026-11-22T%02d:%02u:%02u", hour, rng.below(60),
                  rng.below(60));
    if (i % 17 != 16) w.last_share_local = share;
    (w.status == WorkerStatus::online ? p.online_workers : p.offline_workers) += 1;
    p.workers.push_back(std::move(w));
  }
  recount_totals(p);
  p.balance_sat = rng.below(50'000'000);
  const int64_t first_day = 20515;  // 2026-03-03: the rows cross the end of February
  for (size_t d = 0; d < income_days; ++d) {
    const int64_t sat = 100'000 + rng.below(5'000'000);
    if (d == 0) p.last_income_sat = sat;
    p.income.push_back({detail::civil_date(first_day - static_cast<int64_t>(d)), sat,
                        static_cast<double>(5'000'000 + rng.below(40'000'000)) * 1e9});
  }
  return p;
}

void use_hard_names_and_values(ObserverPage& page) {
  static constexpr const char* kNames[] = {"rig 7",    "rig  7",  "rig\t7",    "rig\u00A07",
                                           "ферма-1",  "Ферма-1", "ёжик №2",   "a&b<c>\"'",
                                           "x   y\tz", "Ρ-αλφα",  "rig&nbsp;7"};
  for (size_t i = 0; i < std::size(kNames) && i < page.workers.size(); ++i) {
    page.workers[page.workers.size() - 1 - i].name = kNames[i];
  }
  // Whole TH/s show as "150 TH/s" without a fraction under trim_fraction.
  for (size_t i = 0; i < page.workers.size(); i += 3) {
    WorkerRow& w = page.workers[i];
    if (w.status == WorkerStatus::online) w.hashrate_1h_hs = static_cast<double>(100 + i) * 1e12;
    w.hashrate_24h_hs = static_cast<double>(1000 + i) * 1e9;  // "1,003 GH/s" with unit gh
  }
  recount_totals(page);
}

}  // namespace kz::test
