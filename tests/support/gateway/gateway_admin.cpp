// Admin routes of the gateway and the answers of injected faults.

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/gateway/gateway_impl.hpp"

namespace kz::test {
namespace {

std::optional<std::pair<std::string, int>> socket_endpoint(int fd, bool peer) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length)
                : getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (rc != 0 || address.ss_family != AF_INET) return std::nullopt;
  const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(&address);
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &ipv4->sin_addr, text, sizeof(text));
  return std::make_pair(std::string(text), static_cast<int>(ntohs(ipv4->sin_port)));
}

void answer_admin_error(httplib::Response& response, const std::string& message) {
  response.status = 400;
  response.set_content(nlohmann::json{{"message", message}}.dump(), kJsonContentType);
}

}  // namespace

void Gateway::Impl::answer_fault(const Fault& fault, httplib::Response& response) const {
  std::string retry_after = std::to_string(fault.retry_after_seconds);
  switch (fault.kind) {
    case FaultKind::kServiceUnavailable:
      write_error(response, postgrest_error(503, "PGRST000",
                                            "Database connection error. Retrying the connection.",
                                            {}, {}, {{"Retry-After", retry_after}}));
      break;
    case FaultKind::kTooManyRequests:
      response.status = 429;
      response.set_header("Retry-After", retry_after);
      response.set_content(R"({"message":"API rate limit exceeded"})", kJsonContentType);
      break;
    case FaultKind::kStatementTimeout:
      write_error(response,
                  postgrest_error(500, "57014", "canceling statement due to statement timeout"));
      break;
    case FaultKind::kDropConnection:
    case FaultKind::kDropResponse:
      break;
  }
}

// httplib hides the socket from handlers: find it by its two endpoints and shut it down, so the
// client reads end-of-stream instead of a response.
void Gateway::Impl::drop_connection(const httplib::Request& request) const {
  DIR* fds = opendir("/proc/self/fd");
  if (fds == nullptr) return;
  while (dirent* entry = readdir(fds)) {
    int fd = std::atoi(entry->d_name);
    if (fd <= 2) continue;
    auto local = socket_endpoint(fd, false);
    if (!local || local->second != port) continue;
    auto peer = socket_endpoint(fd, true);
    if (peer && peer->first == request.remote_addr && peer->second == request.remote_port) {
      shutdown(fd, SHUT_RDWR);
      break;
    }
  }
  closedir(fds);
}

void Gateway::Impl::register_admin_routes() {
  server.Post("/_admin/faults", [this](const httplib::Request& request,
                                       httplib::Response& response) {
    auto body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return answer_admin_error(response, "body must be a JSON object");
    int count = body.value("count", body.contains("delay_ms") ? -1 : 1);
    if (body.contains("delay_ms")) {
      faults.set_delay(std::chrono::milliseconds(body.value("delay_ms", 0)), count);
    }
    if (body.contains("kind")) {
      auto kind = fault_kind_from_string(body.value("kind", ""));
      if (!kind) return answer_admin_error(response, "unknown fault kind");
      faults.add({*kind, count, body.value("retry_after", 1)});
    }
    response.set_content(nlohmann::json{{"pending", faults.pending()}}.dump(), kJsonContentType);
  });
  server.Delete("/_admin/faults", [this](const httplib::Request&, httplib::Response& response) {
    faults.clear();
    response.status = 204;
  });
  server.Get("/_admin/requests", [this](const httplib::Request&, httplib::Response& response) {
    auto entries = nlohmann::json::array();
    for (const auto& entry : log.entries()) entries.push_back(to_json(entry));
    response.set_content(entries.dump(), kJsonContentType);
  });
  server.Delete("/_admin/requests", [this](const httplib::Request&, httplib::Response& response) {
    log.clear();
    response.status = 204;
  });
  server.Post("/_admin/reload_schema",
              [this](const httplib::Request&, httplib::Response& response) {
                schema.clear();
                response.status = 204;
              });
}

}  // namespace kz::test
