#include "scrape/antpool/antpool_mapping.hpp"

#include <cctype>
#include <limits>

#include "common/clock.hpp"
#include "common/decimal_text.hpp"
#include "common/error.hpp"
#include "scrape/antpool/antpool_units.hpp"

namespace kz {
namespace {

constexpr size_t kMaxQuoted = 60;

// Reads the fields of one object of one endpoint's answer; every error names both.
class Fields {
 public:
  Fields(const nlohmann::json& object, std::string endpoint)
      : object_(object), endpoint_(std::move(endpoint)) {
    if (!object_.is_object()) fail("the answer", "is not a JSON object");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(ExitCode::no_data, "Antpool " + endpoint_ + ": " + field + " " + what);
  }

  // The field's text, whether sent as a string or a number; nullopt when missing or null.
  std::optional<std::string> text(const std::string& field) const {
    const auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    fail(field, "is neither a string nor a number");
  }

  std::string required_text(const std::string& field) const {
    auto value = text(field);
    if (!value || value->empty()) fail(field, "is missing");
    return *value;
  }

  [[noreturn]] void unreadable(const std::string& field, const std::string& value,
                               const std::string& as) const {
    const std::string shown =
        value.size() > kMaxQuoted ? value.substr(0, kMaxQuoted) + "..." : value;
    fail(field, "'" + shown + "' is not " + as);
  }

  // A plain decimal in 10^power H/s; nullopt when missing.
  std::optional<double> scaled_hs(const std::string& field, int power) const {
    const auto value = text(field);
    if (!value) return std::nullopt;
    const auto hs = antpool_scaled_hs(*value, power);
    if (!hs) unreadable(field, *value, "a non-negative hashrate");
    return hs;
  }

  // "116.34 TH/s": "" or missing is 0.
  double unit_hs(const std::string& field) const {
    const auto value = text(field);
    if (!value || value->empty()) return 0;
    const auto hs = antpool_hashrate_hs(*value);
    if (!hs) unreadable(field, *value, "a hashrate with a unit H/s to EH/s");
    return *hs;
  }

  std::optional<int64_t> count(const std::string& field) const {
    const auto value = text(field);
    if (!value) return std::nullopt;
    const auto decimal = parse_decimal_text(*value);
    std::optional<int64_t> whole;
    if (decimal && !decimal->negative) whole = decimal_to_integer(*decimal, 0, Rounding::exact);
    if (!whole) unreadable(field, *value, "a non-negative whole number");
    return whole;
  }

  int64_t required_count(const std::string& field) const {
    const auto value = count(field);
    if (!value) fail(field, "is missing");
    return *value;
  }

  // A coin amount: exact satoshis; more than 8 non-zero decimals is refused, never rounded.
  std::optional<int64_t> sat(const std::string& field) const {
    const auto value = text(field);
    if (!value) return std::nullopt;
    const auto decimal = parse_decimal_text(*value);
    std::optional<int64_t> amount;
    if (decimal && !decimal->negative) amount = decimal_to_integer(*decimal, 8, Rounding::exact);
    if (!amount) unreadable(field, *value, "a non-negative BTC amount with at most 8 decimals");
    return amount;
  }

  int64_t required_sat(const std::string& field) const {
    const auto value = sat(field);
    if (!value) fail(field, "is missing");
    return *value;
  }

  // "2024-05-01 00:00:00", "2024-05-01T00:00:00" or "2024-05-01" (zone-less, UTC).
  TimePoint utc_time(const std::string& field) const {
    const std::string value = required_text(field);
    std::string iso = value;
    if (iso.size() == 10) iso += "T00:00:00";
    if (iso.size() == 19 && iso[10] == ' ') iso[10] = 'T';
    const auto time = local_to_utc(iso, std::chrono::minutes(0));
    if (!time) unreadable(field, value, "a date \"YYYY-MM-DD[ HH:MM:SS]\"");
    return *time;
  }

  const nlohmann::json& object() const { return object_; }

 private:
  const nlohmann::json& object_;
  std::string endpoint_;
};

std::string date_of(TimePoint time) {
  return format_utc(time).substr(0, 10);
}

// Before 1973 as epoch milliseconds: most likely seconds, which would be read as 1970.
constexpr int64_t kMinShareMs = 100'000'000'000;

}  // namespace

ObserverPage map_account_overview(const nlohmann::json& data) {
  const Fields f(data, "accountOverview.htm");
  ObserverPage page;
  page.locale = "api";
  page.worker_list = WorkerList::none;
  const auto current = f.scaled_hs("hsLast10m", 0);
  if (!current) f.fail("hsLast10m", "is missing");
  page.current_hashrate_hs = *current;
  page.avg_hashrate_24h_hs = f.scaled_hs("hsLast1d", 0);
  page.online_workers = f.required_count("activeWorkerNum");
  page.offline_workers = f.required_count("inactiveWorkerNum");
  page.balance_sat = f.sat("unpaidAmount");
  page.last_income_sat = f.sat("yesterdayAmount");
  return page;
}

std::optional<WorkerRow> map_worker_row(const nlohmann::json& row) {
  const Fields f(row, "userWorkerList.htm");
  WorkerRow worker;
  worker.name = f.required_text("workerId");
  worker.hashrate_10m_hs = f.unit_hs("hsLast10min");
  worker.hashrate_1h_hs = f.unit_hs("hsLast1h");
  worker.hashrate_24h_hs = f.unit_hs("hsLast1d");
  if (const auto ratio = f.text("rejectRatio"); ratio && !ratio->empty()) {
    worker.reject_rate = antpool_percent_fraction(*ratio);
    if (!worker.reject_rate) f.unreadable("rejectRatio", *ratio, "a percentage \"0.03%\"");
  }
  if (const auto share = f.text("shareLastTime"); share && !share->empty()) {
    const auto ms = f.count("shareLastTime");
    if (*ms != 0) {
      if (*ms < kMinShareMs) f.unreadable("shareLastTime", *share, "epoch milliseconds");
      worker.last_share_unix = *ms / 1000;
    }
  }
  const auto status = f.count("workerStatus");
  if (!status) {
    worker.status = worker.hashrate_10m_hs > 0 ? WorkerStatus::online : WorkerStatus::offline;
  } else if (*status == 1) {
    worker.status = WorkerStatus::online;
  } else if (*status == 2) {
    worker.status = WorkerStatus::offline;
  } else if (*status == 3) {
    return std::nullopt;
  } else {
    f.unreadable("workerStatus", std::to_string(*status), "1, 2 or 3");
  }
  return worker;
}

IncomeRow map_income_row(const nlohmann::json& row) {
  const Fields f(row, "paymentHistoryV2.htm (recv)");
  IncomeRow income;
  income.date = date_of(f.utc_time("timestamp"));
  bool any_amount = false;
  int64_t total = 0;
  for (const auto& [name, value] : row.items()) {
    if (name.size() <= 6 || name.compare(name.size() - 6, 6, "Amount") != 0) continue;
    const int64_t amount = f.sat(name).value_or(0);
    if (amount > std::numeric_limits<int64_t>::max() - total) f.fail(name, "overflows the total");
    total += amount;
    any_amount = true;
  }
  if (!any_amount) f.fail("the row", "has no *Amount field");
  income.total_income_sat = total;
  income.pps_sat = f.sat("ppsAmount");
  income.pplns_sat = f.sat("pplnsAmount");
  const auto block = f.sat("fppsBlockAmount");
  const auto fee = f.sat("fppsFeeAmount");
  if (block || fee) income.fpps_sat = block.value_or(0) + fee.value_or(0);
  const auto unit_text = f.text("hashrate_unit");
  if (unit_text && !unit_text->empty()) {
    income.hashrate_hs = f.scaled_hs("hashrate_unit", 0);
  } else if (const auto text = f.text("hashrate"); text && !text->empty()) {
    income.hashrate_hs = f.unit_hs("hashrate");
  }
  return income;
}

PaymentRow map_payment_row(const nlohmann::json& row) {
  const Fields f(row, "paymentHistoryV2.htm (payout)");
  PaymentRow payment;
  payment.tx = f.text("txId").value_or("");
  payment.payment_id = payment.tx.empty() ? f.text("id").value_or("") : payment.tx;
  if (payment.payment_id.empty()) f.fail("txId", "and id are missing");
  payment.amount_sat = f.required_sat("amount");
  payment.address = f.text("walletAddress").value_or("");
  payment.paid_at_unix = f.utc_time("timestamp").time_since_epoch().count();
  return payment;
}

PoolStats map_pool_stats(const nlohmann::json& data) {
  const Fields f(data, "poolStats.htm");
  PoolStats stats;
  const auto hashrate = f.scaled_hs("poolHashrate", 6);
  if (!hashrate) f.fail("poolHashrate", "is missing");
  stats.pool_hashrate_hs = *hashrate;
  stats.active_workers = f.count("activeWorkerNumber");
  stats.pool_status = f.text("poolStatus").value_or("");
  if (const auto diff = f.text("networkDiff"); diff && !diff->empty()) {
    const auto decimal = parse_decimal_text(*diff);
    if (!decimal || decimal->negative) f.unreadable("networkDiff", *diff, "a non-negative number");
    stats.network_difficulty = *diff;
  }
  stats.estimate_time_s = f.count("estimateTime");
  stats.current_round_s = f.count("currentRound");
  stats.total_shares = f.count("totalShareNumber");
  stats.total_blocks = f.count("totalBlockNumber");
  return stats;
}

AccountBalance map_account_balance(const nlohmann::json& data) {
  const Fields f(data, "account.htm");
  AccountBalance balance;
  balance.balance_sat = f.required_sat("balance");
  balance.earn_total_sat = f.required_sat("earnTotal");
  balance.paid_out_sat = f.required_sat("paidOut");
  balance.earn_24h_sat = f.required_sat("earn24Hours");
  if (const auto settle = f.text("settleTime"); settle && !settle->empty()) {
    balance.settle_date = date_of(f.utc_time("settleTime"));
  }
  return balance;
}

}  // namespace kz
