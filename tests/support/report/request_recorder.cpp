#include "support/report/request_recorder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace kz::test {

RequestRecorder::RequestRecorder() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) ::close(listener_);
    throw std::runtime_error("RequestRecorder: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

RequestRecorder::~RequestRecorder() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::vector<std::string> RequestRecorder::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void RequestRecorder::serve() {
  while (!stopping_) {
    pollfd wait{listener_, POLLIN, 0};
    if (::poll(&wait, 1, 100) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::string head;
    char buffer[2048];
    // The first line, or whatever arrives within a second.
    for (int tries = 0; tries < 10 && head.find('\n') == std::string::npos; ++tries) {
      pollfd readable{client, POLLIN, 0};
      if (::poll(&readable, 1, 100) <= 0) continue;
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      head.append(buffer, static_cast<std::size_t>(got));
    }
    const auto end = head.find_first_of("\r\n");
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(head.substr(0, end));
    }
    static constexpr char kAnswer[] =
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    (void)::send(client, kAnswer, sizeof kAnswer - 1, MSG_NOSIGNAL);
    ::close(client);
  }
}

}  // namespace kz::test
