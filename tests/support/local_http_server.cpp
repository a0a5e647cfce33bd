#include "support/local_http_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <csignal>
#include <stdexcept>
#include <string>

namespace kz::test {

void configure_local_server(httplib::Server& server, std::chrono::seconds io_timeout,
                            const HttpHandler& handler) {
  std::signal(SIGPIPE, SIG_IGN);
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(static_cast<time_t>(io_timeout.count()), 0);
  server.set_write_timeout(static_cast<time_t>(io_timeout.count()), 0);
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
}

int start_local_server(httplib::Server& server, std::thread& thread, const char* who) {
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error(std::string(who) + ": cannot bind 127.0.0.1");
  thread = std::thread([&server] { server.listen_after_bind(); });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return port;
}

void stop_local_server(httplib::Server& server, std::thread& thread) {
  server.stop();
  if (thread.joinable()) thread.join();
}

}  // namespace kz::test
