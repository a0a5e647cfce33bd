#pragma once

// A healthchecks.io stand-in on 127.0.0.1: records every ping (method, path, run id, body) and
// answers with a given status, after a given delay.
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/local_http_server.hpp"

namespace kz::test {

struct HealthPing {
  std::string method;  // GET or POST
  std::string path;    // e.g. /ping/<secret>/start
  std::string rid;     // the run id query parameter, "" when absent
  std::string body;
};

class HealthServer {
 public:
  // Answers every ping with `status` after `delay`.
  explicit HealthServer(int status = 200,
                        std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : status_(status), delay_(delay) {
    configure_local_server(server_, std::chrono::seconds(30),
                           [this](const httplib::Request& request, httplib::Response& response) {
                             {
                               const std::lock_guard lock(mutex_);
                               pings_.push_back({request.method, request.path,
                                                 request.get_param_value("rid"), request.body});
                             }
                             std::this_thread::sleep_for(delay_);
                             response.status = status_;
                             response.set_content("OK", "text/plain");
                           });
    port_ = start_local_server(server_, thread_, "HealthServer");
  }
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;
  ~HealthServer() { stop_local_server(server_, thread_); }

  // The check's link: http://127.0.0.1:<port>/ping/<secret>.
  std::string url(const std::string& secret) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/ping/" + secret;
  }
  int port() const { return port_; }
  std::vector<HealthPing> pings() const {
    const std::lock_guard lock(mutex_);
    return pings_;
  }
  // The last path segment of each ping: "start", "0", "23", ...
  std::vector<std::string> what() const {
    std::vector<std::string> out;
    for (const auto& ping : pings()) out.push_back(ping.path.substr(ping.path.rfind('/') + 1));
    return out;
  }

 private:
  int status_;
  std::chrono::milliseconds delay_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<HealthPing> pings_;
};

}  // namespace kz::test
