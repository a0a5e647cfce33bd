#include "scrape/page_json.hpp"

#include "common/clock.hpp"
#include "common/units.hpp"

namespace kz {
namespace {

constexpr double kHsPerThs = 1e12;

template <typename T, typename F>
nlohmann::json or_null(const std::optional<T>& value, F convert) {
  return value ? nlohmann::json(convert(*value)) : nlohmann::json(nullptr);
}

double ths(double hs) {
  return hs / kHsPerThs;
}
int64_t same(int64_t sat) {
  return sat;
}

}  // namespace

nlohmann::json page_to_json(const ObserverPage& page) {
  nlohmann::json workers = nlohmann::json::array();
  for (const WorkerRow& w : page.workers) {
    workers.push_back({
        {"name", w.name},
        {"status", w.status == WorkerStatus::online ? "online" : "offline"},
        {"hashrate_10m_ths", ths(w.hashrate_10m_hs)},
        {"hashrate_1h_ths", ths(w.hashrate_1h_hs)},
        {"hashrate_24h_ths", ths(w.hashrate_24h_hs)},
        {"last_share", or_null(w.last_share_local, [](const std::string& s) { return s; })},
    });
    // What only the API gives is shown only when present, so page output keeps its shape.
    if (w.last_share_unix) {
      workers.back()["last_share_utc"] =
          format_utc(TimePoint{std::chrono::seconds{*w.last_share_unix}});
    }
    if (w.reject_rate) workers.back()["reject_rate"] = *w.reject_rate;
  }
  nlohmann::json earnings = nlohmann::json::array();
  for (const IncomeRow& row : page.income) {
    earnings.push_back({
        {"date", row.date},
        {"total_income_sat", row.total_income_sat},
        {"total_income_btc", format_btc(row.total_income_sat)},
        {"hashrate_ths", or_null(row.hashrate_hs, ths)},
    });
    if (row.pps_sat) earnings.back()["pps_sat"] = *row.pps_sat;
    if (row.pplns_sat) earnings.back()["pplns_sat"] = *row.pplns_sat;
    if (row.fpps_sat) earnings.back()["fpps_sat"] = *row.fpps_sat;
  }
  nlohmann::json payments = nlohmann::json::array();
  for (const PaymentRow& p : page.payments) {
    payments.push_back({{"payment_id", p.payment_id},
                        {"amount_btc", format_btc(p.amount_sat)},
                        {"address", p.address},
                        {"tx", p.tx},
                        {"paid_at", format_utc(TimePoint{std::chrono::seconds{p.paid_at_unix}})}});
  }
  nlohmann::json json = {
      {"locale", page.locale},
      {"current_hashrate_ths", ths(page.current_hashrate_hs)},
      {"avg_hashrate_24h_ths", or_null(page.avg_hashrate_24h_hs, ths)},
      {"online_workers", page.online_workers},
      {"offline_workers", page.offline_workers},
      {"balance_sat", or_null(page.balance_sat, same)},
      {"balance_btc", or_null(page.balance_sat, format_btc)},
      {"last_income_sat", or_null(page.last_income_sat, same)},
      {"last_income_btc", or_null(page.last_income_sat, format_btc)},
      {"workers_complete", page.workers_complete()},
      {"skipped_rows", page.skipped_rows},
      {"workers", std::move(workers)},
      {"earnings", std::move(earnings)},
  };
  if (!payments.empty()) json["payments"] = std::move(payments);
  return json;
}

}  // namespace kz
