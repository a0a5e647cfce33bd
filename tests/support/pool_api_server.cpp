#include "support/pool_api_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "support/local_http_server.hpp"

namespace kz::test {

struct PoolApiServer::Impl {
  std::string key;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  nlohmann::json summary = nlohmann::json::object();
  std::map<std::string, std::vector<nlohmann::json>> rows;
  std::function<std::optional<ApiReply>(const ApiCall&)> override;
  std::vector<ApiCall> calls;

  ApiReply answer(const ApiCall& call);
};

namespace {

int64_t number(const std::map<std::string, std::string>& query, const std::string& name,
               int64_t fallback) {
  auto it = query.find(name);
  return it == query.end() ? fallback : std::stoll(it->second);
}

}  // namespace

ApiReply PoolApiServer::Impl::answer(const ApiCall& call) {
  if (call.method == "summary_data") return {200, api_ok(summary)};
  auto it = rows.find(call.method);
  if (it == rows.end()) {
    return {200, R"({"status":"ERROR","message":"unknown method )" + call.method + "\"}"};
  }
  std::vector<nlohmann::json> selected;
  for (const nlohmann::json& row : it->second) {
    if (call.method == "profit_history" && call.query.count("from") &&
        (row["date"] < call.query.at("from") || row["date"] > call.query.at("to"))) {
      continue;
    }
    selected.push_back(row);
  }
  const int64_t offset = number(call.query, "offset", 0);
  const int64_t limit = number(call.query, "limit", 100);
  const auto size = static_cast<int64_t>(selected.size());
  const auto begin = selected.begin() + std::min(offset, size);
  const auto end = selected.begin() + std::min(offset + limit, size);
  return {200, api_ok(api_page({begin, end}, offset, limit, size))};
}

PoolApiServer::PoolApiServer(std::string key) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.key = std::move(key);
  impl.server.Get("/ru/api", [&impl](const httplib::Request& req, httplib::Response& res) {
    ApiCall call;
    call.method = req.get_param_value("method");
    for (const auto& [name, value] : req.params) call.query[name] = value;
    if (req.has_header("X-API-KEY")) call.key = req.get_header_value("X-API-KEY");
    std::function<std::optional<ApiReply>(const ApiCall&)> override;
    {
      std::lock_guard lock(impl.mutex);
      call.index = static_cast<int>(
          std::count_if(impl.calls.begin(), impl.calls.end(),
                        [&call](const ApiCall& c) { return c.method == call.method; }));
      impl.calls.push_back(call);
      override = impl.override;
    }
    std::optional<ApiReply> reply;
    if (call.key != impl.key) {
      reply = ApiReply{401, R"({"status":"ERROR","message":"Unauthorized"})"};
    } else if (override) {
      reply = override(call);
    }
    if (!reply) {
      std::lock_guard lock(impl.mutex);
      reply = impl.answer(call);
    }
    res.status = reply->status;
    res.set_content(reply->body, "application/json");
  });
  impl.port = start_local_server(impl.server, impl.thread, "PoolApiServer");
}

PoolApiServer::~PoolApiServer() {
  stop_local_server(impl_->server, impl_->thread);
}

std::string PoolApiServer::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/ru/api";
}

void PoolApiServer::set_summary(nlohmann::json data) {
  std::lock_guard lock(impl_->mutex);
  impl_->summary = std::move(data);
}

void PoolApiServer::set_rows(const std::string& method, std::vector<nlohmann::json> rows) {
  std::lock_guard lock(impl_->mutex);
  impl_->rows[method] = std::move(rows);
}

void PoolApiServer::set_override(std::function<std::optional<ApiReply>(const ApiCall&)> override) {
  std::lock_guard lock(impl_->mutex);
  impl_->override = std::move(override);
}

std::vector<ApiCall> PoolApiServer::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

int PoolApiServer::call_count(const std::string& method) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(
      std::count_if(impl_->calls.begin(), impl_->calls.end(),
                    [&method](const ApiCall& c) { return c.method == method; }));
}

namespace {
// dump() writes the marker character as this escape, which no other string here contains.
const std::string kNumberMarker =
    "\x1f"
    "number:";
const std::string kDumpedNumberMarker = "\"\\u001fnumber:";
}  // namespace

nlohmann::json api_number(const std::string& text) {
  return kNumberMarker + text;
}

std::string api_ok(const nlohmann::json& data) {
  std::string body = nlohmann::json{{"status", "OK"}, {"data", data}}.dump();
  // Each marked string "\u001fnumber:TEXT" becomes the bare TEXT.
  for (auto at = body.find(kDumpedNumberMarker); at != std::string::npos;
       at = body.find(kDumpedNumberMarker, at)) {
    const auto end = body.find('"', at + kDumpedNumberMarker.size());
    body.replace(
        at, end + 1 - at,
        body.substr(at + kDumpedNumberMarker.size(), end - at - kDumpedNumberMarker.size()));
  }
  return body;
}

nlohmann::json api_page(const std::vector<nlohmann::json>& rows, int64_t offset, int64_t limit,
                        int64_t total) {
  return {{"count", std::to_string(rows.size())},
          {"offset", std::to_string(offset)},
          {"limit", std::to_string(limit)},
          {"total", std::to_string(total)},
          {"list", rows}};
}

nlohmann::json api_summary(int active, int inactive, const std::string& hashrate_10min_hs,
                           const std::string& hashrate_24hour_hs, const std::string& balance) {
  return {
      {"active_workers", std::to_string(active)}, {"unactive_workers", std::to_string(inactive)},
      {"hashrate_10min", hashrate_10min_hs},      {"hashrate_1hour", hashrate_10min_hs},
      {"hashrate_24hour", hashrate_24hour_hs},    {"balance", balance}};
}

nlohmann::json api_worker(int id, const std::string& name, bool online,
                          const std::string& hashrate_hs, int64_t last_active,
                          const std::string& reject_rate) {
  return {{"hashrate_10min", hashrate_hs},
          {"hashrate_1hour", hashrate_hs},
          {"hashrate_24hour", hashrate_hs},
          {"last_active", std::to_string(last_active)},
          {"reject_rate", reject_rate},
          {"worker_id", std::to_string(id)},
          {"worker_name", name},
          {"worker_status", online ? "1" : "0"}};
}

nlohmann::json api_profit_day(const std::string& date, const std::string& pps,
                              const std::string& pplns, const std::string& total,
                              const std::string& hashrate_hs) {
  return {{"hashrate", hashrate_hs},
          {"pplns_profit", pplns},
          {"pps_profit", pps},
          {"total_profit", total},
          {"date", date}};
}

nlohmann::json api_payment(const std::string& id, const std::string& amount,
                           const std::string& address, const std::string& tx, int64_t created) {
  return {{"amount", amount},
          {"address", address},
          {"tx", tx},
          {"created_time", std::to_string(created)},
          {"payment_id", id}};
}

}  // namespace kz::test
