#include "support/gateway/faults.hpp"

#include <array>
#include <utility>

namespace kz::test {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 5> kFaultNames = {{
    {FaultKind::kServiceUnavailable, "service_unavailable"},
    {FaultKind::kTooManyRequests, "too_many_requests"},
    {FaultKind::kStatementTimeout, "statement_timeout"},
    {FaultKind::kDropConnection, "drop_connection"},
    {FaultKind::kDropResponse, "drop_response"},
}};

}  // namespace

std::string_view to_string(FaultKind kind) {
  for (const auto& [known, name] : kFaultNames) {
    if (known == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> fault_kind_from_string(std::string_view name) {
  for (const auto& [kind, known] : kFaultNames) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

void FaultInjector::add(Fault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(mutex_);
  queue_.push_back(fault);
}

void FaultInjector::set_delay(std::chrono::milliseconds delay, int count) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
  delayed_requests_ = count;
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  queue_.clear();
  delay_ = std::chrono::milliseconds(0);
  delayed_requests_ = 0;
}

int FaultInjector::pending() const {
  std::lock_guard lock(mutex_);
  int total = 0;
  for (const auto& fault : queue_) total += fault.count;
  return total;
}

FaultInjector::Decision FaultInjector::next() {
  std::lock_guard lock(mutex_);
  Decision decision;
  if (delayed_requests_ != 0) {
    decision.delay = delay_;
    if (delayed_requests_ > 0) --delayed_requests_;
  }
  if (!queue_.empty()) {
    decision.fault = queue_.front();
    if (--queue_.front().count == 0) queue_.pop_front();
  }
  return decision;
}

nlohmann::json to_json(const LoggedRequest& request) {
  return {{"method", request.method}, {"path", request.path},     {"query", request.query},
          {"prefer", request.prefer}, {"status", request.status}, {"rows", request.rows},
          {"fault", request.fault}};
}

void RequestLog::add(LoggedRequest request) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(request));
}

std::vector<LoggedRequest> RequestLog::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

void RequestLog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace kz::test
