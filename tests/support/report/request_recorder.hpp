#pragma once

// A TCP listener on 127.0.0.1 (ephemeral port) that records the first line of every connection
// made to it ("GET http://host/x HTTP/1.1", "CONNECT host:443 HTTP/1.1") and answers 502: used
// as the proxy of a browser that must make no request at all.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kz::test {

class RequestRecorder {
 public:
  RequestRecorder();  // throws std::runtime_error when it cannot listen
  ~RequestRecorder();
  RequestRecorder(const RequestRecorder&) = delete;
  RequestRecorder& operator=(const RequestRecorder&) = delete;

  int port() const { return port_; }
  // The first line of each connection so far (empty when the client sent nothing).
  std::vector<std::string> requests() const;

 private:
  void serve();

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace kz::test
