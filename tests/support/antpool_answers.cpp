#include "support/antpool_answers.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>

namespace kz::test::antpool {

namespace {

// The envelope around `data`, already JSON text.
AntpoolReply ok_text(const std::string& data) {
  return {200, R"({"version":"1.0","code":0,"message":"ok","data":)" + data + "}",
          "application/json"};
}

// A decimal integer parameter in [min, max]; absent gives `fallback`, anything else nullopt.
std::optional<int> int_param(const Params& params, const std::string& name, int fallback, int min,
                             int max) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  const std::string& text = it->second;
  if (text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int value = std::stoi(text);
  if (value < min || value > max) return std::nullopt;
  return value;
}

AntpoolReply invalid_parameter(const std::string& name) {
  return antpool_error(-2, "Invalid parameter: " + name);
}

// "%.<decimals>f" of a value.
std::string fixed(double value, int decimals) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

// The page asked for, served the way Antpool does: pageSize capped at `max_size`, and a page
// past the end answered as page 1 (the quirk, spec §5.6 and §10).
struct Page {
  int page = 1, page_size = kDefaultPageSize, total_page = 0, total_record = 0;
  size_t begin = 0, end = 0;  // rows [begin, end) of the selection
};

std::optional<Page> page_of(const Params& params, size_t records, int max_size) {
  const auto page = int_param(params, "page", 1, 1, 1'000'000);
  const auto size = int_param(params, "pageSize", kDefaultPageSize, 1, 1'000'000);
  if (!page || !size) return std::nullopt;
  Page p;
  p.page_size = std::min(*size, max_size);
  p.total_record = static_cast<int>(records);
  p.total_page = (p.total_record + p.page_size - 1) / p.page_size;
  p.page = *page > p.total_page ? 1 : *page;
  p.begin = std::min(records, static_cast<size_t>(p.page - 1) * static_cast<size_t>(p.page_size));
  p.end = std::min(records, p.begin + static_cast<size_t>(p.page_size));
  return p;
}

nlohmann::json page_fields(const Page& p, nlohmann::json rows) {
  return {{"page", p.page},
          {"totalPage", p.total_page},
          {"pageSize", p.page_size},
          {"totalRecord", p.total_record},
          {"rows", std::move(rows)}};
}

// accountOverview.htm (§5.3): H/s as integer strings; counts mix numbers and strings as NA types
// them (total and invalid numbers, active and inactive strings).
AntpoolReply account_overview(const std::string& account, const AccountData& data) {
  const WorkerSums& s = data.sums;
  return ok_reply({{"userId", account},
                   {"hsLast10m", fixed(std::round(s.h10m), 0)},
                   {"hsLast1h", fixed(std::round(s.h1h), 0)},
                   {"hsLast1d", fixed(std::round(s.h1d), 0)},
                   {"totalWorkerNum", s.total},
                   {"activeWorkerNum", std::to_string(s.active)},
                   {"inactiveWorkerNum", std::to_string(s.inactive)},
                   {"invalidWorkerNum", s.invalid},
                   {"totalAmount", data.total},
                   {"unpaidAmount", data.unpaid},
                   {"yesterdayAmount", data.yesterday}});
}

// userWorkerList.htm (§5.4): rows under data.result, hashrates "118.42 TH/s"; the rows are
// pasted from the text rendered by set_workers.
AntpoolReply worker_list(const Params& params, const std::string& account,
                         const AccountData& data) {
  const auto status = int_param(params, "workerStatus", 0, 0, 3);
  if (!status) return invalid_parameter("workerStatus");
  std::vector<size_t> selected;
  selected.reserve(data.workers.size());
  for (size_t i = 0; i < data.workers.size(); ++i) {
    if (*status == 0 || data.workers[i].status == *status) selected.push_back(i);
  }
  const auto page = page_of(params, selected.size(), kAntpoolWorkerListMaxPageSize);
  if (!page) return invalid_parameter("page");
  std::string text = R"({"coinType":"BTC","userId":)" + nlohmann::json(account).dump() +
                     R"(,"result":{"page":)" + std::to_string(page->page) + R"(,"totalPage":)" +
                     std::to_string(page->total_page) + R"(,"pageSize":)" +
                     std::to_string(page->page_size) + R"(,"totalRecord":)" +
                     std::to_string(page->total_record) + R"(,"rows":[)";
  for (size_t i = page->begin; i < page->end; ++i) {
    if (i != page->begin) text += ',';
    text += data.worker_rows[selected[i]];
  }
  text += "]}}";
  return ok_text(text);
}

nlohmann::json recv_row(const AntpoolRecvDay& day) {
  return {{"timestamp", day.timestamp},
          {"hashrate", hashrate_text(day.hashrate_hs)},
          {"hashrate_unit", fixed(std::round(day.hashrate_hs), 0)},
          {"ppsAmount", day.pps},
          {"pplnsAmount", day.pplns},
          {"soloAmount", "0"},
          {"ppappsAmount", "0"},
          {"ppapplnsAmount", "0"},
          {"fppsBlockAmount", day.fpps_block},
          {"fppsFeeAmount", day.fpps_fee}};
}

nlohmann::json payout_row(const AntpoolPayout& payout) {
  return {{"timestamp", payout.timestamp},
          {"walletAddress", payout.wallet_address},
          {"txId", payout.tx_id},
          {"amount", payout.amount}};
}

// paymentHistoryV2.htm (§5.6): paging fields directly in data; pageEnable=0 gives every row
// as one page.
AntpoolReply payment_history(const Params& params, const AccountData& data) {
  auto type_it = params.find("type");
  const std::string type = type_it == params.end() ? "payout" : type_it->second;
  if (type != "recv" && type != "payout") return invalid_parameter("type");
  const bool recv = type == "recv";
  const size_t records = recv ? data.recv.size() : data.payouts.size();
  auto enable_it = params.find("pageEnable");
  std::optional<Page> page;
  if (enable_it != params.end() && enable_it->second == "0") {
    page =
        Page{1, static_cast<int>(records), records ? 1 : 0, static_cast<int>(records), 0, records};
  } else {
    page = page_of(params, records, kAntpoolPaymentMaxPageSize);
  }
  if (!page) return invalid_parameter("page");
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = page->begin; i < page->end; ++i) {
    rows.push_back(recv ? recv_row(data.recv[i]) : payout_row(data.payouts[i]));
  }
  return ok_reply(page_fields(*page, std::move(rows)));
}

// account.htm (§5.1); settleTime is the date of the newest recv day.
AntpoolReply account_balance(const AccountData& data) {
  const std::string settle = data.recv.empty() ? "" : data.recv.front().timestamp.substr(0, 10);
  return ok_reply({{"earn24Hours", data.yesterday},
                   {"earnTotal", data.total},
                   {"paidOut", data.paid_out},
                   {"balance", data.unpaid},
                   {"settleTime", settle}});
}

// hashrate.htm (§5.2): MH/s decimal strings, worker counts as numbers.
AntpoolReply hashrate(const AccountData& data) {
  const WorkerSums& s = data.sums;
  return ok_reply({{"last10m", fixed(s.h10m / 1e6, 2)},
                   {"last30m", "0"},
                   {"last1h", fixed(s.h1h / 1e6, 2)},
                   {"last1d", fixed(s.h1d / 1e6, 2)},
                   {"prev10m", "0"},
                   {"prev30m", "0"},
                   {"prev1h", "0"},
                   {"prev1d", "0"},
                   {"accepted", "0"},
                   {"stale", "0"},
                   {"dupelicate", "0"},
                   {"other", "0"},
                   {"totalWorkers", s.total},
                   {"activeWorkers", s.active}});
}

// poolStats.htm (§5.7): the pool is every account served; poolHashrate in MH/s (a string),
// the round figures as numbers (the spec sees both types).
AntpoolReply pool_stats(const std::map<std::string, AccountData>& all) {
  double hashrate_hs = 0;
  int active = 0;
  for (const auto& [name, data] : all) {
    const WorkerSums& s = data.sums;
    hashrate_hs += s.h10m;
    active += s.active;
  }
  return ok_reply({{"poolHashrate", fixed(std::round(hashrate_hs / 1e6), 0)},
                   {"activeWorkerNumber", std::to_string(active)},
                   {"poolStatus", "Alive"},
                   {"networkDiff", "83148355189239"},
                   {"estimateTime", 3670},
                   {"currentRound", 1250},
                   {"totalShareNumber", "9012345678"},
                   {"totalBlockNumber", "123456"}});
}

}  // namespace

bool known_endpoint(const std::string& endpoint) {
  return endpoint == "accountOverview.htm" || endpoint == "userWorkerList.htm" ||
         endpoint == "paymentHistoryV2.htm" || endpoint == "account.htm" ||
         endpoint == "hashrate.htm" || endpoint == "poolStats.htm";
}

AntpoolReply answer_endpoint(const std::string& endpoint, const Params& params,
                             const std::string& account, const AccountData& data,
                             const std::map<std::string, AccountData>& all) {
  if (endpoint == "accountOverview.htm") return account_overview(account, data);
  if (endpoint == "userWorkerList.htm") return worker_list(params, account, data);
  if (endpoint == "paymentHistoryV2.htm") return payment_history(params, data);
  if (endpoint == "account.htm") return account_balance(data);
  if (endpoint == "hashrate.htm") return hashrate(data);
  if (endpoint == "poolStats.htm") return pool_stats(all);
  return antpool_error(-2, "Invalid parameter");
}

std::string hashrate_text(double hashrate_hs) {
  static const std::array<const char*, 7> kUnits = {"H/s",  "KH/s", "MH/s", "GH/s",
                                                    "TH/s", "PH/s", "EH/s"};
  size_t unit = 0;
  double value = hashrate_hs;
  while (unit + 1 < kUnits.size() && value >= 1000) {
    value /= 1000;
    ++unit;
  }
  // 999.996 TH/s rounds to "1000.00": one unit up reads "1.00 PH/s", as Antpool would show it.
  if (unit + 1 < kUnits.size() && std::round(value * 100) >= 100'000) {
    value /= 1000;
    ++unit;
  }
  return fixed(value, 2) + " " + kUnits[unit];
}

AntpoolReply ok_reply(const nlohmann::json& data) {
  return ok_text(data.dump());
}

void set_workers(AccountData& data, std::vector<AntpoolWorker> workers) {
  data.workers = std::move(workers);
  data.worker_rows.clear();
  data.sums = {};
  WorkerSums& s = data.sums;
  for (const AntpoolWorker& w : data.workers) {
    data.worker_rows.push_back(nlohmann::json{
        {"workerId", w.name},
        {"hsLast10min", hashrate_text(w.hashrate_10m_hs)},
        {"hsLast1h", hashrate_text(w.hashrate_1h_hs)},
        {"hsLast1d", hashrate_text(w.hashrate_1d_hs)},
        {"rejectRatio", w.reject_ratio},
        {"shareLastTime", std::to_string(w.share_last_time_ms)},
        {"workerStatus", w.status}}.dump());
    s.h10m += w.hashrate_10m_hs;
    s.h1h += w.hashrate_1h_hs;
    s.h1d += w.hashrate_1d_hs;
    ++s.total;
    if (w.status == 1) ++s.active;
    if (w.status == 2) ++s.inactive;
    if (w.status == 3) ++s.invalid;
  }
}

}  // namespace kz::test::antpool
