#include "scrape/plausibility.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "common/units.hpp"
#include "scrape/observer/page_text.hpp"

namespace kz {
namespace {

[[noreturn]] void implausible(const std::string& where, const std::string& what) {
  throw Error(ExitCode::no_data, "implausible value: " + where + ": " + what);
}

// The shortest text that reads back as `hs`: 1.0000001e+22 stays apart from 1e+22.
std::string shortest(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

void check_hashrate(const std::string& where, double hs) {
  if (std::isnan(hs) || hs < 0) implausible(where, shortest(hs) + " H/s is not a hashrate");
  if (hs > kMaxPlausibleHashrateHs) implausible(where, shortest(hs) + " H/s is above 10 ZH/s");
}

void check_hashrate(const std::string& where, const std::optional<double>& hs) {
  if (hs) check_hashrate(where, *hs);
}

void check_count(const std::string& where, int64_t count) {
  if (count < 0) implausible(where, std::to_string(count) + " is negative");
  if (count > kMaxPlausibleWorkers) {
    implausible(where, std::to_string(count) + " workers is above 10 million");
  }
}

void check_sat(const std::string& where, int64_t sat) {
  const std::string shown = format_btc(sat) + " BTC";
  if (sat < 0) implausible(where, shown + " is negative");
  if (sat > kMaxPlausibleSat) implausible(where, shown + " is above 21 million BTC");
}

void check_sat(const std::string& where, const std::optional<int64_t>& sat) {
  if (sat) check_sat(where, *sat);
}

}  // namespace

void check_plausible(const ObserverPage& page) {
  check_hashrate("pool current hashrate", page.current_hashrate_hs);
  check_hashrate("pool 24 h hashrate", page.avg_hashrate_24h_hs);
  check_count("online workers", page.online_workers);
  check_count("offline workers", page.offline_workers);
  // Both are at most 10 million here, so the sum cannot overflow.
  check_count("online + offline workers", page.online_workers + page.offline_workers);
  check_count("workers listed", static_cast<int64_t>(page.workers.size()));
  check_sat("balance", page.balance_sat);
  check_sat("last income", page.last_income_sat);
  for (const WorkerRow& worker : page.workers) {
    const std::string where = "worker " + quoted(worker.name);
    check_hashrate(where + " 10 min hashrate", worker.hashrate_10m_hs);
    check_hashrate(where + " 1 h hashrate", worker.hashrate_1h_hs);
    check_hashrate(where + " 24 h hashrate", worker.hashrate_24h_hs);
    if (worker.reject_rate && (std::isnan(*worker.reject_rate) || *worker.reject_rate < 0)) {
      implausible(where + " reject rate", shortest(*worker.reject_rate) + " is not a rate");
    }
  }
  for (const IncomeRow& day : page.income) {
    const std::string where = "income of " + quoted(day.date);
    check_sat(where, day.total_income_sat);
    check_sat(where + " (PPS)", day.pps_sat);
    check_sat(where + " (PPLNS)", day.pplns_sat);
    check_hashrate(where + " hashrate", day.hashrate_hs);
  }
  for (const PaymentRow& payment : page.payments) {
    check_sat("payment " + quoted(payment.payment_id), payment.amount_sat);
  }
}

}  // namespace kz
