#pragma once

// The endpoint answers of the fake Antpool (antpool_server.hpp), in the shapes and units of
// tests/data/antpool/antpool-api.md §5. Pure functions of the request's parameters and the
// account's data: no locking, no clock, no signature (antpool_server.cpp does those).

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/antpool_server.hpp"

namespace kz::test::antpool {

using Params = std::map<std::string, std::string>;

inline constexpr int kDefaultPageSize = 10;  // both paged endpoints, when pageSize is absent

// Totals over an account's workers (status 1 active, 2 inactive, 3 invalid).
struct WorkerSums {
  double h10m = 0, h1h = 0, h1d = 0;  // H/s
  int total = 0, active = 0, inactive = 0, invalid = 0;
};

// What the server holds for one account (a key's user_id or one of its sub-accounts).
struct AccountData {
  std::vector<AntpoolWorker> workers;
  std::vector<std::string> worker_rows;  // workers[i]'s userWorkerList.htm row, JSON text
  WorkerSums sums;
  std::vector<AntpoolRecvDay> recv;    // newest first
  std::vector<AntpoolPayout> payouts;  // newest first
  std::string unpaid = "0", total = "0", yesterday = "0", paid_out = "0";
};

// Gives `data` these workers, rendering their rows and sums once here so that each request
// only copies text (a fleet of 33 x 200 workers is served all day).
void set_workers(AccountData& data, std::vector<AntpoolWorker> workers);

// The endpoints served (names as in the URL, "account.htm").
bool known_endpoint(const std::string& endpoint);

// The answer of `endpoint` (known_endpoint) for `account`, or an error envelope (-2 for a bad
// parameter). `all` is every account's data (poolStats.htm sums the whole pool).
AntpoolReply answer_endpoint(const std::string& endpoint, const Params& params,
                             const std::string& account, const AccountData& data,
                             const std::map<std::string, AccountData>& all);

// "118.42 TH/s": the value in H/s written in the unit that puts it in [1, 1000), two decimals,
// as userWorkerList.htm and paymentHistoryV2.htm (recv) show hashrates; 0 is "0.00 H/s".
std::string hashrate_text(double hashrate_hs);

// {"version":"1.0","code":0,"message":"ok","data":data} with HTTP 200.
AntpoolReply ok_reply(const nlohmann::json& data);

}  // namespace kz::test::antpool
